"""领导批示: the office records a leader's instruction on a task; the units named see it on
their page and answer it; it has a light of its own until answered; meetings follow it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tasks.meetings.changes import plan_changes
from tasks.meetings.record import meeting_record
from tasks.models import Instruction
from tests.conftest import lvjian_task


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def task(demo_users):
    return lvjian_task("7")  # 产业处 leads, 中欧办 supports


def instruct(task, **overrides):
    fields = {"leader": "区委书记", "text": "抓紧落实技能大赛", "given_on": date(2023, 9, 1)}
    instruction = Instruction.objects.create(
        task=task, due_on=overrides.pop("due_on", date(2023, 9, 30)), **(fields | overrides)
    )
    instruction.units.set(task.lead_units)
    return instruction


def test_the_office_records_an_instruction(demo_users, task):
    office = client_for(demo_users["office"])
    url = reverse("tasks:instruction_add", args=[task.pk])
    assert "记录领导批示" in office.get(url).content.decode()
    lead = task.lead_units[0]
    data = {
        "leader": "区委书记",
        "text": "抓紧落实技能大赛",
        "given_on": "2023-09-01",
        "due_on": "2023-09-30",
        "units": [lead.pk],
    }
    response = office.post(url, data)
    assert response.url == f"{task.get_absolute_url()}#instructions"
    instruction = Instruction.objects.get()
    assert list(instruction.units.all()) == [lead] and instruction.recorded_by.username == "office"
    page = office.get(task.get_absolute_url()).content.decode()
    assert "区委书记批示（2023-09-01）" in page and "抓紧落实技能大赛" in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"due_on": "2023-08-01"}, "办理时限不能早于批示日期"),
        ({"text": ""}, "这个字段是必填项"),
        ({"due_on": "30/9"}, "请按 2023-09-30 的格式填写日期"),
        ({"units": ["999999"]}, "选择一个有效的选项"),
    ],
)
def test_bad_input_records_nothing(demo_users, task, changes, error):
    data = {
        "leader": "区委书记",
        "text": "抓紧落实",
        "given_on": "2023-09-01",
        "due_on": "2023-09-30",
        "units": [task.lead_units[0].pk],
    } | changes
    office = client_for(demo_users["office"])
    html = office.post(reverse("tasks:instruction_add", args=[task.pk]), data).content.decode()
    assert error in html and not Instruction.objects.exists()


def test_the_unit_named_answers_it_from_its_page(demo_users, task):
    instruction = instruct(task)
    chanye = client_for(demo_users["chanye"])
    unit_page = task.lead_units[0].get_absolute_url()
    html = chanye.get(unit_page).content.decode()
    assert "待办理的领导批示" in html and "回复办理情况" in html
    url = reverse("tasks:instruction_answer", args=[instruction.pk])
    empty = chanye.post(url, {"answer": " ", "next": unit_page}, follow=True)
    assert "请填写办理情况" in empty.content.decode()
    chanye.post(url, {"answer": "已召开专题会部署。", "next": unit_page})
    instruction.refresh_from_db()
    assert (
        instruction.answer == "已召开专题会部署。" and instruction.answered_by.username == "chanye"
    )
    again = chanye.post(url, {"answer": "再答一次"}, follow=True).content.decode()
    assert "该批示已办理" in again
    instruction.refresh_from_db()
    assert instruction.answer == "已召开专题会部署。"
    assert "待办理的领导批示" not in chanye.get(unit_page).content.decode()


@pytest.mark.parametrize(
    ("username", "status"), [("zhongou", 403), ("leader", 403), ("shanhu", 404)]
)
def test_only_the_units_named_answer(demo_users, task, username, status):
    instruction = instruct(task)
    client = client_for(demo_users[username])
    url = reverse("tasks:instruction_answer", args=[instruction.pk])
    assert client.post(url, {"answer": "x"}).status_code == status
    instruction.refresh_from_db()
    assert instruction.answered_on is None


@pytest.mark.parametrize(
    ("today", "light"),
    [(date(2023, 9, 10), "green"), (date(2023, 9, 25), "yellow"), (date(2023, 10, 1), "red")],
)
def test_an_open_instruction_has_a_light_of_its_own(demo_users, task, today, light):
    instruction = instruct(task)
    assert instruction.light(today) == light
    instruction.answered_on = today
    assert instruction.light(today) == "done"


def test_meetings_list_instructions_answered_and_still_open(demo_users, task):
    plan = task.plan
    answered, still_open = instruct(task), instruct(task, leader="区长", due_on=date(2023, 12, 31))
    meeting_record(office=plan.office, title="三季度", held_on=date(2023, 9, 30), plans=[plan])
    answered.answer, answered.answered_on = "已办理", date(2023, 10, 8)
    answered.save()
    second = meeting_record(
        office=plan.office, title="四季度", held_on=date(2023, 12, 28), plans=[plan]
    )
    _previous, changes = plan_changes(second, plan)
    moved = next(c.changes for c in changes if c.snapshot.task_id == task.pk)
    assert "批示已办理：区委书记批示（2023-09-01）" in moved
    assert "批示待办理：区长批示（2023-09-01），2023-12-31前" in moved
    assert still_open.answered_on is None
