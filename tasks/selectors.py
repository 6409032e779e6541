"""Reads that pages need, each a fixed number of queries whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Subquery

from reform.prepared import Prepared
from tasks.lights import SENT, Reporting
from tasks.models import (
    Attachment,
    Indicator,
    Plan,
    ProgressReport,
    Reminder,
    ReportFigure,
    Responsibility,
    Task,
    UnitTally,
)
from tasks.pages import REPORT_HEAD
from tasks.periods import period_containing
from units.roles import reads_everything, unit_ids

UNIT_PAGE_SIZE = 50


@dataclass
class UnitItem:
    task: Task
    role: str
    role_label: str
    reporting: Reporting


# The commonest reads of the pages, each compiled once (reform.prepared).
TASKS = Prepared(lambda ids: Task.objects.with_plan().filter(pk__in=ids).order_by("pk"))
LOCKED_TASKS = Prepared(lambda ids: TASKS.build(ids).select_for_update(of=("self",)))
PLAN_TASKS = Prepared(lambda plan: Task.objects.with_plan().filter(plan=plan).order_by("seq"))


def units_in_roles(responsibilities):
    return responsibilities.select_related("unit").order_by("task_id", "role", "seq")


RESPONSIBILITIES = Prepared(lambda ids: units_in_roles(Responsibility.objects.filter(task__in=ids)))
PLAN_RESPONSIBILITIES = Prepared(
    lambda plan: units_in_roles(Responsibility.objects.filter(task__plan=plan))
)
TASK_HEADS = Prepared(
    lambda ids: (
        Task.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            *row_fields(Task, "content"),
            *(f"plan__{name}" for name in row_fields(Plan, "source_text")),
        )
    )
)
UNIT_HEADS = Prepared(
    lambda ids: (
        Responsibility.objects.filter(task__in=ids)
        .order_by("role", "seq")
        .values_list("task_id", "role", "unit_id", "unit__name", "unit__short_name")
    )
)
UNIT_TALLY = Prepared(lambda unit: UnitTally.objects.filter(unit=unit))
ARTICLES = Prepared(lambda ids: ProgressReport.objects.with_article().filter(pk__in=ids).order_by())
FIGURES = Prepared(lambda ids: ReportFigure.objects.filter(report__in=ids))
FILES = Prepared(lambda ids: Attachment.objects.filter(report__in=ids))
INDICATORS = Prepared(lambda task: Indicator.objects.filter(task=task))
ACTUALS = Prepared(
    lambda ids: (
        ReportFigure.objects.filter(indicator__in=ids, report__state=ProgressReport.State.ACCEPTED)
        .select_related("report")
        .order_by("-report__submitted_on", "-report__pk")
    )
)


def tasks_with_units(ids, lock=False):
    """The tasks with these ids, by id, with their plans, sections and units in their
    roles, as `Task.objects.with_units()` reads them. `lock`: their rows locked until the
    transaction ends (in the order of their ids)."""
    tasks = (LOCKED_TASKS if lock else TASKS)(ids)
    held_with_units(tasks, RESPONSIBILITIES(ids))
    return {task.pk: task for task in tasks}


def plan_tasks_with_units(plan):
    """The plan's tasks in order, read as `tasks_with_units` reads them."""
    tasks = PLAN_TASKS(plan.pk)
    held_with_units(tasks, PLAN_RESPONSIBILITIES(plan.pk))
    return tasks


def held_with_units(tasks, responsibilities):
    """Each task holds its responsibilities (read in their roles' order, with their units)."""
    held = defaultdict(list)
    for responsibility in responsibilities:
        held[responsibility.task_id].append(responsibility)
    for task in tasks:
        task.keep_responsibilities(held[task.pk])


def tasks_with_plans(ids):
    """The tasks with these ids, by id, with their plans and sections."""
    return {task.pk: task for task in TASKS(ids)}


def unit_counts(unit):
    """How many tasks a unit leads and supports, and how many reports it owes now, from its
    tally (one query on one row, however many tasks the unit has)."""
    tally = UNIT_TALLY.first(unit.pk) or UnitTally(unit=unit)
    return {"lead": tally.led, "support": tally.supported, "owed": tally.owed}


def unit_items(unit, page_number):
    """A page of the items a unit leads or supports (lead first), each as what its row shows,
    read as values (a head: the task's fields but its content, its plan's but the document,
    the unit's role, the report it owes as the last refresh stored it, and the date of the
    unit's last report sent). Rows keyed by heads read their items only when not cached
    (`unit_item`). A fixed number of queries whatever the unit's size; the first page, which
    nearly every view asks for, and the count through prepared reads."""
    paginator = Paginator(unit_heads(unit), UNIT_PAGE_SIZE)
    paginator.count = UNIT_ITEM_COUNT.first(unit.pk) or 0  # without the joins the heads read
    page = paginator.get_page(page_number)
    if page.number == 1:
        return page, UNIT_FIRST_PAGE(unit.pk)
    return page, list(page.object_list)


def unit_heads(unit):
    task_fields = [f"task__{name}" for name in row_fields(Task, "content")]
    plan_fields = [f"task__plan__{name}" for name in row_fields(Plan, "source_text")]
    return (
        Responsibility.objects.filter(unit=unit)
        .order_by("role", "sort_key")  # by year, plan and 序号, along an index
        .annotate(last_sent_on=Subquery(last_sent(unit, OuterRef("task"))))
        .values_list(
            "task_id",
            "role",
            "reporting",
            "reporting_period",
            "last_sent_on",
            *task_fields,
            *plan_fields,
            named=True,
        )
    )


UNIT_FIRST_PAGE = Prepared(lambda unit: unit_heads(unit)[:UNIT_PAGE_SIZE])
UNIT_ITEM_COUNT = Prepared(
    lambda unit: (
        Responsibility.objects.filter(unit=unit)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
)


def unit_item(head, task):
    """The item of a head (`unit_items`) on its task, read with its plan."""
    task.last_sent_on = head.last_sent_on
    start = head.reporting_period
    return UnitItem(
        task=task,
        role=head.role,
        role_label=Responsibility.Role(head.role).label,
        # The report the unit owes, as the last refresh stored it.
        reporting=Reporting(start and period_containing(task.plan, start), head.reporting),
    )


def last_sent(unit, task):
    """When the unit last sent a report on `task` (an outer reference)."""
    sent = ProgressReport.objects.filter(task=task, unit=unit, state__in=SENT)
    return sent.order_by("-submitted_on", "-pk").values("submitted_on")[:1]


def row_fields(model, *left_out):
    return [f.attname for f in model._meta.concrete_fields if f.name not in left_out]


def unit_open_reports(unit):
    """The unit's drafts and returned reports: what it still has to finish."""
    return OPEN_REPORTS(unit.pk)


OPEN_REPORTS = Prepared(
    lambda unit: (
        ProgressReport.objects.filter(unit=unit, state__in=ProgressReport.EDITABLE_STATES)
        .with_task()
        .order_by("-updated_at")
    )
)


def open_reminders(unit):
    """The latest 20 催办 notices to the unit whose report has not been sent since."""
    return OPEN_REMINDERS(unit.pk)


def unanswered_reminders(unit):
    answered = ProgressReport.objects.filter(
        task=OuterRef("task"), unit=unit, period=OuterRef("period"), state__in=SENT
    )
    return (
        Reminder.objects.filter(unit=unit)
        .exclude(Exists(answered))
        .select_related("task__plan", "sent_by")
        .defer("task__plan__source_text")
        .order_by("-sent_at")[:20]
    )


OPEN_REMINDERS = Prepared(unanswered_reminders)


def task_report_heads(task, user):
    """The heads (`tasks.pages.REPORT_HEAD`) of the task's reports the user may see
    (`ProgressReport.visible_to`), in the timeline's order."""
    if reads_everything(user):
        return HEADS(task.pk)
    return SEEN_HEADS(task.pk, sorted(unit_ids(user)))


def timeline(reports):
    return reports.order_by("-submitted_on", "-updated_at").values_list(*REPORT_HEAD)


HEADS = Prepared(lambda task: timeline(ProgressReport.objects.filter(task=task)))
SEEN_HEADS = Prepared(
    lambda task, units: timeline(ProgressReport.objects.seen_by_members_of(units).filter(task=task))
)


def reported_periods(task, unit, besides=None):
    """The periods the unit has a report for on the task (but the report `besides`)."""
    left_out = besides and besides.pk
    return {period for pk, period in PERIODS(task.pk, unit.pk) if pk != left_out}


PERIODS = Prepared(
    lambda task, unit: (
        ProgressReport.objects.filter(task=task, unit=unit).order_by().values_list("pk", "period")
    )
)


def unit_draft(task, unit):
    """The unit's draft or returned report on the task, the latest; the unit is the
    reader's, as in `ProgressReport.editable_by`."""
    return DRAFT.first(task.pk, unit.pk)


DRAFT = Prepared(
    lambda task, unit: ProgressReport.objects.filter(
        task=task, unit=unit, state__in=ProgressReport.EDITABLE_STATES
    ).order_by("-submitted_on", "-created_at")[:1]
)


def indicator_progress(task):
    """Each indicator with its latest accepted actual (one query for all)."""
    indicators = INDICATORS(task.pk)
    latest = {}
    for figure in ACTUALS([indicator.pk for indicator in indicators]):
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
    heads = {row[0]: [row] for row in TASK_HEADS(ids)}
    for task_id, *unit in UNIT_HEADS(ids):
        if task_id in heads:
            heads[task_id].append(unit)
    return heads


def article_reports(ids):
    """The reports with these ids, by id, with what their articles show (tasks.articles):
    `with_article()`, and their figures and attachments, one query each, listed on each
    report (`figure_list`, `file_list`). Django's prefetch builds a queryset for each report
    and relation it fills: reading a dozen reports took 4.3 ms of CPU, now 3.4."""
    reports = {report.pk: report for report in ARTICLES(ids)}
    figures, files = defaultdict(list), defaultdict(list)
    for figure in FIGURES(list(reports)):
        figures[figure.report_id].append(figure)
    for attachment in FILES(list(reports)):
        files[attachment.report_id].append(attachment)
    for pk, report in reports.items():
        report.figure_list, report.file_list = figures[pk], files[pk]
    return reports


def review_queue():
    """The reports awaiting review, oldest first."""
    return ProgressReport.objects.awaiting_review().order_by("submitted_on", "pk")


def review_card_heads(ids):
    """What the review card of each of these reports shows, in their order, as values (its
    head, `tasks.pages.REPORT_HEAD`, with its task's code and title and its plan's)."""
    heads = (
        ProgressReport.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "version",
            "updated_at",
            "task__code",
            "task__title",
            "task__plan_id",
            "task__plan__title",
        )
    )
    found = {head[0]: head for head in heads}
    return [found[pk] for pk in ids if pk in found]
