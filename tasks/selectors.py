"""Reads that pages need, each a fixed number of queries whatever the data size."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from tasks.lights import task_light
from tasks.models import ProgressReport, ReportFigure, Responsibility, Task
from tasks.periods import period_containing

SENT = [ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED]


@dataclass
class UnitItem:
    task: Task
    role: str
    role_label: str
    light: str
    period: object
    due_this_period: bool


def unit_items(unit, today):
    """The tasks a unit leads or supports, with light and whether this period's report is due."""
    last_sent = ProgressReport.objects.filter(
        task=OuterRef("task"), unit=unit, state__in=SENT
    ).order_by("-submitted_on", "-pk")
    responsibilities = (
        Responsibility.objects.filter(unit=unit)
        .select_related("task__plan", "task__section")
        .annotate(last_sent_on=Subquery(last_sent.values("submitted_on")[:1]))
        .order_by("task__plan__year", "task__plan_id", "task__seq")
    )
    items = []
    for resp in responsibilities:
        task = resp.task
        task.last_sent_on = resp.last_sent_on
        items.append(
            UnitItem(
                task=task,
                role=resp.role,
                role_label=resp.get_role_display(),
                light=task_light(task, today),
                period=period_containing(task.plan.reporting_cycle, today),
                due_this_period=False,
            )
        )
    mark_reported(items, unit)
    return items


def mark_reported(items, unit):
    """Flags the items whose report for the current period is still owed (one query)."""
    periodic = [i for i in items if i.period and not i.task.is_closed]
    if not periodic:
        return
    sent = set(
        ProgressReport.objects.filter(
            unit=unit,
            state__in=SENT,
            task__in=[i.task.pk for i in periodic],
            period__in={i.period.start for i in periodic},
        ).values_list("task_id", "period")
    )
    for item in periodic:
        item.due_this_period = (item.task.pk, item.period.start) not in sent


def unit_open_reports(unit):
    """The unit's drafts and returned reports: what it still has to finish."""
    return (
        ProgressReport.objects.filter(unit=unit, state__in=ProgressReport.EDITABLE_STATES)
        .select_related("task__plan")
        .order_by("-updated_at")
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
