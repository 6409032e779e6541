"""Counts per plan (TaskTally, UnitTally), recounted from the stored standing of the plan's
tasks whenever a refresh touched one of them (tasks/standing/refresh.py): the overview of a
reader of a whole province adds up 16,000 tallies (a row a plan, a row a unit in each plan)
instead of 300,000 tasks and responsibilities.

A recount is a plan's rows counted afresh, never a count adjusted by a difference. Two writers
of one plan must not recount it from snapshots that miss each other's rows, so on PostgreSQL a
recount holds the plan's advisory lock: a writer that gets it recounts within its
transaction, seeing every committed write and its own; one that finds it held recounts right
after its commit, waiting for the holder, and so sees the holder's rows too. A write never
waits for the lock while it holds rows, so tallies add no deadlock. SQLite runs one writer at
a time.
"""

from functools import partial

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum

from tasks.models import Responsibility, Task, TaskTally, UnitTally
from tasks.standing.lights import OWING, Light

LOCKS = 0x7A11  # the advisory locks' first key: tallies; the second is the plan's id

# A plan's tasks, counted into its TaskTally.
TASK_COUNTS = {
    "tasks": Count("pk"),
    **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in Task.Status.values},
    **{f"light_{v}": Count("pk", filter=Q(light=v)) for v in Light.values},
    "lights_on": Min("light_on"),
}
# A unit's responsibilities in a plan, counted into a UnitTally.
UNIT_COUNTS = {
    "owed": Count("reporting", filter=Q(reporting__in=OWING)),
    "expected": Sum("reports_expected"),
    "on_time": Sum("reports_on_time"),
    "red": Count("light", filter=Q(light=Light.RED)),
}


def recount(plan_ids):
    """Recounts the tallies of these plans: now if no other writer is recounting them, else
    after this transaction commits."""
    ids = sorted({pk for pk in plan_ids if pk is not None})
    if not ids:
        return
    if not connection.in_atomic_block:
        recount_locked(ids)
        return
    held = try_locks(ids)
    write(held)
    missed = [pk for pk in ids if pk not in held]
    if missed:
        # Robust: the write has committed; a recount that fails is logged, not a 500.
        transaction.on_commit(partial(recount_locked, missed), robust=True)


@transaction.atomic
def recount_locked(ids):
    """Recounts these plans once their locks are free (a transaction of its own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id", [LOCKS, ids]
            )
    write(ids)


def try_locks(ids):
    """Those of these plans whose lock this transaction holds (without waiting for any)."""
    if connection.vendor != "postgresql":
        return ids
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_xact_lock(%s, id)",
            [ids, LOCKS],
        )
        return [pk for (pk,) in cursor.fetchall()]


def write(ids):
    """Counts these plans' tasks and responsibilities afresh into their tallies."""
    if not ids:
        return
    TaskTally.objects.filter(plan__in=ids).delete()
    UnitTally.objects.filter(plan__in=ids).delete()
    tasks = Task.objects.filter(plan__in=ids).values("plan_id").annotate(**TASK_COUNTS).order_by()
    TaskTally.objects.bulk_create(TaskTally(**row) for row in tasks)
    units = (
        Responsibility.objects.filter(plan__in=ids)
        .values("plan_id", "unit_id")
        .annotate(**UNIT_COUNTS)
        .order_by()
    )
    UnitTally.objects.bulk_create(UnitTally(**row) for row in units)
