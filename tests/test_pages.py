"""The plan and task pages, login, and every named URL."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tasks.models import Instruction, Plan, ProgressReport, ReportFigure, Task
from tasks.standing.refresh import refresh_standing
from tests.conftest import (
    home_office,
    make_plan,
    make_task,
    make_unit,
    make_user,
    queries_for,
)
from units.models import Unit
from units.roles import LEADER, OFFICE


@pytest.fixture
def member(demo_users, client):
    client.force_login(demo_users["zonghe"])
    return client


def test_it_sends_anonymous_users_to_login(seed, client):
    plan = Plan.objects.first()
    for url in ["/", plan.get_absolute_url(), plan.tasks.first().get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_login_page_is_in_chinese(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert "登录产改督办" in response.content.decode()


def test_english_is_available(client, db):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"))
    assert "Sign in" in response.content.decode()


def test_a_wrong_password_gets_a_message_in_chinese(demo_users, client):
    response = client.post(reverse("login"), {"username": "zonghe", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def login(client, username):
    return client.post(
        reverse("login"), {"username": username, "password": "chanGai-2023"}, follow=True
    )


def test_a_department_user_lands_on_its_items(demo_users, client):
    response = login(client, "zonghe")
    unit = demo_users["zonghe"].memberships.get().unit
    assert response.redirect_chain[-1][0] == reverse("tasks:unit", args=[unit.pk])
    assert "我的任务 · 综合处" in response.content.decode()


@pytest.mark.parametrize("username", ["office", "leader"])
def test_office_and_leaders_land_on_the_overview(demo_users, client, username):
    response = login(client, username)
    assert response.redirect_chain == [("/", 302)]  # the overview is the home page itself
    html = response.content.decode()
    assert "总览" in html and "各单位按时报送排名" in html
    assert "2023年绿建区新时代产业工人队伍建设改革工作要点及责任分工方案" in html


def test_the_plan_page_shows_every_task_with_its_departments(member, lvjian):
    html = member.get(lvjian.get_absolute_url()).content.decode()
    for task in lvjian.tasks.all():
        assert task.title in html
    assert html.count('class="unit-chip unit-lead"') == 19
    assert "五、强化组织实施，汇聚产改队伍强大合力" in html


def test_the_task_page_shows_content_indicator_and_reports(member, seed):
    task = Task.objects.get(plan__year=2022, code="6")
    html = member.get(task.get_absolute_url()).content.decode()
    assert "强化职业技能培训" in html
    assert "每万名劳动者中高技能人才数" in html and "1609" in html
    assert "约1000" in html  # 超千人次 is approximate


def test_unknown_ids_answer_404(member, seed):
    for pk in (99999, 10**25):  # the second past a 64-bit key
        assert member.get(reverse("tasks:plan", args=[pk])).status_code == 404
        assert member.get(reverse("tasks:task", args=[pk])).status_code == 404
        assert member.get(reverse("tasks:report", args=[pk])).status_code == 404


def test_user_text_is_escaped(client, db):
    """Once: in the rows of tasks and counts (tasks.rows) and pages, and in the reasons for a
    task's light."""
    unit = make_unit(name="<script>alert(1)</script>", parent=home_office())
    plan = make_plan(title="<i>方案</i>", doc_number="<u>1号</u>")
    task = make_task(plan=plan, title="<b>粗体</b>", lead=[unit], due_on=date(2020, 1, 1))
    refresh_standing(Task.objects.all(), timezone.localdate())  # red: late, report overdue
    client.force_login(make_user("someone", unit=unit))
    pages = [task.plan.get_absolute_url(), task.get_absolute_url(), unit.get_absolute_url()]
    for url in [*pages, f"/tasks/?unit={unit.pk}"]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&amp;lt;" not in html, url
        assert "<i>方案</i>" not in html and "<u>1号</u>" not in html, url
        assert "&lt;b&gt;粗体&lt;/b&gt;" in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(pages[0]).content.decode()
    client.force_login(make_user("office", group=OFFICE))  # the overview: plans and units
    overview = client.get("/").content.decode()
    assert "<i>方案</i>" not in overview and "&amp;lt;" not in overview
    assert "&lt;i&gt;方案&lt;/i&gt;" in overview and "&lt;u&gt;1号&lt;/u&gt;" in overview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview  # ranked by its reports


def test_plan_page_queries_do_not_grow(client, db):
    unit, other = make_unit(), make_unit()
    task = make_task(lead=[unit], support=[other])
    client.force_login(make_user("someone", unit=unit))
    url = task.plan.get_absolute_url()
    small = queries_for(client, url)
    for _ in range(30):
        make_task(plan=task.plan, lead=[other], support=[unit])
    assert queries_for(client, url) == small <= 16


def test_task_page_queries_do_not_grow(member, seed):
    task = Task.objects.get(plan__year=2022, code="6")
    small = queries_for(member, task.get_absolute_url())
    for unit in Unit.objects.all()[:10]:
        report = ProgressReport.objects.create(
            task=task, unit=unit, progress="进展", state="submitted"
        )
        ReportFigure.objects.create(report=report, name="培训", value=1)
    for day in range(1, 4):
        instruction = Instruction.objects.create(
            task=task,
            leader="书记",
            text="抓紧落实",
            given_on=date(2023, 9, day),
            due_on=date(2023, 10, 1),
        )
        instruction.units.set(task.units.all())
    task.title = "改名"
    task.save()
    assert queries_for(member, task.get_absolute_url()) == small <= 16


def test_a_tasks_reports_are_shown_six_at_a_time_newest_first(client, db):
    """A task reported on for years by several units has hundreds of reports: the page shows
    the latest six, and older ones a page further, whatever the reader types for the page."""
    unit = make_unit()
    task = make_task(lead=[unit])
    for month in range(1, 9):
        ProgressReport.objects.create(
            task=task,
            unit=unit,
            period=date(2024, month, 1),
            submitted_on=date(2024, month, 5),
            state="submitted",
            progress=f"第{month}月进展",
        )
    client.force_login(make_user("office", group=OFFICE))
    url = task.get_absolute_url()
    first = client.get(url).content.decode()
    assert [m for m in range(1, 9) if f"第{m}月进展" in first] == [3, 4, 5, 6, 7, 8]
    assert first.index("第8月进展") < first.index("第3月进展")
    assert "共 8 份" in first and 'href="?reports=2#reports"' in first
    second = client.get(f"{url}?reports=2").content.decode()
    assert [m for m in range(1, 9) if f"第{m}月进展" in second] == [1, 2]
    assert 'href="?reports=1#reports"' in second
    for typed in ["abc", "0", "-1", "99", "9" * 5000, "²"]:
        response = client.get(url, {"reports": typed})
        assert response.status_code == 200, typed
        assert "第8月进展" in response.content.decode() or "第1月进展" in response.content.decode()


def test_every_admin_page_opens(admin_client, seed):
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(url).status_code == 200, url


def test_the_plan_list_is_paged_and_counts_each_plans_tasks(client, db):
    """A province issues thousands of plans: 24 a page, newest year first, each with its
    own number of tasks, in the same queries however many there are."""
    client.force_login(make_user("someone", group=LEADER))
    busy = make_task(plan=make_plan(year=2030, title="最新方案")).plan
    make_task(plan=busy)
    small = queries_for(client, "/plans/")
    for n in range(24):
        make_task(plan=make_plan(year=2020, title=f"方案{n:02}"))
    assert queries_for(client, "/plans/") == small
    first = client.get("/plans/").content.decode()
    assert first.count('class="card plan-card"') == 24 and "第 1 / 2 页" in first
    assert first.index("最新方案") < first.index("方案00")
    assert "2 项任务" in first[first.index("最新方案") : first.index("方案00")]
    second = client.get("/plans/?page=2").content.decode()
    # The seed's 剡湖街道 plan is another province's: not on the leader's list.
    assert second.count('class="card plan-card"') == Plan.objects.count() - 1 - 24
    assert "方案23" in second and "方案23" not in first


def test_a_units_tasks_are_listed_in_the_unit_pages_order(client, db):
    """Plan by plan (in the order plans were issued) and by 序号 within each: the unit page's
    牵头 items and the task list of the unit's 牵头 tasks read alike."""
    unit = make_unit()
    later, earlier = make_plan(year=2025), make_plan(year=2024)
    titles = []
    for plan in (later, earlier):
        for seq in (2, 1):
            task = make_task(plan=plan, seq=seq, lead=[unit], title=f"任务{plan.year}-{seq}")
            titles.append(task.title)
    client.force_login(make_user("member", unit=unit))
    expected = ["任务2025-1", "任务2025-2", "任务2024-1", "任务2024-2"]
    for url in [unit.get_absolute_url(), f"{reverse('tasks:list')}?unit={unit.pk}&role=lead"]:
        html = client.get(url).content.decode()
        assert sorted(titles, key=html.index) == expected, url
