"""Unit pages and task lists are rendered once per state of their data, and not a moment longer."""

import os
import re
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reform import prepared
from reform.cache import RedisCache
from tasks import services
from tasks.models import ProgressReport, Task
from tasks.pages import rows, task_state
from tasks.periods import Period
from tasks.reminders import Due, reminders_send
from tasks.rows import task_list_row
from tasks.standing import refresh_standing
from tests.conftest import make_plan, make_task, make_unit, make_user, report_data
from units.roles import OFFICE

MAY = "2023-05-20 10:00 +0800"


@pytest.fixture(autouse=True)
def _cached(page_cache, monkeypatch):
    """Every test here runs with the page cache on, and its reads as statements of their own:
    the tests read which rows a statement asked for (reform.prepared.PREPARE_AFTER)."""
    monkeypatch.setattr(prepared, "PREPARE_AFTER", None)


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.fixture
def member(db, time_machine):
    time_machine.move_to(MAY, tick=False)
    unit = make_unit(name="缓存单位")
    make_task(plan=make_plan(year=2023), lead=[unit], title="缓存任务")
    refresh_standing(Task.objects.all(), date(2023, 5, 20))  # the daily refresh
    client = Client()
    client.force_login(make_user("member", unit=unit))
    return client, unit


def submit(unit, user, task=None, progress="已推进", send=True):
    """The unit's Q1 2023 report on `task` (the cached task unless given), sent or a draft."""
    services.report_save(
        task=task or Task.objects.get(title="缓存任务"),
        unit=unit,
        author=user,
        values={"period": date(2023, 1, 1), "status": "in_progress", "progress": progress},
        figures=[],
        submit=send,
    )


def test_the_unit_page_changes_with_its_reports(member):
    client, unit = member
    url = unit.get_absolute_url()
    first, html = queries(client, url)
    assert "2023年第1季度逾期未报" in html
    again, _html = queries(client, url)
    assert again < first
    submit(unit, unit.memberships.get().user)
    _count, html = queries(client, url)
    assert "2023年第1季度逾期未报" not in html and "2023年第2季度待报" in html


def test_the_task_list_changes_with_the_tasks(member):
    client, unit = member
    url = "/tasks/?light=green"
    first, html = queries(client, url)
    assert "缓存任务" not in html  # red: its Q1 report is overdue
    again, _html = queries(client, url)
    assert again < first
    submit(unit, unit.memberships.get().user)
    _count, html = queries(client, url)
    assert "缓存任务" in html


def test_the_task_page_shows_each_reader_the_reports_they_may_see(member, demo_users):
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    submit(unit, unit.memberships.get().user, task, progress="本单位草稿", send=False)
    assert "本单位草稿" in client.get(task.get_absolute_url()).content.decode()
    outsider = Client()
    outsider.force_login(make_user("outsider", unit=make_unit()))
    assert "本单位草稿" not in outsider.get(task.get_absolute_url()).content.decode()
    leader = Client()
    leader.force_login(demo_users["leader"])
    assert "本单位草稿" in leader.get(task.get_absolute_url()).content.decode()


def test_a_cached_review_queue_carries_each_readers_csrf_token(member, demo_users):
    client, unit = member
    submit(unit, unit.memberships.get().user)
    for _session in range(2):  # the second session's page comes from the cache
        office = Client(enforce_csrf_checks=True)
        office.force_login(demo_users["office"])
        html = office.get("/reports/review/").content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        assert "<!-- csrf -->" not in html
    report = ProgressReport.objects.get(task__title="缓存任务")
    response = office.post(
        f"/reports/{report.pk}/accept/", {"csrfmiddlewaretoken": token, "version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted"


def test_a_list_of_one_plan_keeps_its_page_while_other_plans_change(member):
    client, unit = member
    other = make_task(plan=make_plan(year=2023, title="另一方案"), lead=[unit], title="另一任务")
    refresh_standing(Task.objects.filter(pk=other.pk), date(2023, 5, 20))
    plan = Task.objects.get(title="缓存任务").plan
    url = f"/tasks/?plan={plan.pk}&light=green"
    cold, _html = queries(client, url)
    submit(unit, unit.memberships.get().user, other, progress="另一方案进展")
    warm, html = queries(client, url)
    assert warm < cold and "缓存任务" not in html
    submit(unit, unit.memberships.get().user)
    _count, html = queries(client, url)
    assert "缓存任务" in html


@pytest.mark.parametrize(
    "url",
    [
        "/?plans=abc&units=-1",
        "/?plans=99999&units=%00",
        "/tasks/?unit=abc&plan=%E4%B8%80",
        "/tasks/?plan=99999999",
        "/reports/review/?page=zzz",
        "/tasks/?plan=²",  # a digit to str.isdigit(), not to int()
        "/tasks/?unit=²",
        "/tasks/?plan=" + "9" * 25,  # past a 64-bit key: SQLite refused it
        "/tasks/?unit=" + "9" * 25,
        "/tasks/?plan=" + "9" * 5000,  # more digits than Python reads as an int
    ],
)
def test_junk_in_paging_and_keys_gets_a_page(demo_users, url):
    client = Client()
    client.force_login(demo_users["office"])
    assert client.get(url).status_code == 200


def test_a_unit_page_number_out_of_range_shows_the_last_page(member):
    client, unit = member
    assert client.get(f"{unit.get_absolute_url()}?page=abc").status_code == 200
    assert "缓存任务" in client.get(f"{unit.get_absolute_url()}?page=999").content.decode()


def rendered_rows(tasks):
    """The rows of these tasks, and how many of them were made rather than reused."""
    made = []

    def row(task, **context):
        made.append(task.pk)
        return task_list_row(task, **context)

    return rows(row, tasks, task_state), len(made)


def listed():
    plan = Task.objects.get(title="缓存任务").plan
    return Task.objects.filter(plan=plan).with_units().order_by("pk")


def test_rows_are_rendered_once_per_state_of_their_task(member):
    make_task(plan=Task.objects.get(title="缓存任务").plan, title="第二项")
    first, rendered = rendered_rows(listed())
    assert rendered == 2
    again, rendered = rendered_rows(listed())
    assert rendered == 0 and again == first
    Task.objects.filter(title="第二项").update(percent=40)  # a field only the row shows
    changed, rendered = rendered_rows(listed())
    assert rendered == 1 and changed[0] == first[0] and "40%" in changed[1]


def test_a_row_follows_its_units_and_the_reasons_for_its_light(member, time_machine):
    client, unit = member
    first, _rendered = rendered_rows(listed())
    unit.short_name = "改名单位"
    unit.save()
    renamed, rendered = rendered_rows(listed())
    assert rendered == 1 and "改名单位" in renamed[0]
    time_machine.move_to("2023-08-20 10:00 +0800", tick=False)
    refresh_standing(Task.objects.all(), date(2023, 8, 20))  # the daily refresh: Q2 overdue too
    later, rendered = rendered_rows(listed())
    assert rendered == 1 and "2023年第2季度进展逾期未报" in later[0]


def test_after_a_report_the_task_page_reads_only_that_reports_article(member):
    """The other reports' articles come from the cache without their rows being read: a
    task page after a report reads its figures and attachments for that one report."""
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    user = unit.memberships.get().user
    for quarter in (1, 4, 7):
        services.report_save(
            task=task,
            unit=unit,
            author=user,
            values={"period": date(2022, quarter, 1), "status": "in_progress", "progress": "早前"},
            figures=[],
            submit=True,
        )
    assert client.get(task.get_absolute_url()).content.decode().count("早前") == 3
    submit(unit, user, progress="本季度进展")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(task.get_absolute_url()).content.decode()
    assert html.count("早前") == 3 and "本季度进展" in html
    new = ProgressReport.objects.get(progress="本季度进展")
    figures = [q["sql"] for q in ctx if 'FROM "tasks_reportfigure"' in q["sql"]]
    assert len(figures) == 1 and f"IN ({new.pk})" in figures[0]


def test_the_page_a_submission_lands_on_shows_its_report_without_reading_it(member):
    """The new report's article, with its figures and evidence, is cached as it is sent: the
    task page its sender lands on reads none of it, and shows what it would have read."""
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    client.get(task.get_absolute_url())
    evidence = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")
    figure = {"figures-0-name": "培训人次", "figures-0-value": "1200", "figures-0-unit": "人次"}
    data = report_data(progress="本季度进展", attachments=evidence, **figure)
    assert client.post(reverse("tasks:report", args=[task.pk]), data).status_code == 302
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(task.get_absolute_url()).content.decode()
    read = r'FROM "tasks_(reportfigure|attachment)"|"tasks_progressreport"."progress"'
    assert not [q["sql"] for q in ctx if re.search(read, q["sql"])]
    report = ProgressReport.objects.get(progress="本季度进展")
    article = re.compile(rf'<article [^>]*id="report-{report.pk}">.*?</article>', re.S)
    kept = article.search(html)[0]
    assert "1200" in kept and "会议纪要.pdf" in kept
    cache.clear()
    assert article.search(client.get(task.get_absolute_url()).content.decode())[0] == kept


def test_after_a_report_the_task_page_keeps_what_the_task_says_and_its_history(member):
    """A report moves the task's light and its reports, not what the task says, its
    indicators or its history: those are not read again. An edit of the task shows at once."""
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    client.get(task.get_absolute_url())
    submit(unit, unit.memberships.get().user, progress="本季度进展")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(task.get_absolute_url()).content.decode()
    assert "本季度进展" in html and "变更记录" in html
    facts = r'FROM "tasks_(historicaltask|indicator)"'
    assert not [q["sql"] for q in ctx if re.search(facts, q["sql"])]
    task.content = "新的主要内容"
    task.save()
    assert "新的主要内容" in client.get(task.get_absolute_url()).content.decode()


def test_after_a_report_the_task_list_reads_only_that_tasks_row(member):
    """The list reads what each row shows as values; only a row not cached for it reads its
    task with plan and units, and a row follows its units' names and its light's reasons."""
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    for title in ("第二项", "第三项"):
        make_task(plan=task.plan, lead=[unit], title=title)
    url = f"/tasks/?unit={unit.pk}"
    assert client.get(url).content.decode().count('unit-lead">缓存单位<') == 3
    unit.name = "改名单位"
    unit.save()
    submit(unit, unit.memberships.get().user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    chips = re.findall(r'<span class="unit-chip unit-lead">([^<]*)</span>', html)
    assert chips == ["改名单位"] * 3
    assert read_in_full(ctx) == [3]  # every row changed: the unit's name is in each
    second = Task.objects.get(title="第二项")
    submit(unit, unit.memberships.get().user, task=second)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert read_in_full(ctx) == [1]


def test_after_a_report_the_unit_page_reads_only_that_tasks_row(member):
    client, unit = member
    task = Task.objects.get(title="缓存任务")
    second = make_task(plan=task.plan, support=[unit], title="第二项")
    assert client.get(unit.get_absolute_url()).status_code == 200
    submit(unit, unit.memberships.get().user, task=second)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(unit.get_absolute_url()).content.decode()
    assert read_in_full(ctx) == [1]
    assert "缓存任务" in html and re.search(r"第二项.*?2023-05-20", html, re.S)  # 最近报送


def test_the_review_queue_reads_only_the_reports_whose_card_changed(member, demo_users):
    client, unit = member
    user = unit.memberships.get().user
    task = Task.objects.get(title="缓存任务")
    other = make_task(plan=task.plan, lead=[unit], title="第二项")
    submit(unit, user)
    office = Client()
    office.force_login(demo_users["office"])
    assert "缓存任务" in office.get("/reports/review/").content.decode()
    submit(unit, user, task=other)  # a second card; the first is unchanged
    with CaptureQueriesContext(connection) as ctx:
        html = office.get("/reports/review/").content.decode()
    assert "缓存任务" in html and "第二项" in html
    new = ProgressReport.objects.get(task=other)
    figures = [q["sql"] for q in ctx if 'FROM "tasks_reportfigure"' in q["sql"]]
    assert len(figures) == 1 and f"IN ({new.pk})" in figures[0]


def read_in_full(queries):
    """How many tasks each query reading tasks by id with their content read."""
    by_id = [re.search(r'"tasks_task"."id" IN \(([^)]*)\)', q["sql"]) for q in queries]
    return [
        len(found[1].split(","))
        for found, q in zip(by_id, queries, strict=True)
        if found
        and q["sql"].startswith('SELECT "tasks_task"."id"')
        and '"tasks_task"."content"' in q["sql"]
    ]


class BrokenCache:
    """A shared cache that is down: every read and write fails."""

    def __init__(self, *args, **kwargs):
        pass

    def close(self, **kwargs):
        pass

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_pages_render_when_the_cache_is_down(member, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.test_page_cache.BrokenCache"}}
    client, unit = member
    assert "缓存任务" in client.get(unit.get_absolute_url()).content.decode()
    assert "缓存任务" in client.get("/tasks/").content.decode()


def test_a_reviewed_report_shows_its_decision_on_the_task_page_and_leaves_the_queue(
    member, demo_users
):
    client, unit = member
    submit(unit, unit.memberships.get().user)
    office = Client()
    office.force_login(demo_users["office"])
    task = Task.objects.get(title="缓存任务")
    assert "已提交" in office.get(task.get_absolute_url()).content.decode()
    assert "缓存任务" in office.get("/reports/review/").content.decode()
    report = ProgressReport.objects.get(task=task)
    services.report_return(
        report=report, reviewer=demo_users["office"], version=report.version, comment="请补充数据"
    )
    html = office.get(task.get_absolute_url()).content.decode()
    assert "已退回" in html and "请补充数据" in html
    assert "缓存任务" not in office.get("/reports/review/").content.decode()


def test_the_page_cache_can_be_shared_through_redis():
    """CACHE_URL makes every worker read and write one Redis cache (here a spare database)."""
    url = "redis://127.0.0.1:6379/15"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    script = (
        "from django.core.cache import cache; from tasks.pages import cached;"
        "cache.clear(); print(cached(['k'], lambda: 'made'), cached(['k'], lambda: 'again'))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=os.environ | {"CACHE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split()[-2:] == ["made", "made"]


def test_the_redis_cache_makes_one_client_per_pool():
    """Django's backend made a client per call, each copying redis-py's callback table."""
    shared = RedisCache("redis://127.0.0.1:6379/15", {})._cache
    assert shared.get_client() is shared.get_client(write=True)
    assert (
        RedisCache("redis://127.0.0.1:6379/15", {})._cache.get_client() is not shared.get_client()
    )


def overview_reader(demo_users):
    """A leader, and the overview's count of the cached task's plan's red lights."""
    leader = Client()
    leader.force_login(demo_users["leader"])
    plan = Task.objects.get(title="缓存任务").plan
    return leader, re.compile(rf'plan={plan.pk}&amp;light=red" class="n-red">(\d+)<')


def test_the_overview_moves_with_every_report(member, demo_users):
    client, unit = member
    leader, red = overview_reader(demo_users)
    first, html = queries(leader, "/")
    assert red.search(html)[1] == "1"
    again, _html = queries(leader, "/")
    assert again < first
    submit(unit, unit.memberships.get().user)
    _count, html = queries(leader, "/")
    assert red.search(html)[1] == "0"


def test_plan_and_unit_options_are_written_once_per_catalog_state(member):
    """A new filter renders the form again, but its plans and units come from the cache
    until one comes or goes; what the reader chose is marked in them all the same."""
    client, unit = member
    plan = Task.objects.get(title="缓存任务").plan
    client.get("/tasks/?light=red")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(f"/tasks/?light=green&plan={plan.pk}&unit={unit.pk}").content.decode()
    listed = [
        q["sql"]
        for q in ctx
        if re.search(r'"(title|name)" FROM "(tasks_plan|units_unit)"', q["sql"])
    ]
    assert listed == []
    assert f'<option value="{plan.pk}" selected>' in html
    assert f'<option value="{unit.pk}" selected>缓存单位</option>' in html
    make_plan(year=2023, title="新印发的方案")
    assert "新印发的方案" in client.get("/tasks/?light=yellow").content.decode()


def test_a_units_page_shows_its_new_drafts_and_reminders(member):
    """What a unit must finish and the 催办 it was sent are part of its cached page: a draft
    saved and a reminder sent each move the unit's version."""
    client, unit = member
    url = unit.get_absolute_url()
    html = client.get(url).content.decode()
    assert "待完成的报告" not in html and "催办提醒" not in html
    submit(unit, unit.memberships.get().user, send=False)
    assert "待完成的报告" in client.get(url).content.decode()
    task = Task.objects.get(title="缓存任务")
    period = Period(date(2023, 4, 1), date(2023, 6, 30), date(2023, 7, 10), months=3)
    reminders_send([Due(task, unit, period, "due")], today=date(2023, 5, 20))
    assert "催办提醒" in client.get(url).content.decode()


def test_others_reports_show_on_the_overview_within_the_stale_seconds(
    member, demo_users, settings, time_machine
):
    """A reader who has not written gets the overview made a moment ago, without its version
    being read, until PAGE_STALE_SECONDS have passed."""
    settings.PAGE_STALE_SECONDS = 10
    client, unit = member
    leader, red = overview_reader(demo_users)
    _count, html = queries(leader, "/")
    assert red.search(html)[1] == "1"
    submit(unit, unit.memberships.get().user)
    with CaptureQueriesContext(connection) as ctx:
        html = leader.get("/").content.decode()
    assert red.search(html)[1] == "1"
    assert not [q for q in ctx.captured_queries if "standingclock" in q["sql"]]  # no version
    leader.cookies["wrote"] = "1:forged"  # a mark not signed by the server is no mark
    assert red.search(leader.get("/").content.decode())[1] == "1"
    time_machine.shift(11)
    _count, html = queries(leader, "/")
    assert red.search(html)[1] == "0"


def test_a_reader_who_writes_sees_every_page_as_their_write_left_it(member, demo_users, settings):
    settings.PAGE_STALE_SECONDS = 10
    client, unit = member
    submit(unit, unit.memberships.get().user)
    reviewer, colleague = Client(), Client()
    reviewer.force_login(demo_users["office"])
    colleague.force_login(make_user("colleague", group=OFFICE))

    def cards(office):
        return office.get("/reports/review/").content.decode().count('class="card review-card"')

    assert cards(reviewer) == cards(colleague) == 1
    report = ProgressReport.objects.get(task__title="缓存任务")
    response = reviewer.post(
        reverse("tasks:return", args=[report.pk]),
        {"version": report.version, "comment": "请补充数据"},
    )
    assert response.status_code == 302
    assert cards(colleague) == 1  # not yet
    assert cards(reviewer) == 0
    # What the writer saw is the page made last: it serves their colleagues from then on.
    assert cards(colleague) == 0
    # The writer's mark lasts as long: from then on they may see others' writes late too.
    assert reviewer.cookies["wrote"]["max-age"] == 10


def test_pages_show_every_write_at_once_with_no_stale_seconds(member, demo_users, settings):
    settings.PAGE_STALE_SECONDS = 0
    client, unit = member
    leader, red = overview_reader(demo_users)
    assert red.search(leader.get("/").content.decode())[1] == "1"
    submit(unit, unit.memberships.get().user)
    assert red.search(leader.get("/").content.decode())[1] == "0"
    assert "wrote" not in client.post(reverse("logout")).cookies
