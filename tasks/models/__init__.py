from tasks.models.meetings import Instruction, Meeting, TaskSnapshot
from tasks.models.plans import Indicator, Light, Plan, Responsibility, Section, Task
from tasks.models.reports import Attachment, ProgressReport, Reminder, ReportFigure, Submission
from tasks.models.scoring import ScoreAdjustment, ScorePublication, ScoreRules
from tasks.models.tallies import TaskTally, UnitTally

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
    "ScoreAdjustment",
    "ScorePublication",
    "ScoreRules",
    "Section",
    "Submission",
    "Task",
    "TaskSnapshot",
    "TaskTally",
    "UnitTally",
]
