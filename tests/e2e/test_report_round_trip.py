"""产业处 reports on task 6; the office returns it, 产业处 fixes it, the office accepts it."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def open_as(browser, sign_in):
    """A page in a browser context of its own, signed in as `username`."""
    contexts = []

    def open_as(username):
        context = browser.new_context()
        contexts.append(context)
        return sign_in(context.new_page(), username)

    yield open_as
    for context in contexts:
        context.close()


def test_report_return_fix_accept(open_as, demo_users, artifacts):
    chanye = open_as("chanye")
    expect(chanye.get_by_role("heading", level=1)).to_have_text("我的任务 · 产业处")
    chanye.screenshot(path=artifacts / "flow-1-chanye-items.png", full_page=True)

    row = chanye.locator("tr", has_text="完善创新激励机制")
    row.get_by_role("link", name="填报").click()
    chanye.get_by_label("完成进度（%）").fill("30")
    chanye.get_by_label("工作进展").fill("已指导3家企业建立以能力为导向的薪酬激励机制。")
    chanye.locator("[name=figures-0-name]").fill("征集合理化建议")
    chanye.locator("[name=figures-0-value]").fill("36")
    chanye.locator("[name=figures-0-unit]").fill("条")
    chanye.screenshot(path=artifacts / "flow-2-chanye-form.png", full_page=True)
    chanye.get_by_role("button", name="提交审核").click()
    expect(chanye.get_by_text("进展报告已提交，等待产改办审核。")).to_be_visible()

    office = open_as("office")
    office.get_by_role("link", name=re.compile("审核")).click()
    card = office.locator(".review-card", has_text="完善创新激励机制")
    expect(card).to_contain_text("征集合理化建议")
    card.get_by_placeholder(re.compile("退回意见")).fill("请补充合理化建议的采纳情况。")
    office.screenshot(path=artifacts / "flow-3-office-queue.png", full_page=True)
    card.get_by_role("button", name="退回").click()
    expect(office.get_by_text(re.compile("已退回"))).to_be_visible()

    chanye.get_by_role("link", name="我的任务").click()
    attention = chanye.locator(".card-attention")
    expect(attention).to_contain_text("请补充合理化建议的采纳情况。")
    chanye.screenshot(path=artifacts / "flow-4-chanye-returned.png", full_page=True)
    attention.get_by_role("link", name=re.compile("完善创新激励机制")).click()
    chanye.get_by_label("工作进展").fill("已指导3家企业建立薪酬激励机制，采纳合理化建议12条。")
    chanye.get_by_role("button", name="提交审核").click()
    expect(chanye.get_by_text("进展报告已提交，等待产改办审核。")).to_be_visible()

    office.get_by_role("link", name=re.compile("审核")).click()
    card = office.locator(".review-card", has_text="完善创新激励机制")
    expect(card).to_contain_text("采纳合理化建议12条")
    card.get_by_role("button", name="审核通过").click()
    expect(office.get_by_text(re.compile("已审核通过"))).to_be_visible()

    chanye.reload()
    expect(chanye.locator(".page-header .status")).to_have_text("推进中")
    expect(chanye.locator(".page-header")).to_contain_text("30%")
    history = chanye.locator(".history-table")
    expect(history).to_contain_text("产改办督办员")
    expect(history).to_contain_text("状态、完成进度")
    chanye.screenshot(path=artifacts / "flow-5-task-accepted.png", full_page=True)
