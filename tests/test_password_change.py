"""Every user changes their own password, in the product's pages and language."""

from django.test import Client
from django.urls import reverse

from tests.conftest import make_user


def test_it_changes_the_users_own_password(db):
    user = make_user("zonghe-liaison")
    client = Client()
    client.force_login(user)
    home = client.get(reverse("tasks:plans")).content.decode()
    assert reverse("password_change") in home  # from every page's navigation
    form = client.get(reverse("password_change")).content.decode()
    assert "修改密码" in form and "旧密码" in form
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "Gai-ge-2024", "new_password2": "Gai-ge-2024"},
    )
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Gai-ge-2024")
    assert "密码已修改" in client.get(response.url).content.decode()


def test_a_wrong_current_password_changes_nothing_and_says_why(db):
    user = make_user("chanye-liaison")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Gai-ge-2024", "new_password2": "Gai-ge-2024"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("pw")
