"""Small things a new user tripped over on the task list and the report form."""

import re

from django.test import Client
from django.urls import reverse

from tests.conftest import LVJIAN, lvjian_task


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_section_filter_lists_sections_before_a_plan_is_chosen(demo_users):
    html = page(demo_users["office"], reverse("tasks:list"))
    sections = options(html, "section")
    assert "2023年绿建区新时代产业… · 一、加强思想引领，把稳产业工人奋进方向" in sections
    plan = lvjian_task("1").plan
    chosen = options(
        page(demo_users["office"], f"{reverse('tasks:list')}?plan={plan.pk}"), "section"
    )
    assert chosen[1:] == [str(s) for s in plan.sections.order_by("seq")]


def test_a_sorted_column_reverses_on_the_next_click(demo_users):
    url = reverse("tasks:list")
    first = page(demo_users["office"], url)
    assert 'href="?o=due">完成时限</a>' in first
    sorted_once = page(demo_users["office"], f"{url}?o=due")
    assert 'href="?o=-due" aria-current="true">完成时限 ▲</a>' in sorted_once
    reversed_ = page(demo_users["office"], f"{url}?o=-due")
    assert 'href="?o=due" aria-current="true">完成时限 ▼</a>' in reversed_


def test_the_sort_menu_and_date_filters_speak_chinese(demo_users):
    html = page(demo_users["office"], reverse("tasks:list"))
    assert options(html, "o") == [
        "按方案和序号",
        "年度",
        "年度（倒序）",
        "序号",
        "序号（倒序）",
        "完成时限",
        "完成时限（倒序）",
        "状态",
        "状态（倒序）",
        "完成进度",
        "完成进度（倒序）",
        "最近填报",
        "最近填报（倒序）",
    ]
    due = re.findall(r'<input[^>]*name="due_\w+"[^>]*>', html)
    assert len(due) == 2 and all('placeholder="如 2023-06-30"' in i for i in due)
    assert all('type="date"' not in i for i in due)


def test_the_report_form_names_its_evidence_once(demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    html = client.get(reverse("tasks:report", args=[lvjian_task("6").pk]), follow=True)
    html = html.content.decode()
    assert html.count("佐证材料") == 1 and "选择文件" in html and LVJIAN in html
