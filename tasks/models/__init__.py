from tasks.models.meetings import Instruction, Meeting, TaskSnapshot
from tasks.models.plans import Indicator, Light, Plan, Responsibility, Section, Task
from tasks.models.reports import Attachment, ProgressReport, Reminder, ReportFigure, Submission

__all__ = [
    "Attachment",
    "Indicator",
    "Instruction",
    "Light",
    "Meeting",
    "Plan",
    "ProgressReport",
    "Reminder",
    "ReportFigure",
    "Responsibility",
    "Section",
    "Submission",
    "Task",
    "TaskSnapshot",
]
