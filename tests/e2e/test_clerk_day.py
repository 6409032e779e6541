"""A clerk's day in the browser: a colleague's typos at the shared PC lock only the colleague;
the clerk logs in, double-clicks 提交审核 (one report is filed), changes the password and
logs in with it."""

import re

from playwright.sync_api import expect

from tasks.models import ProgressReport
from tests.conftest import lvjian_task

PASSWORD = "chanGai-2023"


def log_in(page, url, username, password):
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_clerks_day(demo_users, page, live_server, artifacts):
    for _ in range(5):  # 中欧办's liaison mistypes at the shared PC
        log_in(page, live_server.url, "zhongou", "wrong-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("账号在本机暂时锁定")
    expect(
        page.get_by_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 后自动恢复"))
    ).to_be_visible()
    page.screenshot(path=artifacts / "day-1-colleague-locked.png", full_page=True)

    log_in(page, live_server.url, "chanye", PASSWORD)  # the same PC, another account
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务 · 产业处")
    page.locator("tr", has_text="完善创新激励机制").get_by_role("link", name="填报").click()
    page.get_by_label("完成进度（%）").fill("30")
    page.get_by_label("工作进展").fill("已指导3家企业建立薪酬激励机制。")
    page.get_by_role("button", name="提交审核").dblclick()
    expect(page.get_by_role("heading", level=1)).to_contain_text("完善创新激励机制")
    assert ProgressReport.objects.filter(task=lvjian_task("6")).count() == 1

    page.get_by_role("link", name="修改密码").click()
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Lianluo-2026!")
    page.fill("#id_new_password2", "Lianluo-2026!")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text(re.compile("密码已修改"))).to_be_visible()
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server.url, "chanye", "Lianluo-2026!")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务 · 产业处")
