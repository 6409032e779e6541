"""The office pastes a plan, corrects one department, confirms, and sees the new plan."""

from pathlib import Path

from playwright.sync_api import expect

TEXT = (
    Path(__file__).resolve().parent.parent / "plan_corpus" / "01-city-lead-and-responsible.txt"
).read_text()


def test_office_imports_a_pasted_plan(sign_in, demo_users, page, artifacts):
    sign_in(page, "office")
    page.get_by_role("navigation").get_by_role("link", name="导入方案").click()

    page.get_by_label("粘贴方案全文").fill(TEXT)
    page.get_by_label("层级").select_option("city")
    page.get_by_role("button", name="解析并预览").click()
    expect(page.get_by_text("识别出 4 项任务")).to_be_visible()
    expect(page.locator(".new-units")).to_contain_text("市总工会宣教部")
    page.screenshot(path=artifacts / "plan-import-preview.png", full_page=True)

    lead = page.locator("input[name='task-0-lead']")
    expect(lead).to_have_value("市总工会宣教部")
    lead.fill("综合处")  # an existing department, not a new one
    page.get_by_role("button", name="重新检查").click()
    expect(page.locator(".new-units")).not_to_contain_text("市总工会宣教部")
    page.get_by_role("button", name="确认创建").click()

    expect(
        page.get_by_text("已创建方案“2024年常州市产业工人队伍建设改革重点任务”，共4项任务。")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "2024年常州市产业工人队伍建设改革重点任务"
    )
    rows = page.locator("table.task-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0).locator(".unit-lead")).to_have_text("综合处")
    expect(rows.nth(2)).to_contain_text("实施技能提升行动")
    page.screenshot(path=artifacts / "plan-import-created.png", full_page=True)
