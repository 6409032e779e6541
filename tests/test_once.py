"""A form that creates something is carried out once: Back, a double click or a retry after a
timeout sends it again, and the second sending creates nothing and says so."""

import pytest
from django.test import Client
from django.urls import reverse

from tasks.models import Plan, ProgressReport, Task
from tests.conftest import lvjian_task, make_plan, report_data
from tests.test_plan_import_page import form_data, preview


@pytest.fixture
def chanye(demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    return client


def new_form(client, task):
    """The address of a new report form: the page sends the browser to it, token included."""
    response = client.get(reverse("tasks:report", args=[task.pk]))
    assert response.status_code == 302 and "once=" in response.url
    return response.url


def test_it_files_a_report_sent_twice_once(chanye):
    task = lvjian_task("6")
    url = new_form(chanye, task)
    first = chanye.post(url, report_data())
    assert first.status_code == 302
    again = chanye.post(url, report_data(progress="同一张表单再次提交"))
    html = again.content.decode()
    report = ProgressReport.objects.get(task=task)
    assert "这份报告已提交，未重复提交。" in html
    assert f'href="{report.get_absolute_url()}"' in html
    assert report.progress == report_data()["progress"]


def test_back_shows_the_form_as_sent_with_its_period(chanye):
    task = lvjian_task("6")
    url = new_form(chanye, task)
    chanye.post(url, report_data())
    html = chanye.get(url).content.decode()
    period = report_data()["period"]
    assert f'<option value="{period}" selected>' in html
    assert "这份报告已提交" in html and report_data()["progress"] in html
    # a new form, opened anew, has a token of its own and proposes the next period owed
    assert new_form(chanye, task) != url


def test_back_to_a_saved_draft_opens_the_draft(chanye):
    task = lvjian_task("6")
    url = new_form(chanye, task)
    chanye.post(url, report_data(action="draft"))
    draft = ProgressReport.objects.get(task=task)
    assert chanye.get(url).url == reverse("tasks:report_edit", args=[draft.pk])
    again = chanye.post(url, report_data(action="draft"))
    assert "这份报告已保存为草稿，未重复创建。" in again.content.decode()
    assert ProgressReport.objects.filter(task=task).count() == 1


def test_a_refused_form_keeps_its_token_for_the_corrected_one(chanye):
    task = lvjian_task("6")
    url = new_form(chanye, task)
    assert chanye.post(url, report_data(percent="120")).status_code == 200
    assert chanye.post(url, report_data()).status_code == 302
    assert ProgressReport.objects.filter(task=task).count() == 1


def test_a_plan_confirmed_twice_is_created_once(demo_users):
    office = Client()
    office.force_login(demo_users["office"])
    data = form_data(preview(office), action="confirm", once="6f1c1d7e-3b7a-4b8e-9d5e-2f0c1a2b3c4d")
    office.post(reverse("tasks:plan_import"), data)
    again = office.post(reverse("tasks:plan_import"), data).content.decode()
    plans = Plan.objects.filter(title="2024年常州市产业工人队伍建设改革重点任务")
    assert plans.count() == 1
    assert "这份方案已创建，未重复创建。" in again and plans.get().get_absolute_url() in again


def test_the_preview_carries_a_token(demo_users):
    office = Client()
    office.force_login(demo_users["office"])
    assert 'name="once"' in preview(office).content.decode()


def test_a_carry_over_confirmed_twice_runs_once(demo_users):
    office = Client()
    office.force_login(demo_users["office"])
    source = lvjian_task("1").plan
    into = make_plan(title="绿建区2024年工作要点", year=2024, issuing_unit=source.issuing_unit)
    url = reverse("tasks:carry_over", args=[source.pk])
    assert 'name="once"' in office.get(url, {"into": into.pk}).content.decode()
    data = {"into": into.pk, "once": "0b9e4f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"}
    office.post(url, data)
    again = office.post(url, data).content.decode()
    assert "这批任务已结转，未重复结转。" in again
    assert Task.objects.filter(plan=into).count() == 19
