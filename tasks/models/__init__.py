from tasks.models.plans import Indicator, Light, Plan, Responsibility, Section, Task
from tasks.models.reports import Attachment, ProgressReport, Reminder, ReportFigure
from tasks.models.tallies import PlanTally, StandingClock, UnitTally

__all__ = [
    "Attachment",
    "Indicator",
    "Light",
    "Plan",
    "PlanTally",
    "ProgressReport",
    "Reminder",
    "ReportFigure",
    "Responsibility",
    "Section",
    "StandingClock",
    "Task",
    "UnitTally",
]
