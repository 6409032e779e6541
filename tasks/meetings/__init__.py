"""督查会: meetings, the standing frozen when each is recorded, and what changed between them."""
