"""Reads that pages need, each a fixed number of queries whatever the data size."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery

from tasks.lights import SENT, Reporting
from tasks.models import (
    Plan,
    ProgressReport,
    Reminder,
    ReportFigure,
    Responsibility,
    Task,
    UnitTally,
)
from tasks.periods import period_containing

UNIT_PAGE_SIZE = 50


@dataclass
class UnitItem:
    task: Task
    role: str
    role_label: str
    reporting: Reporting


def unit_counts(unit):
    """How many tasks a unit leads and supports, and how many reports it owes now, from its
    tally (one query on one row, however many tasks the unit has)."""
    tally = UnitTally.objects.filter(unit=unit).first() or UnitTally(unit=unit)
    return {"lead": tally.led, "support": tally.supported, "owed": tally.owed}


def unit_items(unit, page_number):
    """A page of the tasks a unit leads or supports (lead first), each with its stored light
    and the report the unit owes. A fixed number of queries whatever the unit's size."""
    responsibilities = Responsibility.objects.filter(unit=unit).order_by(
        "role", "task__plan__year", "task__plan_id", "task__seq"
    )
    page = Paginator(responsibilities, UNIT_PAGE_SIZE).get_page(page_number)
    last_sent = ProgressReport.objects.filter(
        task=OuterRef("pk"), unit=unit, state__in=SENT
    ).order_by("-submitted_on", "-pk")
    tasks = Task.objects.filter(pk__in=[r.task_id for r in page]).with_plan()
    tasks = tasks.annotate(last_sent_on=Subquery(last_sent.values("submitted_on")[:1]))
    tasks = {t.pk: t for t in tasks}
    items = [
        UnitItem(
            task=tasks[resp.task_id],
            role=resp.role,
            role_label=resp.get_role_display(),
            reporting=stored_reporting(resp, tasks[resp.task_id].plan),
        )
        for resp in page
    ]
    return page, items


def stored_reporting(resp, plan):
    """The report a unit owes on a task, as the last refresh stored it."""
    start = resp.reporting_period
    return Reporting(start and period_containing(plan, start), resp.reporting)


def unit_open_reports(unit):
    """The unit's drafts and returned reports: what it still has to finish."""
    return (
        ProgressReport.objects.filter(unit=unit, state__in=ProgressReport.EDITABLE_STATES)
        .with_task()
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
        .defer("task__plan__source_text")
        .order_by("-sent_at")[:count]
    )


def task_reports(task, user):
    """A task's report timeline as the user may see it."""
    return (
        ProgressReport.objects.visible_to(user)
        .filter(task=task)
        .order_by("-submitted_on", "-updated_at")
    )


def report_articles(ids):
    """These reports by id, with what their articles show: figures, attachments, people."""
    return ProgressReport.objects.with_article().order_by().in_bulk(ids)


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


def page_of_ids(queryset, number, size):
    """The page `number` of `queryset`, as a page of its primary keys (ids in its order).

    A page deep in a long list costs what its OFFSET costs: over the ids alone, an index
    serves it; over the rows with everything they join, each skipped row was joined first
    (page 2,000 of the review queue: 10 ms against 1.3 s)."""
    page = Paginator(queryset.values_list("pk", flat=True), size).get_page(number)
    return page, list(page.object_list)


def task_row_heads(ids):
    """What the row of each of these tasks shows, by id, read as plain values: the task's
    fields but its content, its plan's but the document, and its units in their roles. A
    row keyed by its head is rendered again whenever any of them changes, and reading the
    heads of a page costs a quarter of reading its tasks with their plans and units."""
    task_fields = [f.attname for f in Task._meta.concrete_fields if f.name != "content"]
    plan_fields = [
        f"plan__{f.attname}" for f in Plan._meta.concrete_fields if f.name != "source_text"
    ]
    tasks = Task.objects.filter(pk__in=ids).order_by().values_list(*task_fields, *plan_fields)
    heads = {row[0]: [row] for row in tasks}
    units = (
        Responsibility.objects.filter(task__in=ids)
        .order_by("role", "seq")
        .values_list("task_id", "role", "unit_id", "unit__name", "unit__short_name")
    )
    for task_id, *unit in units:
        if task_id in heads:
            heads[task_id].append(unit)
    return heads


def tasks_with_units(ids):
    """These tasks by id, with their plans and units."""
    return Task.objects.with_units().filter(pk__in=ids).order_by().in_bulk()


def in_order(queryset, ids):
    """The objects of `queryset` with these ids, in their order (one deleted meanwhile is left
    out)."""
    found = queryset.filter(pk__in=ids).order_by().in_bulk()
    return [found[pk] for pk in ids if pk in found]


def review_queue():
    """The reports awaiting review, oldest first."""
    return ProgressReport.objects.awaiting_review().order_by("submitted_on", "pk")


def review_cards(ids):
    """These reports (in this order) with what a review card shows: the article, the task."""
    return in_order(ProgressReport.objects.with_task().with_article(), ids)
