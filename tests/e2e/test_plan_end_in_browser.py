"""The office carries the ended 2023 plan into 2024 and archives it, in the browser."""

from playwright.sync_api import expect

from tasks.models import Plan, Task
from tests.conftest import LVJIAN

PLAN_2024 = LVJIAN.replace("2023", "2024")


def test_office_carries_over_and_archives_a_plan(sign_in, demo_users, page, artifacts):
    sign_in(page, "office")
    page.goto(page.url.split("/login")[0] + "/plans/")
    page.get_by_role("link", name=LVJIAN).click()
    expect(page.locator(".plan-state")).to_have_text("已到期")
    page.get_by_role("link", name="结转未完成任务").click()
    page.get_by_label("或新建方案的年度").fill("2024")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("h2", has_text="将新建方案")).to_contain_text(PLAN_2024)
    page.screenshot(path=artifacts / "carry-over-preview.png", full_page=True)
    page.get_by_role("button", name="确认结转").click()
    expect(page.locator(".messages")).to_contain_text("已结转 19 项未完成任务")
    expect(page.locator("h1")).to_contain_text(PLAN_2024)

    new = Task.objects.get(plan__title=PLAN_2024, title="完善创新激励机制")
    page.goto(page.url.split("/plans/")[0] + new.get_absolute_url())
    expect(page.locator("dl.meta")).to_contain_text("承接自")
    page.get_by_role("link", name=f"{LVJIAN} 第6项").first.click()
    expect(page.locator("dl.meta")).to_contain_text("已结转至")
    page.screenshot(path=artifacts / "carried-task.png", full_page=True)

    page.get_by_role("link", name=LVJIAN).first.click()
    page.locator("summary", has_text="归档本方案").click()
    page.get_by_label("归档说明").fill("2023年工作已总结，未完成事项结转2024年。")
    page.get_by_role("button", name="确认归档").click()
    expect(page.locator(".messages")).to_contain_text("方案已归档")
    expect(page.locator(".plan-state")).to_have_text("已归档")
    page.screenshot(path=artifacts / "archived-plan.png", full_page=True)
    assert Plan.objects.get(title=LVJIAN).is_archived
    page.goto(page.url.split("/plans/")[0] + "/")
    expect(page.locator("main")).not_to_contain_text(LVJIAN)
    expect(page.locator("main")).to_contain_text(PLAN_2024)
