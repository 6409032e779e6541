"""Login locks no one can turn against a colleague, and the office's accounts page: locks
lifted, e-mail addresses filled in, passwords reset or a reset link sent."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user, queries_for

PASSWORD = "chanGai-2023"
TRAVEL = "2026-03-02 09:00:00+08:00"


def login(username, password, address="10.0.0.1", agent="Chrome"):
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response


def lock(username="chanye", address="10.0.0.1"):
    for n in range(5):
        response = login(username, "wrong", address, agent=f"Browser {n}")  # agents vary
    assert response.status_code == 429
    return response


@pytest.fixture
def office(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    return client


def test_five_failures_lock_the_account_at_that_address_only(demo_users, time_machine):
    time_machine.move_to(TRAVEL, tick=False)
    html = lock().content.decode()
    assert "账号在本机暂时锁定" in html and "2026-03-02 09:15" in html
    assert "督办员" in html
    assert login("chanye", PASSWORD).status_code == 429  # the right password waits too
    assert login("chanye", PASSWORD, address="10.0.0.2").status_code == 302  # elsewhere
    assert login("zhongou", PASSWORD).status_code == 302  # a colleague at the same PC


def test_the_lock_opens_after_its_cool_off_and_doubles_on_repeat(demo_users, time_machine):
    time_machine.move_to(TRAVEL, tick=False)
    lock()
    time_machine.move_to("2026-03-02 09:16:00+08:00", tick=False)
    assert login("chanye", PASSWORD, agent="x").status_code == 302
    lock()  # again the same day: 30 minutes
    time_machine.move_to("2026-03-02 09:40:00+08:00", tick=False)
    assert login("chanye", PASSWORD).status_code == 429
    time_machine.move_to("2026-03-02 10:20:00+08:00", tick=False)
    assert login("chanye", PASSWORD).status_code == 302


def test_an_address_failing_across_accounts_is_stopped_without_blaming_an_account(demo_users):
    for n in range(20):
        login(f"guess{n % 4}", "wrong", address="10.0.0.9")
    html = login("zonghe", PASSWORD, address="10.0.0.9").content.decode()
    assert "本机暂时不能登录" in html and "与您的账号本身无关" in html
    assert login("zonghe", PASSWORD, address="10.0.0.8").status_code == 302


def test_the_office_unlocks_an_account_from_its_page(office):
    lock()
    html = office.get(reverse("units:accounts")).content.decode()
    assert re.search(r"chanye.*已锁定", html, re.S)
    response = office.post(
        reverse("units:account_unlock"), {"username": "chanye", "address": "10.0.0.1"}, follow=True
    )
    assert "已解锁账号 chanye" in response.content.decode()
    assert login("chanye", PASSWORD).status_code == 302


def test_the_office_lifts_an_address_lock(office):
    for n in range(20):
        login("chanye" if n < 4 else f"guess{n}", "wrong", address="10.0.0.9")
    html = office.get(reverse("units:accounts")).content.decode()
    assert "被限制登录的地址" in html and "10.0.0.9" in html
    office.post(reverse("units:account_unlock"), {"address": "10.0.0.9"})
    assert login("zonghe", PASSWORD, address="10.0.0.9").status_code == 302


@pytest.mark.parametrize(("username", "status"), [("chanye", 403), ("leader", 403)])
def test_only_office_staff_manage_accounts(demo_users, username, status):
    client = Client()
    client.force_login(demo_users[username])
    assert client.get(reverse("units:accounts")).status_code == status
    account = reverse("units:account", args=[demo_users["zhongou"].pk])
    assert client.get(account).status_code == status


def test_an_office_sees_only_its_own_trees_accounts(demo_users):
    shanhu = Client()
    shanhu.force_login(demo_users["shanhu"])
    html = shanhu.get(reverse("units:accounts")).content.decode()
    assert "shanhu" in html and "chanye" not in html
    account = reverse("units:account", args=[demo_users["chanye"].pk])
    assert shanhu.get(account).status_code == 404
    assert shanhu.post(account, {"contact": "1", "email": "x@example.com"}).status_code == 404
    lock()
    shanhu.post(reverse("units:account_unlock"), {"username": "chanye", "address": "10.0.0.1"})
    assert login("chanye", PASSWORD).status_code == 429  # not its account to unlock


def test_the_office_fills_in_an_address_and_refuses_a_bad_one(office, demo_users):
    url = reverse("units:account", args=[demo_users["chanye"].pk])
    html = office.post(url, {"contact": "1", "email": "not-an-address"}).content.decode()
    assert "请输入有效的电子邮箱地址" in html
    demo_users["chanye"].refresh_from_db()
    assert demo_users["chanye"].email == ""
    office.post(url, {"contact": "1", "name": "王联络", "email": "chanye@example.com"})
    demo_users["chanye"].refresh_from_db()
    assert demo_users["chanye"].email == "chanye@example.com"


def test_the_office_sets_a_new_password(office, demo_users):
    url = reverse("units:account", args=[demo_users["chanye"].pk])
    weak = office.post(url, {"password": "1", "new_password1": "123", "new_password2": "123"})
    assert "密码" in weak.content.decode() and login("chanye", PASSWORD).status_code == 302
    new = "Lianluo-2026!"
    office.post(url, {"password": "1", "new_password1": new, "new_password2": new})
    assert login("chanye", new).status_code == 302


def test_a_reset_link_sent_by_the_office_sets_a_password(office, demo_users):
    chanye = demo_users["chanye"]
    url = reverse("units:account_reset_link", args=[chanye.pk])
    refused = office.post(url, follow=True).content.decode()
    assert "没有电子邮箱" in refused and not mail.outbox
    chanye.email = "chanye@example.com"
    chanye.save()
    office.post(url)
    (message,) = mail.outbox
    assert message.to == ["chanye@example.com"] and "重置密码" in message.subject
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    new = "Lianluo-2026!"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.url == reverse("password_reset_complete")
    assert login("chanye", new).status_code == 302
    assert "链接已失效" in client.get(link, follow=True).content.decode()  # used once


def test_a_user_asks_for_a_reset_link_from_the_login_page(demo_users):
    chanye = demo_users["chanye"]
    chanye.email = "chanye@example.com"
    chanye.save()
    client = Client()
    assert "忘记密码" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "chanye@example.com"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    assert len(mail.outbox) == 1
    client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert len(mail.outbox) == 1  # and the page says the same: no address is revealed


def test_the_accounts_page_runs_the_same_queries_for_more_accounts(office, demo_users):
    url = reverse("units:accounts")
    before = queries_for(office, url)
    unit = demo_users["chanye"].memberships.get().unit
    for n in range(15):
        make_user(f"liaison{n}", unit=unit, email=f"l{n}@example.com")
    lock(f"liaison{3}")
    assert queries_for(office, url) == before
