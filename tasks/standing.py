"""Stored standing: each task's light, and each responsible unit's reporting and on-time record.

The rules are in tasks/lights.py; this module stores what they give, so that lists filter and
overviews count in SQL however many tasks there are, and keeps a tally per plan and per unit
whose version keys the cached pages (tasks/pages.py). A task's standing is refreshed by every
service that changes the task or its reports, and once a day for every task (time alone moves
lights: `python manage.py refresh_standing`); pages about one plan or one unit refresh what is
older than today before they read it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, Q, Sum

from reform.bulk import update_rows, upsert_rows
from reform.prepared import Prepared
from tasks.lights import SENT, assess_tasks, is_finished, reporting
from tasks.models import (
    Light,
    Plan,
    PlanTally,
    ProgressReport,
    Responsibility,
    StandingClock,
    Task,
    UnitTally,
)
from tasks.periods import period_containing, previous_period
from tasks.selectors import tasks_with_units
from units.models import Unit

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


@dataclass
class SentReports:
    """The reports sent (submitted or accepted) on some tasks, read once for all a refresh
    needs of them."""

    by_task: dict  # task id → {(unit id, period start)}: `lights.sent_reports`
    history: dict  # (task id, unit id, period start) → the date it was sent
    latest: dict  # task id → the id of its latest accepted report


SENT_ON = Prepared(
    lambda ids: (
        ProgressReport.objects.filter(task__in=ids, state__in=SENT)
        .order_by()  # read into dicts: no sorting by plan and task
        .values_list("task_id", "unit_id", "period", "submitted_on", "state", "pk")
    )
)


def reports_sent(ids):
    """The reports sent on the tasks with these ids (one query)."""
    sent = SentReports(defaultdict(set), {}, {})
    accepted = {}
    for task_id, unit_id, period, sent_on, state, pk in SENT_ON(list(ids)):
        if period is not None:
            sent.by_task[task_id].add((unit_id, period))
            sent.history[task_id, unit_id, period] = sent_on
        if state == ProgressReport.State.ACCEPTED:
            # The latest by date sent, then by id (one without a date as the earliest).
            order = (sent_on or date.min, pk)
            if order > accepted.get(task_id, (date.min, 0)):
                accepted[task_id] = order
                sent.latest[task_id] = pk
    return sent


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


def refresh_standing(tasks, today, progress=None, *, adjust_units=False) -> int:
    """Recomputes and stores the standing of `tasks` (a queryset), a chunk at a time."""
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    return refresh_ids(ids, today, progress, adjust_units=adjust_units)


def refresh_ids(ids, today, progress=None, *, adjust_units=False) -> int:
    """Recomputes and stores the standing of the tasks with these ids (in order).

    Five queries a chunk, plus one update for each kind of row that changed; then the tallies
    of the plans and units concerned. With `adjust_units` (writes that change reports and
    tasks, never who answers for them) the tasks are locked while they are refreshed and their
    units' tallies move by the difference, instead of being recounted over every one of the
    units' responsibilities (hundreds each at province scale).
    """
    plan_ids, changes = set(), defaultdict(Counter)
    for start in range(0, len(ids), CHUNK):
        plans, chunk_changes = refresh_chunk(ids[start : start + CHUNK], today, adjust_units)
        plan_ids |= plans
        for unit_id, change in chunk_changes.items():
            changes[unit_id].update(change)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    tally_plans(sorted(plan_ids))
    if adjust_units:
        adjust_unit_tallies(changes)
    else:
        tally_units(sorted(changes))
    tick_clock()
    return len(ids)


def refresh_plans(plan_ids, unit_ids, today):
    """After a deletion: refreshes what is left of these plans, and recounts the plans and
    units even where nothing is left."""
    plans = Plan.objects.filter(pk__in=plan_ids).order_by("pk")  # a deleted plan took its tally
    refresh_standing(Task.objects.filter(plan__in=plans), today)
    tally_plans(list(plans.values_list("pk", flat=True)))
    tally_units(sorted(unit_ids))
    tick_clock()


def tally_all():
    """Recounts every plan and unit (the daily refresh: a deleted task leaves no trace)."""
    tally_plans(list(Plan.objects.order_by("pk").values_list("pk", flat=True)))
    tally_units(list(Unit.objects.order_by("pk").values_list("pk", flat=True)))
    tick_clock()


REFRESHED = Prepared(
    lambda day: StandingClock.objects.filter(refreshed_on=day).values_list("pk", flat=True)[:1]
)


def refresh_stale(tasks, today):
    """Refreshes those of `tasks` not yet assessed today.

    One query, on the one-row clock, once every task is today's: the state the daily refresh
    leaves and every write keeps (each refreshes what it touched). Until then, the stale
    among `tasks`; the first page that finds none anywhere records the day.
    """
    if REFRESHED.first(today):
        return 0
    # Not today's: older, or (a clock set back, as tests do) newer.
    stale = Q(light_on__lt=today) | Q(light_on__gt=today) | Q(light_on__isnull=True)
    if not Task.objects.filter(stale).exists():
        mark_refreshed(today)
        return 0
    return refresh_standing(tasks.filter(stale), today)


REWRITTEN = (Task, Responsibility, PlanTally, UnitTally, StandingClock)


def vacuum(models=REWRITTEN):
    """On PostgreSQL, clears the dead row versions a refresh of every task leaves behind (with
    `models=None`, in every table: after a bulk load), and updates the planner's statistics.
    Until autovacuum comes (or where it is off), indexes that pages read keep an entry for each
    dead row and a count cannot be answered from an index alone. VACUUM cannot run inside a
    transaction: called within one (a test, a caller's atomic block), it leaves that to
    autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(m._meta.db_table for m in models or ())
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def mark_refreshed(today):
    """Records that every task's standing is today's."""
    if not StandingClock.objects.update(refreshed_on=today):
        StandingClock.objects.create(refreshed_on=today)


def refresh_chunk(ids, today, lock=False):
    """Stores the standing of these tasks; returns the ids of their plans, and for each of
    their units what the refresh changed of its tally's counts."""
    # With `lock`, one refresh of a task at a time, each seeing what the one before stored.
    tasks = list(tasks_with_units(list(ids), lock=lock).values())
    before = unit_shares(tasks)
    stored = {t.pk: (t.light, t.light_reasons, t.latest_report_id) for t in tasks}
    sent = reports_sent(ids)
    assess_tasks(tasks, today, sent.by_task)
    for task in tasks:
        task.latest_report_id = sent.latest.get(task.pk)
        task.light_reasons = [reason.stored() for reason in task.assessment.reasons]
    changed = [t for t in tasks if stored[t.pk] != (t.light, t.light_reasons, t.latest_report_id)]
    for task in changed:
        task.light_on = today
    # One write a task: the changed in full, the others only dated.
    update_rows(changed, ["light", "light_reasons", "latest_report", "light_on"])
    Task.objects.filter(pk__in=set(ids) - {t.pk for t in changed}).update(light_on=today)
    update_rows(
        reassessed(tasks, today, sent.history),
        ["reporting", "reporting_period", "reports_expected", "reports_on_time"],
    )
    after = unit_shares(tasks)
    changes = {unit: {k: after[unit][k] - before[unit][k] for k in ADJUSTED} for unit in after}
    return {t.plan_id for t in tasks}, changes


# What a refresh changes of a unit's tally (what it leads and supports, it does not).
ADJUSTED = ("owed", "expected", "on_time", "red")


def unit_shares(tasks):
    """What these tasks, as stored, count in each of their units' tallies."""
    counts = defaultdict(Counter)
    for task in tasks:
        for resp in task.responsibilities.all():
            count = counts[resp.unit_id]
            count["owed"] += resp.reporting in OWING
            count["expected"] += resp.reports_expected
            count["on_time"] += resp.reports_on_time
            count["red"] += task.light == Light.RED
    return counts


def reassessed(tasks, today, history):
    """The responsibilities of these assessed tasks whose reporting or record changed;
    `history`: `SentReports.history` of them."""
    periods = {}
    changed = []
    for task in tasks:
        if task.plan_id not in periods:
            periods[task.plan_id] = closed_periods(task.plan, today)
        for resp in task.responsibilities.all():
            fields = ("reporting", "reporting_period", "reports_expected", "reports_on_time")
            before = [getattr(resp, name) for name in fields]
            state = reporting(task, resp.unit_id, today, task.sent)
            resp.reporting = state.state
            resp.reporting_period = state.period and state.period.start
            resp.reports_expected, resp.reports_on_time = on_time_record(
                task, resp.unit_id, periods[task.plan_id], history
            )
            if before != [getattr(resp, name) for name in fields]:
                changed.append(resp)
    return changed


def counts_by(key, rows, **expressions):
    """A prepared read of `expressions` over `rows` for each of a list of `key` ids."""
    return Prepared(
        lambda ids: (
            rows.filter(**{f"{key}__in": ids})
            .values(f"{key}_id")
            .annotate(**expressions)
            .order_by()
        )
    )


PLAN_COUNTS = counts_by(
    "plan",
    Task.objects,
    total=Count("pk"),
    **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in Task.Status.values},
    **{f"light_{v}": Count("pk", filter=Q(light=v)) for v in Light.values},
)
UNIT_COUNTS = counts_by(
    "unit",
    Responsibility.objects,
    led=Count("pk", filter=Q(role=Responsibility.Role.LEAD)),
    supported=Count("pk", filter=Q(role=Responsibility.Role.SUPPORT)),
    owed=Count("pk", filter=Q(reporting__in=OWING)),
    expected=Sum("reports_expected"),
    on_time=Sum("reports_on_time"),
    red=Count("pk", filter=Q(task__light=Light.RED)),
)
UNIT_TALLIES = Prepared(
    lambda ids: UnitTally.objects.filter(unit__in=ids).values_list("unit_id", "pk")
)


def tally_plans(plan_ids):
    """Recounts these plans' tasks by status and light."""
    recount(PlanTally, "plan", PLAN_COUNTS, plan_ids)


def tally_units(unit_ids):
    """Recounts these units' responsibilities across every plan."""
    recount(UnitTally, "unit", UNIT_COUNTS, unit_ids)


def adjust_unit_tallies(changes):
    """Moves each unit's tally by what a refresh changed (two queries); a unit without a
    tally yet is counted."""
    tallies = dict(UNIT_TALLIES(sorted(changes)))
    tally_units(sorted(set(changes) - set(tallies)))
    differences = [
        UnitTally(pk=pk, version=1, **{field: changes[unit][field] for field in ADJUSTED})
        for unit, pk in tallies.items()
    ]
    update_rows(differences, [*ADJUSTED, "version"], add=True)


def recount(model, key, read, ids):
    """Writes the counts `read` (`counts_by`) gives into a tally row for each of `ids`, zeros
    where nothing is left (two queries a thousand ids)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {row.pop(f"{key}_id"): row for row in read(chunk)}
        # The counts, and each row's version moved on (the key of cached pages).
        tallies = [model(**{f"{key}_id": i}, **found.get(i, {})) for i in chunk]
        upsert_rows(tallies, model.COUNTS, bump="version")


def touch_units(unit_ids):
    """Moves on the versions of these units' pages: something they show changed that their
    counts do not (a 催办 sent to them)."""
    UnitTally.objects.filter(unit__in=unit_ids).update(version=F("version") + 1)


def tick_clock():
    """Moves on the clock of pages that span plans, once a refresh, at its end: the clock's
    row stays locked until the refresh commits, and every write waits for it."""
    if not StandingClock.objects.update(version=F("version") + 1):
        StandingClock.objects.create(version=1)
