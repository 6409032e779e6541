"""The stored standing: lights and reporting kept by every write and by the daily refresh."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reform.bulk import update_rows
from tasks import services
from tasks.models import Indicator, ProgressReport, ReportFigure, Responsibility, Task
from tasks.standing.refresh import refresh_standing
from tests.conftest import make_plan, make_task, make_unit, make_user
from units.roles import LEADER

MAY = "2023-05-20 10:00 +0800"  # Q1 2023 reports were due 2023-04-05 (+3 grace days)


def standing(task, unit):
    task.refresh_from_db()
    resp = Responsibility.objects.get(task=task, unit=unit)
    return task.light, task.light_on, resp.reporting, resp.reports_expected, resp.reports_on_time


def test_it_stores_what_the_rules_give(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    refresh_standing(Task.objects.all(), date(2023, 5, 20))
    # Q1 report missing past its grace days: red, overdue, one report owed and none on time
    assert standing(task, unit) == ("red", date(2023, 5, 20), "overdue", 1, 0)


def test_a_submitted_report_refreshes_the_task_at_once(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    author = make_user("member", unit=unit)
    refresh_standing(Task.objects.all(), date(2023, 5, 20))
    services.report_save(
        task=task,
        unit=unit,
        author=author,
        values={"period": date(2023, 1, 1), "status": "in_progress", "progress": "已部署"},
        figures=[],
        submit=True,
    )
    # sent, though late: the Q1 report is no longer overdue; Q2 is due by 2023-07-05
    assert standing(task, unit)[:3] == ("green", date(2023, 5, 20), "due")


def test_the_daily_refresh_moves_lights_with_time(db, time_machine):
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    time_machine.move_to("2023-04-01 10:00 +0800", tick=False)
    call_command("refresh_standing", stdout=io.StringIO(), stderr=io.StringIO())
    assert standing(task, unit)[:3] == ("yellow", date(2023, 4, 1), "due")
    time_machine.move_to(MAY, tick=False)
    call_command("refresh_standing", stale=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert standing(task, unit)[:3] == ("red", date(2023, 5, 20), "overdue")
    again = io.StringIO()
    call_command("refresh_standing", stale=True, stdout=again, stderr=io.StringIO())
    assert "Refreshed the standing of 0 tasks as of 2023-05-20" in again.getvalue()


def test_the_refresh_runs_a_fixed_number_of_queries_per_chunk(db):
    units = [make_unit(), make_unit()]
    plan = make_plan(year=2023)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            refresh_standing(Task.objects.filter(light_on=None), date(2023, 5, 20))
        return len(ctx.captured_queries)

    make_task(plan=plan, lead=[units[0]], support=[units[1]])
    small = count()
    for _ in range(40):
        make_task(plan=plan, lead=[units[1]], support=[units[0]])
    assert count() == small <= 8  # ids, a chunk's four reads and its updates


def test_a_tasks_latest_report_is_its_latest_accepted_one(db):
    """By the date sent, then the later report; submitted ones wait for their review."""
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])

    def report(period, sent_on, state):
        return ProgressReport.objects.create(
            task=task, unit=unit, period=period, submitted_on=sent_on, state=state, progress="—"
        )

    report(date(2023, 1, 1), date(2023, 4, 2), "accepted")  # Q1's, on time
    report(date(2023, 2, 1), date(2023, 4, 3), "accepted")
    latest = report(None, date(2023, 4, 3), "accepted")  # the same day, sent after it
    report(date(2023, 3, 1), date(2023, 4, 4), "submitted")
    report(date(2023, 4, 1), None, "draft")
    refresh_standing(Task.objects.all(), date(2023, 5, 20))
    task.refresh_from_db()
    assert task.latest_report == latest
    resp = Responsibility.objects.get(task=task)
    assert (resp.reports_expected, resp.reports_on_time) == (1, 1)


def test_the_overview_counts_the_stored_lights(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit(name="统计单位")
    plan = make_plan(year=2023, title="统计方案")
    for _ in range(3):
        make_task(plan=plan, lead=[unit])
    Task.objects.filter(pk=make_task(plan=plan, lead=[unit]).pk).update(status="done")
    refresh_standing(Task.objects.all(), date(2023, 5, 20))
    client = Client()
    client.force_login(make_user("boss", group=LEADER))
    html = client.get("/").content.decode()
    row = html[html.index("统计方案") :]
    red = f'href="/tasks/?plan={plan.pk}&amp;light=red" class="n-red">3<'
    assert red in row
    assert "部分任务的红黄绿灯计算于" not in html


def test_the_overview_says_when_lights_are_out_of_date(db, time_machine):
    make_task(plan=make_plan(year=2023), lead=[make_unit()])
    refresh_standing(Task.objects.all(), date(2023, 5, 19))
    time_machine.move_to(MAY, tick=False)
    client = Client()
    client.force_login(make_user("boss", group=LEADER))
    assert "部分任务的红黄绿灯计算于 2023-05-19" in client.get("/").content.decode()


def test_the_unit_page_is_paged(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit()
    plan = make_plan(year=2023)
    for _ in range(55):
        make_task(plan=plan, lead=[unit])
    make_task(plan=plan, support=[unit])
    client = Client()
    client.force_login(make_user("member", unit=unit))
    first = client.get(unit.get_absolute_url()).content.decode()
    assert "牵头 55 项" in first and "配合 1 项" in first and "第 1 / 2 页" in first
    second = client.get(f"{unit.get_absolute_url()}?page=2").content.decode()
    assert "配合任务" in second and second.count('class="item-title"') == 6


def test_the_reasons_are_stored_with_the_light_and_read_in_the_readers_language(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit(name="宣传部")
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    refresh_standing(Task.objects.all(), date(2023, 5, 20))
    task = Task.objects.with_units().get(pk=task.pk)
    assert task.light_reasons == [["report_overdue", {"unit": "宣传部", "period": "2023-01-01"}]]
    assert task.reasons == ["宣传部2023年第1季度进展逾期未报"]
    with translation.override("en"):
        assert "Q1 2023" in task.reasons[0] and "宣传部" in task.reasons[0]
    resp = Responsibility.objects.get(task=task)
    assert (resp.reporting, resp.reporting_period) == ("overdue", date(2023, 1, 1))


def test_rows_written_at_once_keep_dates_reasons_and_links(db):
    """What a refresh writes in one statement reads back as it was: dates, JSON, an empty
    link (a column of NULLs needs its type spelled out on PostgreSQL)."""
    unit = make_unit()
    tasks = [make_task(lead=[unit]), make_task(lead=[unit])]
    resps = list(Responsibility.objects.filter(task__in=tasks).order_by("pk"))
    for n, resp in enumerate(resps):
        resp.reporting, resp.reporting_period = "due", date(2026, 3 + n, 1)
        resp.reports_expected, resp.reports_on_time = 4 + n, n
    tasks[0].light_reasons, tasks[1].light_reasons = [["overdue", {"days": 3}]], []
    for task in tasks:
        task.light, task.latest_report, task.light_on = "red", None, date(2026, 11, 27)

    update_rows(resps, ["reporting", "reporting_period", "reports_expected", "reports_on_time"])
    update_rows(tasks, ["light", "light_reasons", "latest_report", "light_on"])

    stored = Responsibility.objects.filter(task__in=tasks).order_by("pk")
    assert [(r.reporting_period, r.reports_expected, r.reports_on_time) for r in stored] == [
        (date(2026, 3, 1), 4, 0),
        (date(2026, 4, 1), 5, 1),
    ]
    assert [
        (t.light, t.light_reasons, t.latest_report_id, t.light_on)
        for t in Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk")
    ] == [
        ("red", [["overdue", {"days": 3}]], None, date(2026, 11, 27)),
        ("red", [], None, date(2026, 11, 27)),
    ]


def admin_client():
    client = Client()
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    return client


def test_an_indicator_edited_in_the_admin_changes_the_light_at_once(db, time_machine):
    """序时进度: halfway through the year an indicator with nothing reported is behind pace."""
    time_machine.move_to("2023-07-01 10:00 +0800", tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023, ends_on=date(2023, 12, 31)), lead=[unit])
    ProgressReport.objects.create(
        task=task, unit=unit, period=date(2023, 4, 1), state="accepted", progress="—"
    )
    assert standing(task, unit)[0] == "green"
    client = admin_client()
    add = reverse("admin:tasks_indicator_add")
    data = {"task": task.pk, "name": "培训人次", "comparator": ">=", "target": "100", "seq": 0}
    assert client.post(add, data).status_code == 302
    assert standing(task, unit)[0] == "yellow"
    indicator = Indicator.objects.get(task=task)
    change = reverse("admin:tasks_indicator_change", args=[indicator.pk])
    assert client.post(change, data | {"comparator": "<="}).status_code == 302
    assert standing(task, unit)[0] == "green"


def test_a_figure_edited_in_the_admin_changes_the_light_at_once(db, time_machine):
    time_machine.move_to("2023-07-01 10:00 +0800", tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023, ends_on=date(2023, 12, 31)), lead=[unit])
    indicator = Indicator.objects.create(task=task, name="培训人次", target=100)
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=date(2023, 4, 1), state="accepted", progress="—"
    )
    figure = ReportFigure.objects.create(report=report, indicator=indicator, name="培训", value=10)
    assert standing(task, unit)[0] == "yellow"
    change = reverse("admin:tasks_reportfigure_change", args=[figure.pk])
    data = {"report": report.pk, "indicator": indicator.pk, "name": "培训", "value": "80"}
    assert admin_client().post(change, data | {"unit": "", "seq": 0}).status_code == 302
    assert standing(task, unit)[0] == "green"


def test_deleting_in_the_admin_refreshes_what_is_left(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=date(2023, 1, 1), state="submitted", progress="—"
    )
    assert standing(task, unit)[0] == "green"
    client = admin_client()
    changelist = reverse("admin:tasks_progressreport_changelist")
    selected = {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"}
    assert client.post(changelist, selected).status_code == 302
    assert standing(task, unit)[:3] == ("red", date(2023, 5, 20), "overdue")


def test_a_write_that_fails_leaves_the_standing_as_it_was(db, time_machine):
    """The refresh is in the write's transaction: a refused write moves nothing."""
    time_machine.move_to(MAY, tick=False)
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    author = make_user("member", unit=unit)
    values = {"period": date(2023, 1, 1), "status": "in_progress", "progress": "已部署"}
    kwargs = {"task": task, "unit": unit, "author": author, "figures": [], "submit": True}
    services.report_save(values=values, **kwargs)
    before = standing(task, unit)
    with pytest.raises(ValidationError):
        services.report_save(values=values | {"percent": 101}, **kwargs)
    assert standing(task, unit) == before


def test_a_unit_renamed_is_named_in_its_tasks_reasons(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit(name="宣传部")
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    unit.name = "宣传统战部"
    unit.save()
    assert Task.objects.get(pk=task.pk).reasons == ["宣传统战部2023年第1季度进展逾期未报"]


def test_rows_loaded_as_they_were_saved_keep_their_standing(db, tmp_path):
    """A restored backup (loaddata: raw saves) brings each task's standing with it; a
    refresh per row on the way in would read tables half loaded."""
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    Task.objects.filter(pk=task.pk).update(light="yellow")  # as a backup might hold it
    fixture = tmp_path / "task.json"
    with fixture.open("w") as out:
        call_command("dumpdata", "tasks.task", "tasks.responsibility", stdout=out)
    call_command("loaddata", fixture, verbosity=0)
    assert Task.objects.get(pk=task.pk).light == "yellow"
    task.title = "改名"
    task.save()  # an ordinary save refreshes it
    assert Task.objects.get(pk=task.pk).light != "yellow"
