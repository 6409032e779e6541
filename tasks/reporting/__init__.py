"""Reporting and review: the report form, evidence files, 催办 reminders, change history."""
