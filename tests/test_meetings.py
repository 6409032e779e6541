"""督查会: recording a meeting freezes its plan's standing; its ledger prints the same later;
本期变化 says what moved since the meeting before."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.meetings.changes import plan_changes
from tasks.meetings.record import meeting_record
from tasks.meetings.workbook import meeting_workbook, plan_workbook
from tasks.models import Meeting, ProgressReport, Task
from tests.conftest import LVJIAN, lvjian_task, make_plan, make_task


@pytest.fixture
def office(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    return client


def record(plan, title, held_on):
    return meeting_record(office=plan.office, title=title, held_on=held_on, plans=[plan])


def cells(meeting, plan):
    buffer = io.BytesIO()
    meeting_workbook(meeting, plan, output=buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


def test_the_office_records_a_meeting_from_its_page(office, lvjian):
    page = office.get(reverse("tasks:meetings")).content.decode()
    assert "记录督查会" in page and LVJIAN in page
    response = office.post(
        reverse("tasks:meetings"),
        {"title": "2023年第三季度督查推进会", "held_on": "2023-09-30", "plans": [lvjian.pk]},
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.snapshots.count() == 19 and meeting.office == lvjian.office
    html = office.get(meeting.get_absolute_url()).content.decode()
    assert "这是该方案的第一次督查会" in html and "下载会议台账" in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "督查会", "held_on": "2023-09-30"}, "请至少选择一个方案"),
        ({"title": "督查会", "held_on": "9/30", "plans": "PLAN"}, "请按 2023-09-30 的格式填写日期"),
        ({"title": "", "held_on": "2023-09-30", "plans": "PLAN"}, "这个字段是必填项"),
        ({"title": "督查会", "held_on": "2023-09-30", "plans": "999999"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_records_nothing(office, lvjian, data, error):
    if data.get("plans") == "PLAN":
        data["plans"] = lvjian.pk
    html = office.post(reverse("tasks:meetings"), data).content.decode()
    assert error in html and not Meeting.objects.exists()


def test_a_meetings_ledger_prints_the_same_after_the_plan_moved_on(lvjian):
    meeting = record(lvjian, "2023年第三季度督查推进会", date(2023, 9, 30))
    before = cells(meeting, lvjian)
    task = lvjian_task("6")
    Task.objects.filter(pk=task.pk).update(status="done", percent=100, light="done")
    assert cells(meeting, lvjian) == before
    row = next(r for r in before["台账"] if r[0] == "6")
    assert row[7] == "未启动" and before["台账"][1][0] == "2023年第三季度督查推进会（2023-09-30）"


def test_what_changed_since_the_meeting_before(lvjian, demo_users):
    red = lvjian_task("7")
    Task.objects.filter(pk=red.pk).update(light="red")
    first = record(lvjian, "第三季度督查会", date(2023, 9, 30))
    task = lvjian_task("6")
    report = ProgressReport.objects.create(
        task=task,
        unit=task.lead_units[0],
        period=date(2023, 7, 1),
        state="accepted",
        status="in_progress",
        percent=60,
        progress="已指导3家企业建立薪酬激励机制。",
        submitted_on=date(2023, 10, 5),
    )
    Task.objects.filter(pk=task.pk).update(
        status="in_progress", percent=60, light="yellow", latest_report=report
    )
    second = record(lvjian, "第四季度督查会", date(2023, 12, 30))
    previous, changes = plan_changes(second, lvjian)
    assert previous == first
    moved = {c.snapshot.row[0]: c.changes for c in changes}
    assert moved["6"] == [
        f"{first.snapshots.get(task=task).get_light_display()}→黄灯",
        "状态：未启动→推进中",
        "进度：0%→60%",
        "新的已审核报告：产业处 2023年第3季度",
    ]
    assert moved["7"] == ["连续2次红灯"]
    html = Client()
    html.force_login(demo_users["leader"])
    page = html.get(second.get_absolute_url()).content.decode()
    assert (
        "与第三季度督查会（2023-09-30）相比" in page
        and "新的已审核报告：产业处 2023年第3季度" in page
    )
    sheet = cells(second, lvjian)["本期变化"]
    assert any(r[0] == "6" and "状态：未启动→推进中" in r[3] for r in sheet)


def test_the_commands_record_a_meeting_and_print_its_ledger(lvjian, tmp_path):
    out = io.StringIO()
    call_command(
        "meeting_snapshot", plan=lvjian.pk, title="督查会", date=date(2023, 9, 30), stdout=out
    )
    meeting = Meeting.objects.get(pk=int(out.getvalue()))
    assert meeting.held_on == date(2023, 9, 30)
    path = tmp_path / "m.xlsx"
    call_command(
        "export_ledger", plan=lvjian.pk, meeting=meeting.pk, output=str(path), stdout=io.StringIO()
    )
    assert load_workbook(path).sheetnames[-1] == "本期变化"


@pytest.mark.parametrize(
    ("username", "status"), [("leader", 200), ("sheng", 200), ("chanye", 403), ("shanhu", 404)]
)
def test_who_reads_a_meeting(lvjian, demo_users, username, status):
    meeting = record(lvjian, "督查会", date(2023, 9, 30))
    client = Client()
    client.force_login(demo_users[username])
    assert client.get(meeting.get_absolute_url()).status_code == status
    ledger = reverse("tasks:meeting_ledger", args=[meeting.pk, lvjian.pk])
    assert client.get(ledger).status_code == status


def test_a_plan_without_an_office_is_refused_with_a_message(demo_users):
    it_admin = get_user_model().objects.create_superuser("it", password="pw")
    client = Client()
    client.force_login(it_admin)
    plan = make_plan(title="没有产改办的方案", office=None)
    data = {"title": "督查会", "held_on": "2023-09-30", "plans": [plan.pk]}
    html = client.post(reverse("tasks:meetings"), data).content.decode()
    assert "还没有所属的产改办" in html and not Meeting.objects.exists()


def test_a_leader_cannot_record_a_meeting(lvjian, demo_users):
    client = Client()
    client.force_login(demo_users["leader"])
    data = {"title": "督查会", "held_on": "2023-09-30", "plans": [lvjian.pk]}
    assert client.post(reverse("tasks:meetings"), data).status_code == 403
    assert not Meeting.objects.exists()


def test_the_plan_ledger_says_what_changed_since_the_last_meeting(office, lvjian):
    record(lvjian, "第三季度督查会", date(2023, 9, 30))
    Task.objects.filter(plan=lvjian, code="6").update(status="in_progress", percent=40)
    response = office.get(reverse("tasks:ledger", args=[lvjian.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-1] == "本期变化"
    rows = list(book["本期变化"].iter_rows(values_only=True))
    assert rows[1] == ("与第三季度督查会（2023-09-30）相比",) + (None,) * 3
    assert any(r[0] == "6" and "进度：0%→40%" in r[3] for r in rows)
    task_row = next(r for r in book["台账"].iter_rows(values_only=True) if r[0] == "6")
    assert task_row[7:9] == ("推进中", 0.4)  # as of now


def test_a_meeting_and_its_ledgers_run_the_same_queries_for_more_tasks(lvjian, demo_users):
    def queries():
        meeting = record(lvjian, "督查会", date(2023, 9, 30))
        with CaptureQueriesContext(connection) as ctx:
            meeting_workbook(meeting, lvjian, output=io.BytesIO())
            plan_workbook(lvjian, today=date(2023, 10, 8), output=io.BytesIO())
        return len(ctx.captured_queries)

    record(lvjian, "上次督查会", date(2023, 6, 30))  # each measured meeting has one before it
    before = queries()
    for n in range(30):
        make_task(plan=lvjian, lead=[lvjian_task("6").lead_units[0]], title=f"新增任务{n}")
    assert queries() == before


def record_name(title):
    return str(Meeting.objects.get(title=title))


def test_a_meeting_of_several_plans_compares_each_with_its_own_previous_meeting(office, lvjian):
    other = make_plan(title="绿建区技能提升专项方案", year=2023)
    task = make_task(plan=other, lead=[lvjian_task("6").lead_units[0]], title="开展技能竞赛")
    Task.objects.filter(pk=task.pk).update(light="red")
    record(other, "专项推进会", date(2023, 8, 31))  # the other plan's only earlier meeting
    record(lvjian, "第三季度督查会", date(2023, 9, 30))  # 绿建区's, after it
    Task.objects.filter(pk=task.pk).update(percent=30)
    both = meeting_record(
        office=lvjian.office,
        title="第四季度督查会",
        held_on=date(2023, 12, 30),
        plans=[lvjian, other],
    )
    url = both.get_absolute_url()
    html = office.get(url).content.decode()
    assert f"与{record_name('第三季度督查会')}相比" in html
    assert f"与{record_name('专项推进会')}相比" in html
    assert "进度：0%→30%" in html and "连续2次红灯" in html
    previous, changes = plan_changes(both, other)
    assert previous.title == "专项推进会"
    assert [c.changes for c in changes] == [["进度：0%→30%", "连续2次红灯"]]
    assert plan_changes(both, lvjian)[0].title == "第三季度督查会"

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert office.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    third = make_plan(title="绿建区第三个方案", year=2023)
    make_task(plan=third, lead=[lvjian_task("6").lead_units[0]])
    record(third, "第三个方案推进会", date(2023, 7, 31))
    both.plans.add(third)
    assert queries() == before
