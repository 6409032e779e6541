"""考核: the office's scoring rules, and each unit's score with the events behind it."""
