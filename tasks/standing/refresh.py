"""Stored standing: each task's light, its reasons and its latest accepted report, and each
responsible unit's reporting, on-time record, its task's light and whether its plan is
archived.

The rules are in tasks/standing/lights.py; this module stores what they give, so that lists
filter and sort and dashboards count in SQL at any size. Every save and delete of a unit, plan,
task, responsibility, indicator, report or figure refreshes the tasks concerned (`touched`,
connected in tasks/apps.py), whichever path made it: services, the admin, imports, the seed.
Writes of many rows run in `refreshing()`, which refreshes each task they touched once, at the
end, in their transaction. Time alone moves lights: `python manage.py refresh_standing`
refreshes every task once a day.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from reform.bulk import update_rows
from tasks.models import ProgressReport, Responsibility, Task
from tasks.standing.lights import SENT, assess_tasks, is_finished, reporting
from tasks.standing.periods import plan_periods
from tasks.standing.tallies import recount

CHUNK = 1000
STORED = ["light", "light_reasons", "latest_report_id", "pending_report_id"]
LIGHT_FIELDS = ["light", "light_reasons", "latest_report", "pending_report", "light_on"]
REPORTING_FIELDS = [
    "reporting",
    "reporting_period",
    "reports_expected",
    "reports_on_time",
    "light",
    "archived",
    "plan_id",  # the column, compared without reading the plan
]

# The ids of the tasks, and of the reports, touched within the `refreshing()` block, if any.
_touched = ContextVar("touched", default=None)


def touched(*task_ids, reports=(), plans=()):
    """Refreshes the standing of these tasks and of these reports' tasks, and the tallies of
    their plans and of these: now, or at the end of the `refreshing()` block this runs in."""
    batch = _touched.get()
    if batch is None:
        refresh_ids(tasks_of(task_ids, reports), timezone.localdate(), plans=plans)
    else:
        batch["tasks"].update(task_ids)
        batch["reports"].update(reports)
        batch["plans"].update(plans)


def tasks_of(task_ids, report_ids):
    """The ids of these tasks and of these reports' tasks, in order."""
    ids = set(task_ids)
    if report_ids:
        reports = ProgressReport.objects.filter(pk__in=report_ids)
        ids.update(reports.values_list("task_id", flat=True))
    return sorted(ids)


@contextmanager
def refreshing():
    """Runs the writes within in one transaction with the refresh of the tasks they touched,
    each once, at the end (a block within another leaves that to the outer one)."""
    if _touched.get() is not None:
        yield
        return
    batch = {"tasks": set(), "reports": set(), "plans": set()}
    token = _touched.set(batch)
    try:
        with transaction.atomic():
            yield
            ids = tasks_of(batch["tasks"], batch["reports"])
            refresh_ids(ids, timezone.localdate(), plans=batch["plans"])
    finally:
        _touched.reset(token)


def closed_periods(plan, today):
    """The plan's periods whose report due date has passed, newest first."""
    return [p for p in plan_periods(plan, today) if p.deadline < today]


@dataclass
class SentReports:
    """The reports sent (submitted or accepted) on some tasks, read once for a refresh."""

    by_task: dict  # task id → {(unit id, period start)}: `lights.sent_reports`
    history: dict  # (task id, unit id, period start) → the date it was sent
    latest: dict  # task id → the id of its latest accepted report
    pending: dict  # task id → the id of its latest report awaiting review


def latest_of(found, task_id, sent_on, pk):
    """Keeps in `found` (task id → (date sent, id)) the latest report by date sent, then by
    id, one without a date as the earliest."""
    order = (sent_on or date.min, pk)
    if order > found.get(task_id, (date.min, 0)):
        found[task_id] = order


def reports_sent(ids):
    """The reports sent on the tasks with these ids (one query)."""
    sent = SentReports(defaultdict(set), {}, {}, {})
    accepted, pending = {}, {}
    rows = (
        ProgressReport.objects.filter(task__in=ids, state__in=SENT)
        .order_by()
        .values_list("task_id", "unit_id", "period", "submitted_on", "state", "pk")
    )
    for task_id, unit_id, period, sent_on, state, pk in rows:
        if period is not None:
            sent.by_task[task_id].add((unit_id, period))
            sent.history[task_id, unit_id, period] = sent_on
        latest_of(
            accepted if state == ProgressReport.State.ACCEPTED else pending, task_id, sent_on, pk
        )
    sent.latest = {task_id: pk for task_id, (_on, pk) in accepted.items()}
    sent.pending = {task_id: pk for task_id, (_on, pk) in pending.items()}
    return sent


def owed_reports(task, unit_id, periods, sent):
    """(period, what `sent` holds for the unit's report on the task for it, or None), for
    each of `periods` the unit owed a report for: none is owed on a finished task but what
    was sent. The one rule of the on-time record and of the 考核 scores."""
    for period in periods:
        found = sent.get((task.pk, unit_id, period.start))
        if found is None and is_finished(task):
            continue
        yield period, found


def on_time_record(task, unit_id, periods, history):
    """(reports owed whose due date has passed, those sent by then) for one unit on one task."""
    owed = list(owed_reports(task, unit_id, periods, history))
    return len(owed), sum(on is not None and on <= period.deadline for period, on in owed)


def refresh_standing(tasks, today, progress=None) -> int:
    """Recomputes and stores the standing of `tasks` (a queryset), a chunk at a time."""
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    return refresh_ids(ids, today, progress)


def refresh_ids(ids, today, progress=None, plans=()) -> int:
    """Recomputes and stores the standing of the tasks with these ids (in order), and the
    tallies of their plans and of `plans`."""
    plans = set(plans)
    for start in range(0, len(ids), CHUNK):
        plans -= refresh_chunk(ids[start : start + CHUNK], today)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    recount(plans)  # plans left with none of these tasks: deleted or moved away
    return len(ids)


@transaction.atomic
def refresh_chunk(ids, today):
    """Stores the standing of these tasks: four queries to read, one write for each kind of
    row that changed. The tasks stay locked until the transaction ends, so that two writes
    to one task refresh it one after the other, each seeing what the other stored. Returns
    the ids of the plans whose tallies it recounted."""
    tasks = list(
        Task.objects.with_units().filter(pk__in=ids).order_by("pk").select_for_update(of=("self",))
    )
    # The tasks' plans, and those their units' rows were stored with (a task moved away).
    plans = {t.plan_id for t in tasks} | {
        r.plan_id for t in tasks for r in t.responsibilities.all()
    }
    stored = {t.pk: [getattr(t, name) for name in STORED] for t in tasks}
    sent = reports_sent(ids)
    assess_tasks(tasks, today, sent.by_task)
    for task in tasks:
        task.latest_report_id = sent.latest.get(task.pk)
        task.pending_report_id = sent.pending.get(task.pk)
        task.light_reasons = [reason.stored() for reason in task.assessment.reasons]
        task.light_on = today
    changed = [t for t in tasks if stored[t.pk] != [getattr(t, name) for name in STORED]]
    update_rows(changed, LIGHT_FIELDS)
    Task.objects.filter(pk__in=ids).exclude(pk__in=[t.pk for t in changed]).update(light_on=today)
    update_rows(reassessed(tasks, today, sent.history), REPORTING_FIELDS)
    recount(plans)
    return plans


def reassessed(tasks, today, history):
    """The responsibilities of these assessed tasks whose reporting or record changed;
    `history`: `SentReports.history` of them."""
    periods = {}
    changed = []
    for task in tasks:
        if task.plan_id not in periods:
            periods[task.plan_id] = closed_periods(task.plan, today)
        for resp in task.responsibilities.all():
            before = [getattr(resp, name) for name in REPORTING_FIELDS]
            state = reporting(task, resp.unit_id, today, task.sent)
            resp.reporting = state.state
            resp.reporting_period = state.period and state.period.start
            resp.reports_expected, resp.reports_on_time = on_time_record(
                task, resp.unit_id, periods[task.plan_id], history
            )
            resp.light = task.light
            resp.archived = task.plan.is_archived
            resp.plan_id = task.plan_id
            if before != [getattr(resp, name) for name in REPORTING_FIELDS]:
                changed.append(resp)
    return changed


def vacuum(models=(Task, Responsibility)):
    """On PostgreSQL, after a refresh of every task (with `models=None`, after a bulk load:
    every table): clears the dead row versions left behind and updates the planner's
    statistics, until autovacuum comes (or where it is off). VACUUM cannot run in a
    transaction: within one it is left to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(m._meta.db_table for m in models or ())
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


# What a saved or deleted row moves: the standing of some tasks, and of some reports' tasks
# (a unit's name is in its tasks' light reasons).
TASKS_OF = {
    "units.Unit": lambda unit: (Task.objects.filter(units=unit).values_list("pk", flat=True), ()),
    "tasks.Plan": lambda plan: (Task.objects.filter(plan=plan).values_list("pk", flat=True), ()),
    "tasks.Task": lambda task: ([task.pk], ()),
    "tasks.Responsibility": lambda row: ([row.task_id], ()),
    "tasks.Indicator": lambda row: ([row.task_id], ()),
    "tasks.ProgressReport": lambda report: ([report.task_id], ()),
    "tasks.ReportFigure": lambda figure: ((), [figure.report_id]),
}


def row_written(sender, instance, raw=False, **kwargs):
    """A receiver of post_save and post_delete (tasks/apps.py) for the models of TASKS_OF.
    Rows loaded as they were saved (`raw`: a restored backup, a fixture) carry their standing
    with them: refreshing each on the way in would read what is only half loaded."""
    if raw:
        return
    task_ids, report_ids = TASKS_OF[sender._meta.label](instance)
    # A task deleted, or moved to another plan, leaves its plan's tallies too.
    plans = (instance.plan_id, getattr(instance, "loaded_plan_id", None)) if sender is Task else ()
    touched(*task_ids, reports=report_ids, plans=plans)
