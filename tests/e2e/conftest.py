import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses database work
# inside a running loop unless told it is safe. It is: the loop is Playwright's, not ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "chanGai-2023"


@pytest.fixture
def sign_in(live_server):
    """Signs a demo user in on a page: sign_in(page, "office")."""

    def sign_in(page, username):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        return page

    return sign_in
