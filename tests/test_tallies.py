"""The plans' tallies stay what a fresh count of their tasks and responsibilities gives,
whichever path wrote, and two writers of one plan do not count past each other."""

import threading

import pytest
from django.db import connection, transaction

from tasks import services
from tasks.models import ProgressReport, Responsibility, Task, TaskTally, UnitTally
from tasks.standing.tallies import LOCKS, TASK_COUNTS, UNIT_COUNTS
from tests.conftest import make_plan, make_task, make_unit

pytestmark = pytest.mark.django_db


def stored():
    tasks = {row.pop("plan_id"): row for row in TaskTally.objects.values()}
    units = {
        (u.plan_id, u.unit_id): (u.owed, u.expected, u.on_time, u.red)
        for u in UnitTally.objects.all()
    }
    return tasks, units


def counted():
    tasks = {
        row.pop("plan_id"): row
        for row in Task.objects.values("plan_id").annotate(**TASK_COUNTS).order_by()
    }
    units = {
        (row["plan_id"], row["unit_id"]): (row["owed"], row["expected"], row["on_time"], row["red"])
        for row in Responsibility.objects.values("plan_id", "unit_id")
        .annotate(**UNIT_COUNTS)
        .order_by()
    }
    return tasks, units


@pytest.fixture
def plans(seed):
    one, two = make_plan(), make_plan()
    units = [make_unit(), make_unit()]
    make_task(plan=one, lead=units[:1], support=units[1:])
    make_task(plan=one, lead=units[1:])
    make_task(plan=two)
    return one, two, units


def test_it_counts_each_plan_as_it_is_created(plans):
    one, _two, units = plans
    assert stored() == counted()
    assert TaskTally.objects.get(plan=one).tasks == 2
    assert UnitTally.objects.filter(plan=one).count() == 2


def test_it_follows_a_report_accepted_and_a_task_closed(lvjian, office):
    task = Task.objects.filter(plan=lvjian, responsibilities__isnull=False).first()
    unit = task.responsibilities.first().unit
    report = services.report_save(
        task=task,
        unit=unit,
        author=office,
        values={"status": "done", "percent": 100, "progress": "完成。"},
        figures=[],
        submit=True,
    )
    assert stored() == counted()
    services.report_accept(report=report, reviewer=office, version=report.version)
    task.refresh_from_db()
    services.task_close(task=task, user=office, version=task.version)
    assert TaskTally.objects.get(plan=lvjian).status_done == 1
    assert stored() == counted()


def test_it_follows_edits_moves_and_deletes(plans):
    one, two, units = plans
    task = Task.objects.filter(plan=one).first()
    task.status = Task.Status.DELAYED
    task.save()
    assert stored() == counted()
    moved = Task.objects.get(plan=two)  # a task without units, moved to the other plan
    moved.plan, moved.seq = one, 9
    moved.save()
    assert stored() == counted()
    assert not TaskTally.objects.filter(plan=two).exists()
    row = Responsibility.objects.filter(task=task, role="support").get()
    row.unit = make_unit()
    row.save()
    assert stored() == counted()
    row.delete()
    task.delete()
    assert stored() == counted()
    plan_id = one.pk
    one.delete()
    assert stored() == counted()
    assert not UnitTally.objects.filter(plan=plan_id).exists()


def test_a_report_deleted_in_the_admin_is_counted_out(plans, admin_client, office):
    one, _two, units = plans
    task = Task.objects.filter(plan=one).first()
    report = ProgressReport.objects.create(
        task=task, unit=units[0], status="in_progress", state="submitted", author=office
    )
    assert stored() == counted()
    response = admin_client.post(
        f"/admin/tasks/progressreport/{report.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert stored() == counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory locks")
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_finds_the_plan_locked_recounts_after_its_commit(seed):
    task = make_task(lead=[make_unit()])
    held, release = threading.Event(), threading.Event()

    def other_writer():
        # Another transaction recounting the plan: it holds the plan's lock until it ends.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCKS, task.plan_id])
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    held.wait(10)
    with transaction.atomic():
        task.status = Task.Status.DELAYED
        task.save()
        # Not counted yet: the lock is the other writer's…
        assert TaskTally.objects.get(plan=task.plan).status_delayed == 0
        release.set()
        thread.join()
    # …and counted once this write committed, after the other's.
    assert TaskTally.objects.get(plan=task.plan).status_delayed == 1
    assert stored() == counted()
