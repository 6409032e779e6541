"""Every page a department user opens, on a 390 px phone: nothing wider than the screen, the
navigation on one row, dates and names unbroken. Screenshots are kept as artefacts."""

import pytest
from playwright.sync_api import expect

from tests.conftest import LVJIAN, lvjian_task

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("username", ["chanye", "office"])
def test_pages_fit_a_phone(sign_in, demo_users, page, live_server, artifacts, username):
    sign_in(page, username)
    page.set_viewport_size(PHONE)
    task = lvjian_task("6")
    pages = {
        "home": "/",
        "task": task.get_absolute_url(),
        "tasks": "/tasks/",
        "plans": "/plans/",
        "plan": task.plan.get_absolute_url(),
        "password": "/password/",
        "scores": f"/plans/{task.plan_id}/scores/",
    }
    if username == "chanye":
        pages["report"] = f"/tasks/{task.pk}/report/"
    else:
        pages |= {
            "review": "/reports/review/",
            "accounts": "/accounts/",
            "meetings": "/meetings/",
            "rules": f"/offices/{task.plan.office_id}/scoring/rules/",
        }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        expect(page.locator("main")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        assert page.locator(".navbar").bounding_box()["height"] < 60, name  # one row
        page.screenshot(path=artifacts / f"phone-{username}-{name}.png", full_page=True)
    page.goto(live_server.url + task.get_absolute_url())
    when = page.locator(".history-table td").first
    assert when.bounding_box()["height"] < 60  # the time on one line, not 2026-12-/06
    assert LVJIAN in page.content()
