"""A clerk's report survives Back, a double submission, a session that expired and cleared
cookies: it is filed once, and what was typed comes back."""

import re

import pytest
from playwright.sync_api import expect

from tasks.models import ProgressReport
from tests.conftest import lvjian_task

TASK = "完善创新激励机制"


@pytest.fixture
def form(sign_in, demo_users, page):
    """产业处's report form on task 6, filled in."""
    sign_in(page, "chanye")
    page.locator("tr", has_text=TASK).get_by_role("link", name="填报").click()
    page.get_by_label("完成进度（%）").fill("30")
    page.get_by_label("工作进展").fill("已指导3家企业建立薪酬激励机制。")
    return page


def test_back_then_submit_again_files_one_report(form, artifacts):
    period = form.get_by_label("填报周期")
    chosen = period.input_value()
    form.get_by_role("button", name="提交审核").click()
    expect(form.get_by_text("进展报告已提交，等待产改办审核。")).to_be_visible()
    form.go_back()
    expect(form.get_by_text("这份报告已提交", exact=True)).to_be_visible()
    expect(period).to_have_value(chosen)
    form.screenshot(path=artifacts / "once-back.png", full_page=True)
    form.get_by_role("button", name="提交审核").click()
    expect(form.get_by_role("heading", level=1)).to_have_text("这份报告已提交，未重复提交。")
    form.get_by_role("link", name="查看这份报告").click()
    expect(form).to_have_url(re.compile(r"/tasks/\d+/#report-\d+$"))
    assert ProgressReport.objects.filter(task=lvjian_task("6")).count() == 1


def test_an_expired_session_keeps_the_text(form, artifacts):
    form.context.clear_cookies(name="sessionid")
    form.get_by_role("button", name="提交审核").click()
    expect(form.get_by_text(re.compile("登录已过期或尚未登录"))).to_be_visible()
    form.fill("#id_username", "chanye")
    form.fill("#id_password", "chanGai-2023")
    form.get_by_role("button", name="登录", exact=True).click()
    expect(form.get_by_text(re.compile("已恢复您在本浏览器中尚未保存的填写内容"))).to_be_visible()
    expect(form.get_by_label("工作进展")).to_have_value("已指导3家企业建立薪酬激励机制。")
    expect(form.get_by_label("完成进度（%）")).to_have_value("30")
    form.screenshot(path=artifacts / "draft-restored.png", full_page=True)
    form.get_by_role("button", name="提交审核").click()
    expect(form.get_by_text("进展报告已提交，等待产改办审核。")).to_be_visible()
    report = ProgressReport.objects.get(task=lvjian_task("6"))
    assert report.progress == "已指导3家企业建立薪酬激励机制。" and report.percent == 30
    # saved on the server, the copy in the browser is gone: a new form starts empty
    assert form.evaluate("Object.keys(localStorage).length") == 0


def test_a_draft_that_was_never_sent_is_offered_back(form):
    form.get_by_role("link", name="我的任务").click()
    form.locator("tr", has_text=TASK).get_by_role("link", name="填报").click()
    expect(form.get_by_label("工作进展")).to_have_value("已指导3家企业建立薪酬激励机制。")
    form.get_by_role("button", name="不用恢复").click()
    expect(form.get_by_label("工作进展")).to_have_value("")


def test_cleared_cookies_show_the_chinese_csrf_page(form, settings, artifacts):
    settings.DEBUG = False
    form.context.clear_cookies()
    form.get_by_role("button", name="提交审核").click()
    expect(form.get_by_role("heading", level=1)).to_have_text("页面已过期，未提交")
    expect(form.get_by_text(re.compile("没有改动任何数据"))).to_be_visible()
    form.screenshot(path=artifacts / "csrf-failure.png", full_page=True)
    assert not ProgressReport.objects.filter(task=lvjian_task("6")).exists()
