"""Reads that pages need, each a fixed number of queries whatever the data size."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from reform.paging import EstimatedCount
from tasks.models import ProgressReport, Reminder, Responsibility, Task
from tasks.standing.lights import OWING, SENT, indicators_with_actuals

UNIT_PAGE_SIZE = 50


def unit_responsibilities(unit, user):
    """What a unit answers for in the plans not archived that the user may read."""
    return Responsibility.objects.visible_to(user).filter(unit=unit, archived=False)


def unit_counts(unit, user):
    """How many tasks a unit leads and supports, and how many reports it owes now (in the
    plans not archived, as on its page)."""
    return unit_responsibilities(unit, user).aggregate(
        lead=Count("pk", filter=Q(role=Responsibility.Role.LEAD)),
        support=Count("pk", filter=Q(role=Responsibility.Role.SUPPORT)),
        owed=Count("pk", filter=Q(reporting__in=OWING)),
    )


def unit_items(unit, user, page_number):
    """A page of what a unit leads or supports (lead first, then by plan and 序号, as the task
    list orders them): its responsibilities with their tasks and plans, and when it last sent
    a report on each."""
    last_sent = (
        ProgressReport.objects.filter(task=OuterRef("task"), unit=unit, state__in=SENT)
        .order_by("-submitted_on", "-pk")
        .values("submitted_on")[:1]
    )
    items = (
        unit_responsibilities(unit, user)
        .select_related("task__plan")
        .defer("task__content", "task__plan__source_text")
        .annotate(last_sent_on=Subquery(last_sent))
        .order_by("role", "task__plan_id", "task__seq")
    )
    return Paginator(items, UNIT_PAGE_SIZE).get_page(page_number)


def unit_open_reports(unit, user):
    """The unit's drafts and returned reports: what it still has to finish."""
    reports = ProgressReport.objects.visible_to(user).filter(
        unit=unit, state__in=ProgressReport.EDITABLE_STATES
    )
    return reports.with_task().order_by("-updated_at")


def open_reminders(unit, user):
    """The latest 20 催办 notices to the unit whose report has not been sent since."""
    answered = ProgressReport.objects.filter(
        task=OuterRef("task"), unit=unit, period=OuterRef("period"), state__in=SENT
    )
    return (
        Reminder.objects.filter(unit=unit, task__in=Task.objects.visible_to(user))
        .exclude(Exists(answered))
        .select_related("task__plan", "sent_by")
        .defer("task__plan__source_text")
        .order_by("-sent_at")[:20]
    )


def with_article(reports):
    """Reports with what their articles show: unit, people, figures and attachments."""
    return reports.with_article().prefetch_related("figures", "attachments")


def task_reports(task, user):
    """The task's reports the user may see (`ProgressReport.visible_to`), newest first."""
    reports = ProgressReport.objects.visible_to(user).filter(task=task)
    return with_article(reports).order_by("-submitted_on", "-updated_at")


def task_chain(task):
    """结转: the tasks the task continues (nearest first) and those continuing it, each with
    its plan and its latest accepted report's figures (two queries, none if not carried)."""
    root = task.origin_id or task.pk
    chain = {
        t.pk: t
        for t in Task.objects.filter(Q(pk=root) | Q(origin_id=root))
        .exclude(pk=task.pk)
        .with_plan()
        .select_related("latest_report__unit")
        .prefetch_related("latest_report__figures")
        .order_by()  # put in order here
    }
    earlier = []
    pk = task.carried_from_id
    while pk in chain:
        earlier.append(chain.pop(pk))
        pk = earlier[-1].carried_from_id
    later = sorted(chain.values(), key=lambda t: (t.plan.starts_on, t.pk))
    return earlier, later


def reported_periods(task, unit, besides=None):
    """The periods the unit has a report for on the task (but the report `besides`)."""
    reports = ProgressReport.objects.filter(task=task, unit=unit)
    if besides is not None:
        reports = reports.exclude(pk=besides.pk)
    return set(reports.order_by().values_list("period", flat=True))


def unit_draft(task, unit):
    """The unit's latest draft or returned report on the task."""
    drafts = ProgressReport.objects.filter(
        task=task, unit=unit, state__in=ProgressReport.EDITABLE_STATES
    )
    return drafts.order_by("-submitted_on", "-created_at").first()


def indicator_progress(task):
    """The task's indicators, each with its latest accepted figure (`actual`, `actual_on`)."""
    return indicators_with_actuals([task]).get(task.pk, [])


def page_of(ordered, number, size, rows, *, whole=False):
    """Page `number` of the rows of `ordered` (a queryset in its order), read from `rows`
    with what they join. The page's ids are found first: a deep page skips ids along an
    index, not joined rows. `whole`: `ordered` is the whole table, counted by estimate."""
    paginator = EstimatedCount if whole else Paginator
    page = paginator(ordered.values_list("pk", flat=True), size).get_page(number)
    found = rows.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def tasks_page(tasks, number, size, *, whole=False):
    """A page of tasks with their plans and units, and the report awaiting review if any."""
    rows = Task.objects.with_units().select_related("pending_report")
    return page_of(tasks, number, size, rows, whole=whole)


def review_queue(user, number, size):
    """A page of the reports awaiting the user's review (on the plans their office
    manages), oldest first, with their articles."""
    waiting = ProgressReport.objects.managed_by(user).awaiting_review()
    waiting = waiting.order_by("submitted_on", "pk")
    return page_of(waiting, number, size, with_article(ProgressReport.objects.all()))
