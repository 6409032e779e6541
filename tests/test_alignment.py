"""对照上级方案: suggestions by similarity, confirmed by the office, and uncovered measures."""

import pytest
from django.test import Client
from django.urls import reverse

from tasks.documents.alignment import align
from tasks.models import Plan, Task
from tests.conftest import lvjian_task, queries_for

PROVINCIAL = "关于发挥企业主体作用 推进产业工人队伍建设改革的实施意见"


@pytest.fixture
def linked(lvjian):
    lvjian.parent = Plan.objects.get(title=PROVINCIAL)
    lvjian.save()
    return lvjian


def best(rows, code):
    row = next(r for r in rows if r.task.code == code)
    return row.suggestions[0][0].title


def test_it_suggests_the_measure_each_task_most_likely_implements(linked):
    rows, uncovered = align(linked)
    assert best(rows, "7") == "开展劳动和技能竞赛"
    assert best(rows, "5") == "强化职业技能培训"
    assert best(rows, "8") == "维护产业工人民主权利"
    assert best(rows, "9") == "保障产业工人安康权益"
    assert best(rows, "15") == "加强组织领导"
    assert len(uncovered) == 15  # nothing confirmed yet


def test_a_plan_without_a_parent_has_nothing_to_align(lvjian):
    lvjian.parent = None
    rows, uncovered = align(lvjian)
    assert all(not r.suggestions for r in rows) and uncovered == []


def test_the_office_confirms_and_uncovered_measures_shrink(linked, demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    task7 = lvjian_task("7")
    measure = Task.objects.get(plan=linked.parent, code="4")
    url = reverse("tasks:alignment", args=[linked.pk])
    client.post(url, {"task": task7.pk, "parent_task": measure.pk})
    task7.refresh_from_db()
    assert task7.parent_task == measure
    html = client.get(url).content.decode()
    uncovered = html[html.index("尚无本级任务落实的措施") :]
    assert "开展劳动和技能竞赛" not in uncovered and "强化职业技能培训" in uncovered
    # a measure of another plan is refused
    other = Task.objects.exclude(plan__in=[linked, linked.parent]).first()
    response = client.post(url, {"task": task7.pk, "parent_task": other.pk}, follow=True)
    assert "所选措施不属于上级方案" in response.content.decode()
    task7.refresh_from_db()
    assert task7.parent_task == measure
    client.post(url, {"task": task7.pk})
    task7.refresh_from_db()
    assert task7.parent_task is None


def test_the_office_sets_the_parent_plan(lvjian, demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    parent = Plan.objects.get(title=PROVINCIAL)
    client.post(reverse("tasks:alignment", args=[lvjian.pk]), {"parent": parent.pk})
    lvjian.refresh_from_db()
    assert lvjian.parent == parent


@pytest.mark.parametrize(
    ("username", "get", "post"),
    [(None, 302, 302), ("chanye", 403, 403), ("leader", 200, 403), ("office", 200, 302)],
)
def test_who_may_align(linked, demo_users, username, get, post):
    client = Client()
    if username:
        client.force_login(demo_users[username])
    url = reverse("tasks:alignment", args=[linked.pk])
    task = lvjian_task("7")
    measure = Task.objects.get(plan=linked.parent, code="4")
    assert client.get(url).status_code == get
    assert client.post(url, {"task": task.pk, "parent_task": measure.pk}).status_code == post
    task.refresh_from_db()
    assert (task.parent_task == measure) == (username == "office")


def test_a_task_page_links_the_measure_it_carries_out(linked, demo_users):
    """The higher plan's measure shows on the task page, read on its own: a task without one
    runs no query for it."""
    client = Client()
    client.force_login(demo_users["office"])
    task7 = lvjian_task("7")
    without = queries_for(client, task7.get_absolute_url())
    assert "落实上级任务" not in client.get(task7.get_absolute_url()).content.decode()
    measure = Task.objects.get(plan=linked.parent, code="4")
    task7.parent_task = measure
    task7.save()
    html = client.get(task7.get_absolute_url()).content.decode()
    assert "落实上级任务" in html and f'href="{measure.get_absolute_url()}"' in html
    assert f"{PROVINCIAL} · {measure}" in html
    assert queries_for(client, task7.get_absolute_url()) == without + 1
