"""Lights and standing: reporting periods, the light rules and their reasons, what is stored."""
