"""催办: who gets what, once a day, by command or by the office's button."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tasks.models import ProgressReport, Reminder, Task
from tests.conftest import LVJIAN, lvjian_task


@pytest.fixture
def with_emails(demo_users):
    for name in ["chanye", "zonghe", "zhongou", "lvhong"]:
        user = demo_users[name]
        user.email = f"{name}@example.org"
        user.save()
    return demo_users


def run():
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_it_emails_each_unit_its_overdue_items(with_emails, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)  # Q1 due 04-05 + 3 days
    output = run()
    # 19 tasks, 23 responsibilities in the 绿建区 plan; the other plans name no units
    assert "23 reminders due, 23 sent today to 4 units" in output
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "zonghe@example.org",
        "chanye@example.org",
        "zhongou@example.org",
        "lvhong@example.org",
    }
    chanye = by_recipient["chanye@example.org"]
    assert chanye.subject == "【催办】产业处有5项进展报告待报送"
    assert (
        "完善创新激励机制" in chanye.body
        and "2023年第1季度进展，应于2023-04-05前报送（已逾期）" in chanye.body
    )
    assert "强化政治引领作用" not in chanye.body  # 综合处's item
    reminder = Reminder.objects.get(task__plan__title=LVJIAN, task__code="6")
    assert (reminder.kind, str(reminder.period), reminder.sent_by) == (
        "overdue",
        "2023-01-01",
        None,
    )
    assert reminder.recipients == "chanye@example.org"


def test_it_sends_each_reminder_once_a_day(with_emails, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    run()
    first = len(mail.outbox)
    assert "0 sent today" in run() and len(mail.outbox) == first
    time_machine.move_to("2023-04-11 09:00 +0800", tick=False)
    run()
    assert len(mail.outbox) == 2 * first
    assert Reminder.objects.count() == 46


def test_it_reminds_due_reports_within_the_warning_window(with_emails, time_machine):
    time_machine.move_to("2023-03-20 09:00 +0800", tick=False)  # 16 days before 04-05
    assert "0 reminders due" in run()
    time_machine.move_to("2023-03-21 09:00 +0800", tick=False)
    run()
    assert {r.kind for r in Reminder.objects.all()} == {"due"}
    assert "（已逾期）" not in mail.outbox[0].body


def test_units_that_reported_are_left_alone(with_emails, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    task6 = lvjian_task("6")
    ProgressReport.objects.create(
        task=task6,
        unit=task6.lead_units[0],
        period=date(2023, 1, 1),
        state="submitted",
        progress="已报",
        submitted_on=date(2023, 4, 2),
    )
    Task.objects.filter(pk=lvjian_task("9").pk).update(status="done")
    run()
    chanye = next(m for m in mail.outbox if m.to == ["chanye@example.org"])
    assert chanye.subject == "【催办】产业处有3项进展报告待报送"


def test_members_without_email_still_see_reminders_on_their_page(demo_users, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    run()
    assert not mail.outbox
    client = Client()
    client.force_login(demo_users["chanye"])
    unit = lvjian_task("6").lead_units[0]
    html = client.get(unit.get_absolute_url()).content.decode()
    assert "催办提醒" in html and html.count("已逾期") >= 5


def test_a_sent_report_closes_the_reminder(demo_users, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    run()
    task6 = lvjian_task("6")
    ProgressReport.objects.create(
        task=task6,
        unit=task6.lead_units[0],
        period=date(2023, 1, 1),
        state="submitted",
        progress="补报",
    )
    client = Client()
    client.force_login(demo_users["chanye"])
    html = client.get(task6.lead_units[0].get_absolute_url()).content.decode()
    section = html[html.index("催办提醒") : html.index("牵头任务")]
    assert "完善创新激励机制" not in section and "开展创新技能大赛" in section


@pytest.mark.parametrize(
    ("username", "expected"), [(None, 302), ("chanye", 403), ("leader", 403), ("office", 302)]
)
def test_only_office_sends_a_reminder_for_a_task(
    client, with_emails, time_machine, username, expected
):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    if username:
        client.force_login(with_emails[username])
    task7 = lvjian_task("7")
    response = client.post(reverse("tasks:remind_task", args=[task7.pk]))
    assert response.status_code == expected
    sent = Reminder.objects.filter(task=task7)
    if username == "office":
        assert {r.unit.name for r in sent} == {"产业处", "中欧办"}
        assert {r.sent_by.username for r in sent} == {"office"}
        assert len(mail.outbox) == 2
    else:
        assert not sent.exists() and not mail.outbox


def test_office_reminds_one_unit_in_one_plan(client, with_emails, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    client.force_login(with_emails["office"])
    task6 = lvjian_task("6")
    unit = task6.lead_units[0]
    response = client.post(
        reverse("tasks:remind_unit", args=[unit.pk]),
        {"plan": task6.plan_id, "next": task6.plan.get_absolute_url()},
        follow=True,
    )
    assert "已催办5项：产业处" in response.content.decode()
    response = client.post(
        reverse("tasks:remind_unit", args=[unit.pk]), {"plan": task6.plan_id}, follow=True
    )
    assert "今天已催办过，不再重复发送" in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_reminder_never_redirects_off_site(client, with_emails, time_machine):
    client.force_login(with_emails["office"])
    task6 = lvjian_task("6")
    response = client.post(
        reverse("tasks:remind_task", args=[task6.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_it_says_whom_it_reached_and_whom_it_could_not(client, demo_users, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    chanye = demo_users["chanye"]
    chanye.email = "chanye@example.org"
    chanye.save()
    client.force_login(demo_users["office"])
    task7 = lvjian_task("7")  # 产业处 leads, 中欧办 supports; 中欧办 has no address
    html = client.post(reverse("tasks:remind_task", args=[task7.pk]), follow=True)
    html = html.content.decode()
    assert "催办邮件已发送至 产业处：产业处联络员 chanye@example.org" in html
    assert "中欧办没有成员登记电子邮箱，未发送邮件" in html
    assert [m.to for m in mail.outbox] == [["chanye@example.org"]]


def test_the_dashboard_shows_when_each_unit_was_last_reminded(client, demo_users, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    client.force_login(demo_users["office"])
    task7 = lvjian_task("7")
    client.post(reverse("tasks:remind_task", args=[task7.pk]))
    html = client.get(task7.plan.get_absolute_url()).content.decode()
    table = html[html.index("各责任单位") :]
    row = table[table.index("中欧办") : table.index("</tr>", table.index("中欧办"))]
    assert "04-10 09:00" in row and "无邮箱" in row
    assert f"/accounts/?unit={task7.support_units[0].pk}" in row
    leader = Client()
    leader.force_login(demo_users["leader"])
    html = leader.get(task7.plan.get_absolute_url()).content.decode()
    assert "04-10 09:00" in html and "无邮箱" not in html  # leaders read; the office acts
