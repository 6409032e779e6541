"""Stored standing: each task's light, and each responsible unit's reporting and on-time record.

The rules are in tasks/lights.py; this module stores what they give, so that lists filter and
overviews count in SQL however many tasks there are. A task's standing is refreshed by every
service that changes the task or its reports, and once a day for every task (time alone moves
lights: `python manage.py refresh_standing`); pages about one plan or one unit refresh what is
older than today before they read it.
"""

from tasks.lights import SENT, assess_tasks, is_finished, reporting
from tasks.models import ProgressReport, Responsibility, Task
from tasks.periods import period_containing, previous_period

CHUNK = 1000
OWING = (Responsibility.Reporting.DUE, Responsibility.Reporting.OVERDUE)
MAX_PERIODS = 120  # ten years of monthly reports is more than any plan runs


def closed_periods(plan, today):
    """The plan's periods whose report due date has passed, newest first."""
    periods = []
    period = previous_period(plan, period_containing(plan, today))
    while period.end >= plan.starts_on and len(periods) < MAX_PERIODS:
        if period.deadline < today:
            periods.append(period)
        period = previous_period(plan, period)
    return periods


def sent_history(tasks):
    """(task, unit, period) → date sent, for every report sent on these tasks (one query)."""
    rows = ProgressReport.objects.filter(
        task__in=[t.pk for t in tasks], state__in=SENT, period__isnull=False
    ).values_list("task_id", "unit_id", "period", "submitted_on")
    return {(t, u, p): sent_on for t, u, p, sent_on in rows}


def on_time_record(task, unit_id, periods, history):
    """(reports owed whose due date has passed, those sent by then) for one unit on one task."""
    expected = on_time = 0
    for period in periods:
        sent_on = history.get((task.pk, unit_id, period.start))
        if sent_on is None and is_finished(task):
            continue  # nothing is owed for a finished task
        expected += 1
        on_time += sent_on is not None and sent_on <= period.deadline
    return expected, on_time


def refresh_standing(tasks, today, progress=None) -> int:
    """Recomputes and stores the standing of `tasks` (a queryset), a chunk at a time.

    Seven queries a chunk, plus one update for each kind of row that changed.
    """
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        refresh_chunk(ids[start : start + CHUNK], today)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return len(ids)


def refresh_stale(tasks, today):
    """Refreshes those of `tasks` not yet assessed today (one query when none is stale)."""
    return refresh_standing(tasks.exclude(light_on=today), today)


def latest_accepted(ids):
    """Task id → the id of its latest accepted report (one query)."""
    rows = (
        ProgressReport.objects.filter(task__in=ids, state=ProgressReport.State.ACCEPTED)
        .order_by("task_id", "-submitted_on", "-pk")
        .values_list("task_id", "pk")
    )
    latest = {}
    for task_id, pk in rows:
        latest.setdefault(task_id, pk)
    return latest


def refresh_chunk(ids, today):
    tasks = list(Task.objects.filter(pk__in=ids).with_units())
    stored = {t.pk: (t.light, t.latest_report_id) for t in tasks}
    assess_tasks(tasks, today)
    latest = latest_accepted(ids)
    for task in tasks:
        task.latest_report_id = latest.get(task.pk)
    history = sent_history(tasks)
    periods = {}
    changed = []
    for task in tasks:
        if task.plan_id not in periods:
            periods[task.plan_id] = closed_periods(task.plan, today)
        for resp in task.responsibilities.all():
            before = (resp.reporting, resp.reports_expected, resp.reports_on_time)
            resp.reporting = reporting(task, resp.unit_id, today, task.sent).state
            resp.reports_expected, resp.reports_on_time = on_time_record(
                task, resp.unit_id, periods[task.plan_id], history
            )
            if before != (resp.reporting, resp.reports_expected, resp.reports_on_time):
                changed.append(resp)
    Task.objects.bulk_update(
        [t for t in tasks if stored[t.pk] != (t.light, t.latest_report_id)],
        ["light", "latest_report"],
        batch_size=CHUNK,
    )
    Task.objects.filter(pk__in=ids).update(light_on=today)
    Responsibility.objects.bulk_update(
        changed, ["reporting", "reports_expected", "reports_on_time"], batch_size=CHUNK
    )
