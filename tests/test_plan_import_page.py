"""The office's plan import page: parse, correct, confirm."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tasks.models import Plan, Task
from units.models import Unit

CORPUS = Path(__file__).resolve().parent / "plan_corpus"
TEXT = (CORPUS / "01-city-lead-and-responsible.txt").read_text()


@pytest.fixture
def office(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    return client


def preview(client, **data):
    return client.post(reverse("tasks:plan_import"), {"text": TEXT, "level": "city", **data})


def form_data(response, **changes):
    """What the browser would post back from the preview, with some fields changed."""
    data = {}
    for form in [response.context["plan_form"], *response.context["formset"].forms]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else value
    data.update(response.context["formset"].management_form.initial)
    data = {
        (
            "task-" + k
            if k in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
            else k
        ): v
        for k, v in data.items()
    }
    return data | changes


@pytest.mark.parametrize(
    ("username", "status"), [(None, 302), ("zonghe", 403), ("leader", 403), ("office", 200)]
)
def test_only_office_imports_plans(demo_users, username, status):
    client = Client()
    if username:
        client.force_login(demo_users[username])
    assert client.get(reverse("tasks:plan_import")).status_code == status


def test_the_preview_lists_tasks_and_new_units(office):
    response = preview(office)
    html = response.content.decode()
    assert "识别出 4 项任务" in html and "实施技能提升行动" in html
    assert "将新建以下单位" in html and "市人社局" in html
    assert not Plan.objects.filter(title__contains="常州市").exists()


def test_a_corrected_plan_is_created_with_existing_units(office, seed):
    response = preview(office)
    data = form_data(response, **{"task-0-lead": "综合处", "action": "confirm"})
    response = office.post(reverse("tasks:plan_import"), data, follow=True)
    plan = Plan.objects.get(title="2024年常州市产业工人队伍建设改革重点任务")
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "已创建方案" in response.content.decode()
    task1 = Task.objects.with_units().get(plan=plan, code="1")
    assert [u.name for u in task1.lead_units] == ["综合处"]  # matched, not created again
    assert Unit.objects.filter(name="综合处").count() == 1
    assert plan.tasks.count() == 4 and plan.level == "city" and plan.source_text == TEXT
    assert (str(plan.starts_on), str(plan.ends_on)) == ("2024-01-01", "2024-12-31")


def test_the_plan_s_period_is_corrected_in_the_preview(office, seed):
    response = preview(office)
    assert 'name="ends_on" value="2024-12-31"' in response.content.decode()
    data = form_data(response, starts_on="2024-03-01", ends_on="2025-06-30", action="confirm")
    office.post(reverse("tasks:plan_import"), data)
    plan = Plan.objects.get(title="2024年常州市产业工人队伍建设改革重点任务")
    assert (str(plan.starts_on), str(plan.ends_on)) == ("2024-03-01", "2025-06-30")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"task-2-due": "2024-13-40"}, "输入一个有效的日期"),
        ({"task-2-indicators": "培训很多"}, "格式不对"),
        ({"task-0-title": ""}, "这个字段是必填项"),
        ({"structure": "not json"}, "预览数据已损坏"),
        ({"task-TOTAL_FORMS": "2"}, "预览数据已损坏"),
        ({"starts_on": "2024-06-01", "ends_on": "2024-01-31"}, "执行截止不能早于执行起始"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_created(office, seed, changes, message):
    data = form_data(preview(office), **changes, action="confirm")
    response = office.post(reverse("tasks:plan_import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.filter(title__contains="常州市").exists()


def test_text_without_items_gets_a_message(office):
    response = office.post(
        reverse("tasks:plan_import"), {"text": "请各单位认真学习。", "level": "park"}
    )
    assert "没有找到任何任务条目" in response.content.decode()


def test_a_word_file_can_be_uploaded(office, tmp_path):
    import sys

    sys.path.insert(0, str(CORPUS))
    from docx_plans import table_docx

    path = tmp_path / "plan.docx"
    table_docx(path)
    with path.open("rb") as file:
        response = office.post(reverse("tasks:plan_import"), {"file": file, "level": "county"})
    assert "2024年金坛区产业工人队伍建设改革任务分工表" in response.content.decode()


def test_a_duplicate_plan_is_refused(office, seed):
    data = form_data(preview(office), action="confirm")
    office.post(reverse("tasks:plan_import"), data)
    response = office.post(reverse("tasks:plan_import"), data)
    assert "已有同名同年度的方案" in response.content.decode()
    assert Plan.objects.filter(title__contains="常州市").count() == 1


def test_a_pdf_can_be_uploaded_and_the_preview_lists_what_was_left_out(office):
    with (CORPUS / "14-pdf-text-layer.pdf").open("rb") as file:
        response = office.post(reverse("tasks:plan_import"), {"file": file, "level": "city"})
    html = response.content.decode()
    assert "某市2024年产业工人队伍建设改革工作要点" in html
    assert "原文中有 1 段未识别为任务或板块" in html
    assert "某市产业工人队伍建设改革协调小组办公室2024年3月1日" in html
    assert "指标原文" in html and "“推动规上企业党组织全覆盖，新增产业工人党员500名。”" in html


def test_a_deadline_in_words_is_kept_in_the_task(office, seed):
    text = (CORPUS / "12-deadlines-and-rises.txt").read_text()
    response = office.post(reverse("tasks:plan_import"), {"text": text, "level": "county"})
    assert 'value="长期坚持"' in response.content.decode()
    office.post(reverse("tasks:plan_import"), form_data(response, action="confirm"))
    task = Task.objects.get(plan__title="某区2024年产改重点任务清单", code="2")
    assert task.due_on is None and task.content.endswith("完成时限：持续推进")
