"""The error pages on a phone: in Chinese, with the navigation, nothing wider than the screen."""

from playwright.sync_api import expect

from tests.conftest import lvjian_task

PHONE = {"width": 390, "height": 844}


def test_error_pages_fit_a_phone(sign_in, demo_users, page, live_server, artifacts, settings):
    settings.DEBUG = False  # the demo logins wanted it on; error pages show with it off
    sign_in(page, "shanhu")  # another province's office: 绿建区's plan is not there for it
    page.set_viewport_size(PHONE)
    for url, heading, shot in [
        (f"/tasks/{lvjian_task('5').pk}/", "页面不存在", "404-phone.png"),
        ("/no-such-page/", "页面不存在", "404-path-phone.png"),
    ]:
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("link", name="返回首页")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=artifacts / shot, full_page=True)
