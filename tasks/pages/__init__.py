"""Reads for pages: selectors, dashboards and overview counts, the task list's filters."""
