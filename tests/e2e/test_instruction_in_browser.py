"""An instruction followed to its answer in the browser: the office records it on the task,
产业处 sees it on its page and answers, the office reads the answer."""

from playwright.sync_api import expect

from tests.conftest import lvjian_task


def test_an_instruction_is_answered(sign_in, demo_users, page, browser, live_server, artifacts):
    task = lvjian_task("7")
    sign_in(page, "office")
    page.goto(live_server.url + task.get_absolute_url())
    page.get_by_role("link", name="记录领导批示").click()
    page.get_by_label("批示领导").fill("区委书记")
    page.get_by_label("批示内容").fill("技能大赛要扩大覆盖面，年底前总结。")
    page.get_by_label("批示日期").fill("2023-09-01")
    page.get_by_label("办理时限").fill("2023-12-31")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#instructions")).to_contain_text("技能大赛要扩大覆盖面")

    chanye = sign_in(browser.new_context().new_page(), "chanye")
    card = chanye.locator("#instructions")
    expect(card).to_contain_text("区委书记批示")
    card.get_by_label("办理情况").fill("已组织12家企业参赛，年底前形成总结。")
    chanye.set_viewport_size({"width": 390, "height": 844})
    chanye.screenshot(path=artifacts / "instruction-unit-phone.png", full_page=True)
    card.get_by_role("button", name="回复办理情况").click()
    expect(chanye.get_by_text("已回复领导批示的办理情况。")).to_be_visible()
    expect(chanye.locator("#instructions")).to_have_count(0)

    page.reload()
    expect(page.locator("#instructions")).to_contain_text("已组织12家企业参赛")
    expect(page.locator("#instructions .light-done")).to_have_text("已办理")
    page.screenshot(path=artifacts / "instruction-answered.png", full_page=True)
