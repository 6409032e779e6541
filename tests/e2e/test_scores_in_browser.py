"""考核 in the browser: the office sets its rules, reads the ranking and follows a point to the
report behind it, gives a bonus and publishes; a department sees why it got its score, and
then everyone's."""

import io
import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import LVJIAN


def test_the_office_scores_and_a_department_sees_why(
    sign_in, demo_users, page, browser, live_server, artifacts
):
    call_command("demo_scenario", stdout=io.StringIO())
    sign_in(page, "office")
    page.get_by_role("link", name=LVJIAN).first.click()
    page.get_by_role("link", name="考核评分").click()
    page.get_by_role("link", name="评分规则").click()
    page.get_by_label("起用日期").fill("2023-01-01")
    page.locator("#id_returned_points").fill("3")
    page.get_by_label("修订说明").fill("退回加重扣分")
    page.get_by_role("button", name="保存为新版本").click()
    expect(page.get_by_text("已保存评分规则")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("第2版")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="2023年度考核得分排名")).to_be_visible()
    page.get_by_role("link", name="每一分的来由").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("年度考核评分")
    expect(page.get_by_text("第2版（2023-01-01起）（退回加重扣分）")).to_be_visible()

    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name=LVJIAN).first.click()
    page.get_by_role("link", name="考核评分").click()
    card = page.locator("section.score-unit", has_text="产业处").first
    card.locator("summary", has_text="按时报送").click()
    card.get_by_role("link", name="逾期报送").first.click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+/#report-\d+$"))  # the report behind it
    page.go_back()

    page.get_by_label("单位").select_option(label="绿弘公司")
    page.get_by_label("分值").fill("2")
    page.get_by_label("事由").fill("经验被省级推广")
    page.get_by_role("button", name="录入加减分").click()
    expect(page.get_by_text("已录入加减分")).to_be_visible()
    page.screenshot(path=artifacts / "scores-office.png", full_page=True)

    chanye = sign_in(browser.new_context().new_page(), "chanye")
    chanye.goto(page.url)
    expect(chanye.get_by_text("排名尚未发布")).to_be_visible()
    expect(chanye.locator("section.score-unit")).to_have_count(1)
    expect(chanye.locator("section.score-unit")).to_contain_text("产业处")
    expect(chanye.get_by_text("经验被省级推广")).to_have_count(0)

    page.get_by_role("button", name="发布截至").click()
    expect(page.get_by_text("已发布排名")).to_be_visible()
    chanye.reload()
    expect(chanye.locator("section.score-unit")).to_have_count(4)
    expect(chanye.locator("li", has_text="经验被省级推广")).to_have_count(1)
    chanye.screenshot(path=artifacts / "scores-department.png", full_page=True)
