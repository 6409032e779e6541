"""A department user signs in with Chromium and reads the 19-item plan."""

import re

from playwright.sync_api import expect

from tests.conftest import LVJIAN


def test_zonghe_sees_the_19_item_plan_with_departments(
    live_server, sign_in, demo_users, page, artifacts
):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="登录产改督办")).to_be_visible()
    sign_in(page, "zonghe")

    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务 · 综合处")
    page.get_by_role("navigation").get_by_role("link", name="工作方案").click()
    page.get_by_role("link", name=re.compile(LVJIAN)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LVJIAN)
    rows = page.locator("table.task-table tbody tr")
    expect(rows).to_have_count(19)
    row5 = rows.nth(4)
    expect(row5).to_contain_text("优化技能培训平台")
    expect(row5.locator(".unit-lead")).to_have_text("综合处")
    expect(row5.locator(".unit-chip:not(.unit-lead)")).to_have_text(["中欧办", "绿弘公司"])
    page.screenshot(path=artifacts / "plan-zonghe.png", full_page=True)

    row5.get_by_role("link").click()
    expect(page.get_by_role("cell", name="年度开展培训")).to_be_visible()
    page.screenshot(path=artifacts / "task-5-zonghe.png", full_page=True)
