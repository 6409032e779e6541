"""The office holds two 督查会 in the browser: records the first, a department's report is
accepted, records the second, and reads what changed; the leader reads it too."""

from playwright.sync_api import expect

from tasks.models import Task
from tests.conftest import LVJIAN


def hold(page, title, day):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="督查会").click()
    page.get_by_label("会议名称").fill(title)
    page.get_by_label("会议日期").fill(day)
    page.get_by_label(LVJIAN).check()
    page.get_by_role("button", name="记录并保存快照").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_two_meetings_and_what_changed(sign_in, demo_users, page, browser, artifacts):
    sign_in(page, "office")
    hold(page, "2023年第三季度督查推进会", "2023-09-30")
    expect(page.get_by_text("这是该方案的第一次督查会")).to_be_visible()
    Task.objects.filter(plan__title=LVJIAN, code="6").update(status="done", percent=100)
    hold(page, "2023年第四季度督查推进会", "2023-12-28")
    expect(page.get_by_text("与2023年第三季度督查推进会（2023-09-30）相比")).to_be_visible()
    row = page.locator(".changes-table tr", has_text="完善创新激励机制")
    expect(row).to_contain_text("状态：未启动→已完成")
    page.screenshot(path=artifacts / "meeting-changes.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载会议台账").click()
    assert download.value.suggested_filename.endswith("台账.xlsx")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载通报（Word）").click()
    assert download.value.suggested_filename == "2023年第四季度督查推进会-通报.docx"

    leader = sign_in(browser.new_context().new_page(), "leader")
    leader.get_by_role("navigation", name="主导航").get_by_role("link", name="督查会").click()
    leader.get_by_role("link", name="2023年第四季度督查推进会").click()
    expect(leader.locator(".changes-table")).to_contain_text("状态：未启动→已完成")
    expect(leader.get_by_text("记录督查会")).to_have_count(0)  # leaders read, the office records
