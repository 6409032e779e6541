from tasks.models.plans import Indicator, Plan, Responsibility, Section, Task
from tasks.models.reports import Attachment, ProgressReport, ReportFigure

__all__ = [
    "Attachment",
    "Indicator",
    "Plan",
    "ProgressReport",
    "ReportFigure",
    "Responsibility",
    "Section",
    "Task",
]
