"""The plan dashboard, the overview and the task list: numbers, links and query counts."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import ProgressReport, Task
from tasks.pages.dashboard import plan_dashboard
from tasks.standing.periods import period_containing
from tasks.standing.refresh import refresh_standing
from tests.conftest import (
    make_plan,
    make_section,
    make_task,
    make_unit,
    make_user,
    queries_for,
)
from units.roles import LEADER

TODAY = date(2023, 5, 20)  # Q1 2023 reports were due 2023-04-05 (+3 grace days)


@pytest.fixture
def leader_client(demo_users):
    client = Client()
    client.force_login(demo_users["leader"])
    return client


def dashboard(plan, today):
    """The dashboard's numbers as a page shows them: the plan's standing refreshed first."""
    refresh_standing(Task.objects.filter(plan=plan), today)
    return plan_dashboard(plan)


def report(task, unit, period, submitted_on, state="accepted", **fields):
    return ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=period,
        submitted_on=submitted_on,
        state=state,
        progress="进展",
        **fields,
    )


def test_dashboard_counts_and_on_time_rates(lvjian):
    task6 = Task.objects.with_units().get(plan=lvjian, code="6")
    chanye = task6.lead_units[0]
    report(task6, chanye, date(2023, 1, 1), date(2023, 4, 3))  # on time
    Task.objects.filter(plan=lvjian, code="9").update(status="done")
    board = dashboard(lvjian, TODAY)
    total = board["total"]
    assert (total.total, total.done, total.completion) == (19, 1, 5)
    # task 9 done; task 6 reported on time for Q1; the other 17 have an overdue Q1 report
    assert (total.lights["done"], total.lights["green"], total.lights["red"]) == (1, 1, 17)
    units = {row.label: row for row in board["units"]}
    assert (units["产业处"].led, units["产业处"].supported) == (4, 1)
    # 产业处 owed Q1 reports on tasks 4, 6, 7, 16 (9 is done): one sent on time
    assert (units["产业处"].on_time, units["产业处"].expected) == (1, 4)
    assert units["产业处"].on_time_rate == 25
    assert [row.total for row in board["sections"]] == [3, 4, 4, 3, 5]
    statuses = {d["key"]: d["value"] for d in board["charts"]["status"]}
    assert statuses == {"not_started": 18, "in_progress": 0, "done": 1, "delayed": 0}
    assert board["charts"]["units"]["names"] == ["综合处", "产业处", "中欧办", "绿弘公司"]


def test_a_late_report_is_not_on_time(lvjian):
    task6 = Task.objects.with_units().get(plan=lvjian, code="6")
    report(task6, task6.lead_units[0], date(2023, 1, 1), date(2023, 4, 6))
    units = {row.label: row for row in dashboard(lvjian, TODAY)["units"]}
    assert units["产业处"].on_time == 0
    # sent, though late: no longer overdue
    assert next(t for t in dashboard(lvjian, TODAY)["tasks"] if t.pk == task6.pk).light == ("green")


def test_dashboard_numbers_link_to_the_filtered_list(leader_client, lvjian, time_machine):
    time_machine.move_to("2023-05-20 10:00 +0800", tick=False)
    html = leader_client.get(lvjian.get_absolute_url()).content.decode()
    red = f"/tasks/?plan={lvjian.pk}&amp;light=red"
    assert f'href="{red}"' in html
    listing = leader_client.get(red.replace("&amp;", "&")).content.decode()
    assert listing.count('class="light light-red"') == 19
    assert "共 19 项任务" in listing


def test_overview_ranks_units_by_on_time_reporting(leader_client, lvjian, time_machine):
    time_machine.move_to("2023-05-20 10:00 +0800", tick=False)
    task6 = Task.objects.with_units().get(plan=lvjian, code="6")
    report(task6, task6.lead_units[0], date(2023, 1, 1), date(2023, 4, 3))
    call_command("refresh_standing")  # the daily refresh
    html = leader_client.get("/").content.decode()
    ranking = html[html.index("各单位按时报送排名") :]
    assert ranking.index("产业处") < ranking.index("综合处")


def build(plan, units, n):
    section = make_section(plan)
    for i in range(n):
        task = make_task(
            plan=plan, section=section, lead=[units[i % 2]], support=[units[1 - i % 2]]
        )
        task.indicators.create(name="培训", target=100, unit="人次")
        report(task, units[i % 2], date(2024, 1, 1), date(2024, 4, 1))


@pytest.mark.parametrize(
    "url",
    ["dashboard", "overview", "list", "list-red", "list-unit"],
)
def test_queries_do_not_grow(db, url):
    units = [make_unit(), make_unit()]
    plan = make_plan(year=2024)
    client = Client()
    client.force_login(make_user("boss", group=LEADER))
    path = {
        "dashboard": plan.get_absolute_url(),
        "overview": "/",
        "list": reverse("tasks:list"),
        "list-red": f"{reverse('tasks:list')}?light=red",
        "list-unit": f"{reverse('tasks:list')}?unit={units[0].pk}&role=lead&o=-due",
    }[url]
    build(plan, units, 2)
    small = queries_for(client, path)
    build(plan, units, 40)
    build(make_plan(year=2025), units, 20)
    assert queries_for(client, path) == small <= 20


def test_task_list_filters(leader_client, lvjian):
    url = reverse("tasks:list")
    chanye = Task.objects.with_units().get(plan=lvjian, code="6").lead_units[0]
    cases = {
        f"plan={lvjian.pk}": 19,
        f"plan={lvjian.pk}&unit={chanye.pk}": 5,
        f"plan={lvjian.pk}&unit={chanye.pk}&role=lead": 4,
        f"plan={lvjian.pk}&unit={chanye.pk}&role=support": 1,
        f"plan={lvjian.pk}&q=培训": 4,  # tasks 4, 5, 12 and 17
        f"plan={lvjian.pk}&status=done": 0,
        f"plan={lvjian.pk}&section={lvjian.sections.get(seq=5).pk}": 5,
    }
    for query, count in cases.items():
        html = leader_client.get(f"{url}?{query}").content.decode()
        expected = f"共 {count} 项任务"
        assert expected in html, (query, expected)


def test_task_list_keeps_the_filter_in_sorting_and_paging_links(leader_client, seed):
    html = leader_client.get(reverse("tasks:list") + "?q=产业&page=1").content.decode()
    assert 'href="?q=%E4%BA%A7%E4%B8%9A&amp;o=due"' in html


@pytest.mark.parametrize(
    "query", ["plan=abc", "due_min=2024-13-45", "light=purple", "page=999", "o=hack"]
)
def test_task_list_bad_filters_get_no_500(leader_client, seed, query):
    response = leader_client.get(reverse("tasks:list") + "?" + query)
    assert response.status_code == 200


def test_task_list_is_paginated(leader_client, seed):
    html = leader_client.get(reverse("tasks:list")).content.decode()
    # 绿建区's 19 and the provincial opinion's 15 it implements; not 剡湖街道's 14.
    assert "共 34 项任务" in html and "第 1 / 1 页" not in html
    assert html.count("<tr>") == 1 + 34


def test_help_page_explains_the_rules(leader_client):
    html = leader_client.get(reverse("tasks:help_lights")).content.decode()
    assert "宽限天数" in html and "序时进度" in html


def test_the_dashboard_shows_a_new_report_at_once(demo_users, lvjian):
    client = Client()
    client.force_login(demo_users["office"])
    url = lvjian.get_absolute_url()
    assert client.get(url).status_code == 200
    task = Task.objects.with_units().get(plan=lvjian, code="6")
    unit = task.lead_units[0]
    period = period_containing(lvjian, timezone.localdate()).start
    services.report_save(
        task=task,
        unit=unit,
        author=demo_users["chanye"],
        values={"period": period, "status": "in_progress", "progress": "新进展"},
        figures=[],
        submit=True,
    )
    html = client.get(url).content.decode()  # the new report is among the recent ones
    assert f'{task.code}. {task.title}</a> <span class="badge badge-submitted">' in html
    assert 'form="remind"' in html and 'id="remind"' in html


def test_task_list_by_role_alone_counts_each_task_once(leader_client, lvjian):
    """牵头 or 配合 without a unit: the tasks with such a unit, each once however many."""
    several = Task.objects.filter(plan=lvjian, responsibilities__role="support")
    assert several.count() > several.distinct().count()  # some task has several 配合 units
    for role in ("lead", "support"):
        with_role = Task.objects.filter(plan=lvjian, responsibilities__role=role)
        html = leader_client.get(f"{reverse('tasks:list')}?plan={lvjian.pk}&role={role}")
        assert f"共 {with_role.distinct().count()} 项任务" in html.content.decode(), role


def test_a_units_task_list_keeps_plan_and_document_order(leader_client, db):
    """Filtered by a unit the list is sorted by an expression (tasks/pages/filters.py): still plan
    by plan, each in its document's order."""
    unit, other = make_unit(), make_unit()
    first, second = make_plan(title="甲方案"), make_plan(title="乙方案")
    make_task(plan=first, lead=[other], title="别人的")
    make_task(plan=second, lead=[unit], title="乙一")
    make_task(plan=first, support=[unit], title="甲二", seq=9)
    make_task(plan=first, lead=[unit], title="甲一", seq=5)
    for query in [f"unit={unit.pk}", f"unit={unit.pk}&role=lead"]:
        html = leader_client.get(f"{reverse('tasks:list')}?{query}").content.decode()
        shown = [title for title in ["甲一", "甲二", "乙一"] if title in html]
        assert sorted(shown, key=html.index) == shown and "别人的" not in html, query
    assert "甲二" not in leader_client.get(f"/tasks/?unit={unit.pk}&role=lead").content.decode()


def assert_lists(client, shown_by_query):
    """The task list shows exactly these tasks (by title) for each query."""
    for query, shown in shown_by_query.items():
        html = client.get(f"{reverse('tasks:list')}?{query}").content.decode()
        found = [t.title for t in Task.objects.all() if f">{t.title}<" in html]
        assert sorted(found) == sorted(shown), query


def test_where_plans_are_too_many_to_list_the_list_finds_them_by_title(
    leader_client, db, monkeypatch
):
    """A province's thousands of plans made every task list page a select of 150 KB: past
    LISTED the 方案 filter is a search by title (the exact title, else a part of it),
    and a plan chosen by its id (the dashboards' links) shows as its title, to clear."""
    monkeypatch.setattr("tasks.pages.filters.LISTED", 2)
    unit = make_unit()
    plans = [make_plan(title=title) for title in ["规模方案1", "规模方案12", "另一方案"]]
    for plan in plans:
        make_task(plan=plan, lead=[unit], title=f"{plan.title}的任务")
    url = reverse("tasks:list")
    html = leader_client.get(url).content.decode()
    assert "<option" not in html.split('name="plan')[1].split("</div>")[0]
    assert 'name="plan_title"' in html and 'type="hidden" name="plan"' in html
    assert_lists(
        leader_client,
        {
            "plan_title=规模方案1": ["规模方案1的任务"],  # that title exactly
            "plan_title=规模": ["规模方案1的任务", "规模方案12的任务"],
            "plan_title=没有": [],
        },
    )
    html = leader_client.get(f"{url}?plan={plans[2].pk}").content.decode()
    assert "共 1 项任务" in html and 'class="chosen-plan"><span>另一方案</span>' in html
    assert 'name="plan_title"' not in html
    gone = leader_client.get(f"{url}?plan=999999").content.decode()  # a deleted plan's link
    assert re.search(r'name="plan_title"[^>]*>\s*<p class="error">[^<]+</p>', gone)
    make_plan(title="又一方案")  # the catalog grows: still searched
    assert 'name="plan_title"' in leader_client.get(url).content.decode()


def test_where_plans_are_few_the_list_offers_them_all(leader_client, lvjian):
    html = leader_client.get(reverse("tasks:list")).content.decode()
    assert f'<option value="{lvjian.pk}">' in html and 'name="plan_title"' not in html


def test_a_dashboards_count_of_finished_tasks_links_to_the_tasks_it_counts(leader_client, db):
    """已完成 counts the tasks whose status is 已完成, and its link lists those: not every task
    whose light is done, which a task 办结 before it was finished has too."""
    unit = make_unit()
    plan = make_plan()
    make_task(plan=plan, lead=[unit], status=Task.Status.DONE, percent=100)
    make_task(plan=plan, lead=[unit], status=Task.Status.IN_PROGRESS, closed_at=timezone.now())
    refresh_standing(Task.objects.filter(plan=plan), timezone.localdate())
    html = leader_client.get(plan.get_absolute_url()).content.decode()
    done = f"?plan={plan.pk}&unit={unit.pk}&status=done"
    assert f'<a href="{reverse("tasks:list")}{done.replace("&", "&amp;")}">1</a>' in html
    assert "共 1 项任务" in leader_client.get(reverse("tasks:list") + done).content.decode()
    # The grey light's count, 2, links to the tasks with that light.
    light = (
        f'href="{reverse("tasks:list")}?plan={plan.pk}&amp;light=done"><span class="kpi-value">2'
    )
    assert light in html


def test_where_units_are_too_many_to_list_the_list_finds_them_by_name(
    leader_client, db, monkeypatch
):
    monkeypatch.setattr("tasks.pages.filters.LISTED", 2)
    units = [make_unit(name=name) for name in ["发展改革局", "发展和改革委员会", "财政局"]]
    plan = make_plan()
    for unit in units:
        make_task(plan=plan, lead=[unit], title=f"{unit.name}牵头的任务")
    make_task(plan=plan, support=[units[2]], title="财政局配合的任务")
    url = reverse("tasks:list")
    assert 'name="unit_name"' in leader_client.get(url).content.decode()
    assert_lists(
        leader_client,
        {
            "unit_name=财政局": ["财政局牵头的任务", "财政局配合的任务"],
            "unit_name=财政局&role=support": ["财政局配合的任务"],
            "unit_name=发展": ["发展改革局牵头的任务", "发展和改革委员会牵头的任务"],
            "unit_name=没有": [],
        },
    )
    html = leader_client.get(f"{url}?unit={units[2].pk}").content.decode()
    assert "共 2 项任务" in html and 'class="chosen-plan"><span>财政局</span>' in html


def test_the_whole_task_list_is_counted_by_estimate_where_the_table_is_large(
    leader_client, lvjian, monkeypatch
):
    """PostgreSQL's estimate of the rows serves the list of every task the reader reads,
    where it expects many; a filtered list, and SQLite, count exactly."""
    from django.db import connection

    monkeypatch.setattr("reform.paging.LARGE_TABLE", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task" if connection.vendor == "postgresql" else "SELECT 1")
    url = reverse("tasks:list")
    html = leader_client.get(url).content.decode()
    if connection.vendor == "postgresql":
        assert re.search(r"共约 \d+ 项任务", html)
    else:
        assert "共 34 项任务" in html  # 绿建区's and the provincial opinion's
    filtered = leader_client.get(f"{url}?plan={lvjian.pk}").content.decode()
    assert "共 19 项任务" in filtered


def test_a_name_no_database_can_hold_is_refused_with_its_message(leader_client, db, monkeypatch):
    monkeypatch.setattr("tasks.pages.filters.LISTED", 0)
    make_task(lead=[make_unit()])
    html = leader_client.get(f"{reverse('tasks:list')}?unit_name=%00").content.decode()
    assert re.search(r'name="unit_name"[^>]*>\s*<p class="error">[^<]+</p>', html)
