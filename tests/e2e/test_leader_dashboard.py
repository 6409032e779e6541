"""A leader opens the 绿建区 dashboard: charts render with their labels, red leads to the list."""

import re

from playwright.sync_api import expect

from tests.conftest import LVJIAN


def test_leader_reads_the_dashboard(sign_in, demo_users, page, artifacts):
    sign_in(page, "leader")
    expect(page.get_by_role("heading", level=1)).to_have_text("总览")
    page.screenshot(path=artifacts / "leader-overview.png", full_page=True)

    page.get_by_role("link", name=LVJIAN).click()
    units_chart = page.locator("[data-chart=units] svg")
    expect(units_chart).to_be_visible()
    for label in ["综合处", "产业处", "中欧办", "绿弘公司", "红灯"]:
        expect(units_chart.locator("text", has_text=label).first).to_be_visible()
    pie = page.locator("[data-chart=pie] svg")
    expect(pie.locator("text", has_text="未启动").first).to_be_visible()
    page.screenshot(path=artifacts / "leader-dashboard.png", full_page=True)

    red = page.locator("a.kpi-red")
    count = int(red.locator(".kpi-value").inner_text())
    assert count > 0
    red.click()
    expect(page).to_have_url(re.compile(r"/tasks/\?plan=\d+&light=red$"))
    expect(page.locator("table.list-table tbody tr")).to_have_count(count)
    expect(page.locator("table.list-table .light-red")).to_have_count(count)
    page.screenshot(path=artifacts / "leader-red-tasks.png", full_page=True)
