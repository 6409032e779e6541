"""Reads that pages need, each a fixed number of queries whatever the data size."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from tasks.lights import SENT, Reporting, assess_tasks, reporting
from tasks.models import ProgressReport, Reminder, ReportFigure, Task


@dataclass
class UnitItem:
    task: Task
    role: str
    role_label: str
    reporting: Reporting


def unit_items(unit, today):
    """The tasks a unit leads or supports, each with its light and the report the unit owes."""
    last_sent = ProgressReport.objects.filter(
        task=OuterRef("pk"), unit=unit, state__in=SENT
    ).order_by("-submitted_on", "-pk")
    tasks = (
        Task.objects.filter(responsibilities__unit=unit)
        .with_units()
        .annotate(last_sent_on=Subquery(last_sent.values("submitted_on")[:1]))
        .order_by("plan__year", "plan_id", "seq")
    )
    items = []
    for task in assess_tasks(tasks, today):
        (resp,) = [r for r in task.responsibilities.all() if r.unit_id == unit.pk]
        items.append(
            UnitItem(
                task=task,
                role=resp.role,
                role_label=resp.get_role_display(),
                reporting=reporting(task, unit.pk, today, task.sent),
            )
        )
    return items


def unit_open_reports(unit):
    """The unit's drafts and returned reports: what it still has to finish."""
    return (
        ProgressReport.objects.filter(unit=unit, state__in=ProgressReport.EDITABLE_STATES)
        .select_related("task__plan")
        .order_by("-updated_at")
    )


def open_reminders(unit, count=20):
    """催办 notices to the unit whose report has not been sent since."""
    answered = ProgressReport.objects.filter(
        task=OuterRef("task"), unit=unit, period=OuterRef("period"), state__in=SENT
    )
    return (
        Reminder.objects.filter(unit=unit)
        .exclude(Exists(answered))
        .select_related("task__plan", "sent_by")
        .order_by("-sent_at")[:count]
    )


def task_reports(task, user):
    """A task's report timeline as the user may see it, figures and attachments included."""
    return (
        ProgressReport.objects.visible_to(user)
        .filter(task=task)
        .select_related("unit", "author", "reviewed_by")
        .prefetch_related("figures", "attachments")
        .order_by("-submitted_on", "-updated_at")
    )


def indicator_progress(task):
    """Each indicator with its latest accepted actual (one query for all)."""
    indicators = list(task.indicators.all())
    latest = {}
    figures = (
        ReportFigure.objects.filter(
            indicator__in=indicators, report__state=ProgressReport.State.ACCEPTED
        )
        .select_related("report")
        .order_by("-report__submitted_on", "-report__pk")
    )
    for figure in figures:
        latest.setdefault(figure.indicator_id, figure)
    return [(indicator, latest.get(indicator.pk)) for indicator in indicators]


def review_queue():
    return (
        ProgressReport.objects.awaiting_review()
        .select_related("task__plan", "unit", "author")
        .prefetch_related("figures", "attachments")
        .order_by("submitted_on", "pk")
    )
