"""The office reminds a unit from the plan dashboard: its button posts the page's one form."""

from playwright.sync_api import expect

from tasks.models import Reminder
from tests.conftest import LVJIAN


def test_office_reminds_a_unit_from_the_dashboard(sign_in, demo_users, page, artifacts):
    sign_in(page, "office")
    page.get_by_role("link", name=LVJIAN).click()
    row = page.locator("section.card", has_text="各责任单位").locator("tr", has_text="产业处")
    row.get_by_role("button", name="催办").click()
    expect(page.locator(".messages")).to_contain_text("催办")
    page.screenshot(path=artifacts / "office-reminded.png", full_page=True)
    assert Reminder.objects.filter(unit__name="产业处").exists()
