"""Prepared reads (reform/prepared.py): compiled once, then the same rows as their querysets."""

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from reform import prepared
from reform.prepared import Prepared
from tasks.models import ProgressReport, Responsibility, Task
from tests.conftest import make_task

pytestmark = pytest.mark.django_db

TASK = Prepared(lambda pk: Task.objects.with_plan().filter(pk=pk))
UNITS = Prepared(
    lambda ids, role: (
        Responsibility.objects.filter(task__in=ids, role=role)
        .select_related("unit")
        .order_by("task_id", "seq")
    )
)
PERIODS = Prepared(
    lambda task, since: (
        ProgressReport.objects.filter(task=task, period__gte=since)
        .order_by("period")
        .values_list("period", flat=True)
    )
)
HEADS = Prepared(
    lambda task: (
        ProgressReport.objects.filter(task=task)
        .order_by("pk")
        .values_list("pk", "unit__name", named=True)
    )
)
COUNTS = Prepared(lambda task: Responsibility.objects.filter(task=task).values("role", "unit_id"))


def test_it_gives_the_rows_its_queryset_gives(seed):
    task = ProgressReport.objects.order_by("pk").first().task
    ids = list(Task.objects.order_by("pk").values_list("pk", flat=True)[:3])
    since = datetime.date(2023, 1, 1)
    assert TASK(task.pk) == [task]
    assert TASK(task.pk)[0].plan.title == task.plan.title  # joined, as select_related does
    for role in ("lead", "support"):
        rows = Responsibility.objects.filter(task__in=ids, role=role).order_by("task_id", "seq")
        got = UNITS(ids, role)
        assert got == list(rows)
        assert [r.unit.name for r in got] == [r.unit.name for r in rows]
    expected = task.reports.filter(period__gte=since).order_by("period")
    assert PERIODS(task.pk, since) == list(expected.values_list("period", flat=True))
    assert PERIODS(task.pk, since)  # the seed's task has reports, so this compares something
    heads = HEADS(task.pk)
    assert heads and heads[0].unit__name == heads[0][1]  # named tuples, as values_list gives
    assert sorted(COUNTS(task.pk), key=str) == sorted(task.responsibilities.values(), key=str)


def test_it_compiles_once_a_shape_and_executes_one_query_a_call(seed):
    ids = list(Task.objects.order_by("pk").values_list("pk", flat=True)[:4])
    read = Prepared(UNITS.build)
    shapes = connections["default"].__dict__.setdefault("prepared_reads", {})
    before = len(shapes)
    read(ids[:2], "lead")
    with CaptureQueriesContext(connection) as queries:
        read(ids[2:], "support")  # the same shape: two ids
    assert len(queries) == 1
    read(ids[:3], "lead")  # three ids: a shape of its own
    assert len(shapes) == before + 2


def test_it_reads_nothing_for_an_empty_list_or_an_id_past_64_bits(seed):
    with CaptureQueriesContext(connection) as queries:
        assert UNITS([], "lead") == []
        assert TASK(10**30) == []
    assert len(queries) == 0


def test_it_refuses_what_could_change_its_sql(seed):
    with pytest.raises(TypeError):
        TASK(None)
    with pytest.raises(TypeError):
        TASK(1.5)
    inlined = Prepared(lambda n: Task.objects.order_by("pk")[:n])  # LIMIT takes no parameter
    with pytest.raises(ValueError, match="parameter of its own"):
        inlined(3)
    transformed = Prepared(lambda text: Task.objects.filter(title__contains=text))  # %text%
    with pytest.raises(ValueError, match="parameter of its own"):
        transformed("工会")


def test_in_the_suite_every_call_is_compared_with_its_queryset(seed, monkeypatch):
    """The suite runs with CHECK on, so that every read of every test is compared."""
    assert prepared.CHECK
    drifting = Prepared(lambda pk: Task.objects.filter(pk=pk))
    drifting(1)
    monkeypatch.setattr(drifting, "build", lambda pk: Task.objects.filter(pk=pk, seq=pk))
    with pytest.raises(AssertionError, match="differs"):
        drifting(1)


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared in PostgreSQL only"
)


def server_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@postgresql
def test_a_read_used_twice_is_prepared_in_the_server(seed):
    task = ProgressReport.objects.order_by("pk").first().task
    read = Prepared(TASK.build)
    with CaptureQueriesContext(connection) as queries:
        rows = [read(task.pk) for _ in range(3)]
    name = read.compiled((task.pk,)).name
    assert name in server_statements()
    assert rows == [[task]] * 3 and rows[2][0].plan.title == task.plan.title
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "EXECUTE", "EXECUTE"]
    assert 'FROM "tasks_task"' in queries[2]["sql"]  # the statement, shown in a comment


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_database_session_prepares_its_reads_again():
    task = make_task()
    read = Prepared(TASK.build)
    read(task.pk), read(task.pk)
    assert read.compiled((task.pk,)).name in server_statements()
    connection.close()  # as Django does when a connection is older than CONN_MAX_AGE
    assert read(task.pk) == [task]  # a new session: run as it is, then prepared again
    assert read(task.pk) == [task]
    assert read.compiled((task.pk,)).name in server_statements()


@postgresql
def test_a_statement_the_server_refuses_is_run_as_it_is(seed, monkeypatch):
    """In a transaction (every test runs in one), as a service's reads do."""
    task = ProgressReport.objects.order_by("pk").first().task
    read = Prepared(TASK.build)
    read(task.pk)
    monkeypatch.setattr(prepared.Compiled, "server_sql", lambda self: "SELEC nothing")
    assert read(task.pk) == [task] and read(task.pk) == [task]
    assert read.compiled((task.pk,)).name is None  # not tried again
    assert Task.objects.filter(pk=task.pk).exists()  # the transaction goes on
