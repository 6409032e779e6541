"""Error pages in the product's look and language, with a way on; the admin titled for it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from tests.conftest import lvjian_task

ENGLISH = ["Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF verification"]


@pytest.fixture
def leader_client(demo_users, settings):
    settings.DEBUG = False  # the demo logins wanted it on; error pages show with it off
    client = Client()
    client.force_login(demo_users["leader"])
    return client


def assert_chinese_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html and "返回首页" in html
    assert 'name="viewport"' in html  # fit for a phone
    assert not [word for word in ENGLISH if word in html]


def test_a_missing_page_says_so_in_chinese_with_the_navigation(leader_client):
    response = leader_client.get("/plans/999999/")
    assert_chinese_page(response, 404, "页面不存在")
    assert reverse("tasks:plans") in response.content.decode()


def test_a_forbidden_action_says_who_may_do_it(leader_client, lvjian):
    response = leader_client.post(reverse("tasks:close", args=[lvjian_task("1").pk]))
    assert_chinese_page(response, 403, "无权进行此操作")
    assert "督办员" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_a_page_that_says_how_to_go_on(demo_users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["office"])
    response = client.post(reverse("tasks:close", args=[lvjian_task("1").pk]))
    assert_chinese_page(response, 403, "页面已过期，未提交")
    assert "返回" in response.content.decode()


def test_bad_requests_and_server_errors_have_their_own_pages(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert_chinese_page(bad_request(request, Exception()), 400, "请求无效")
    assert_chinese_page(server_error(request), 500, "系统出错")


def test_the_admin_is_titled_for_the_product(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    html = client.get(reverse("admin:index")).content.decode()
    assert "产改督办管理" in html and "Django 管理" not in html
