"""Every workflow view for each persona: anonymous, outsider unit, responsible unit (lead and
support), office staff and leader. Refused POSTs change nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import ProgressReport, Task
from tasks.standing.periods import period_containing
from tests.conftest import lvjian_task, report_data

OK, FOUND, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


@pytest.fixture
def task6(demo_users):
    """Task 6 (完善创新激励机制): 产业处 leads, nobody supports."""
    return lvjian_task("6")


@pytest.fixture
def task7(demo_users):
    """Task 7 (开展创新技能大赛): 产业处 leads, 中欧办 supports."""
    return lvjian_task("7")


def make_report(task, unit, state, **fields):
    period = period_containing(task.plan, timezone.localdate())
    return ProgressReport.objects.create(
        task=task,
        unit=unit,
        state=state,
        progress="进展",
        percent=10,
        period=period.start,
        **fields,
    )


def get(client, users, username, url):
    if username:
        client.force_login(users[username])
    return client.get(url)


def post(client, users, username, url, data=None):
    if username:
        client.force_login(users[username])
    return client.post(url, data or {})


@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, FOUND), ("lvhong", NOT_FOUND), ("chanye", OK), ("office", OK), ("leader", OK)],
)
def test_unit_page(client, demo_users, task6, username, expected):
    unit = task6.lead_units[0]
    assert get(client, demo_users, username, unit.get_absolute_url()).status_code == expected


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, FOUND),
        ("lvhong", OK),
        ("chanye", OK),
        ("zhongou", OK),
        ("office", OK),
        ("leader", OK),
    ],
)
def test_task_page(client, demo_users, task7, username, expected):
    assert get(client, demo_users, username, task7.get_absolute_url()).status_code == expected


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, FOUND),
        ("lvhong", FORBIDDEN),
        ("chanye", OK),
        ("zhongou", OK),
        ("office", FORBIDDEN),
        ("leader", FORBIDDEN),
    ],
)
def test_report_form(client, demo_users, task7, username, expected):
    url = reverse("tasks:report", args=[task7.pk])
    response = get(client, demo_users, username, url)
    if expected == 200:  # first to the form's own address, with its one-time token
        response = client.get(response.url)
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, FOUND), ("lvhong", FORBIDDEN), ("office", FORBIDDEN), ("leader", FORBIDDEN)],
)
def test_refused_report_posts_create_nothing(client, demo_users, task7, username, expected):
    url = reverse("tasks:report", args=[task7.pk])
    assert post(client, demo_users, username, url, report_data()).status_code == expected
    assert not ProgressReport.objects.filter(task=task7).exists()


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, FOUND),
        ("zhongou", NOT_FOUND),
        ("lvhong", NOT_FOUND),
        ("chanye", OK),
        ("office", FORBIDDEN),
        ("leader", FORBIDDEN),
    ],
)
def test_editing_a_draft(client, demo_users, task7, username, expected):
    draft = make_report(task7, task7.lead_units[0], "draft")
    url = reverse("tasks:report_edit", args=[draft.pk])
    assert get(client, demo_users, username, url).status_code == expected
    response = post(client, demo_users, username, url, report_data(progress="改写", version="1"))
    draft.refresh_from_db()
    assert (draft.progress == "改写") == (username == "chanye")
    assert response.status_code == (FOUND if username == "chanye" else expected)


@pytest.mark.parametrize("username", ["chanye", "zhongou", "office"])
def test_a_submitted_report_cannot_be_edited(client, demo_users, task7, username):
    sent = make_report(task7, task7.lead_units[0], "submitted")
    url = reverse("tasks:report_edit", args=[sent.pk])
    assert get(client, demo_users, username, url).status_code == FORBIDDEN
    post(client, demo_users, username, url, report_data(progress="改写", version="1"))
    sent.refresh_from_db()
    assert sent.progress == "进展"


@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, FOUND), ("chanye", FORBIDDEN), ("leader", FORBIDDEN), ("office", OK)],
)
def test_review_queue(client, demo_users, username, expected):
    url = reverse("tasks:review")
    assert get(client, demo_users, username, url).status_code == expected


@pytest.mark.parametrize("decision", ["accept", "return"])
@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, FOUND), ("chanye", FORBIDDEN), ("zhongou", FORBIDDEN), ("leader", FORBIDDEN)],
)
def test_only_office_reviews(client, demo_users, task7, decision, username, expected):
    sent = make_report(task7, task7.lead_units[0], "submitted")
    url = reverse(f"tasks:{decision}", args=[sent.pk])
    data = {"version": "1", "comment": "请补充数据"}
    assert post(client, demo_users, username, url, data).status_code == expected
    sent.refresh_from_db()
    assert (sent.state, sent.version) == ("submitted", 1)


def test_office_cannot_review_a_draft(client, demo_users, task7):
    draft = make_report(task7, task7.lead_units[0], "draft")
    post(client, demo_users, "office", reverse("tasks:accept", args=[draft.pk]), {"version": "1"})
    draft.refresh_from_db()
    assert draft.state == "draft"


@pytest.mark.parametrize("decision", ["close", "reopen"])
@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, FOUND), ("chanye", FORBIDDEN), ("lvhong", FORBIDDEN), ("leader", FORBIDDEN)],
)
def test_only_office_closes(client, demo_users, task6, decision, username, expected):
    make_report(task6, task6.lead_units[0], "accepted", status="done")
    url = reverse(f"tasks:{decision}", args=[task6.pk])
    assert post(client, demo_users, username, url, {"version": "1"}).status_code == expected
    task6.refresh_from_db()
    assert (task6.closed_at, task6.version) == (None, 1)


@pytest.mark.parametrize("username", ["chanye", "office", "leader"])
def test_get_is_not_allowed_on_actions(client, demo_users, task6, username):
    url = reverse("tasks:reopen", args=[task6.pk])
    assert get(client, demo_users, username, url).status_code in (FORBIDDEN, 405)


def test_closing_is_asked_for_before_it_is_done(client, demo_users, task6):
    client.force_login(demo_users["office"])
    url = reverse("tasks:close", args=[task6.pk])
    assert "还不能办结" in client.get(url).content.decode()  # no accepted final report
    make_report(task6, task6.lead_units[0], "accepted", status="done")
    html = client.get(url).content.decode()
    assert "确认办结" in html and "不再接受进展报告" in html
    task6.refresh_from_db()
    assert task6.closed_at is None  # asking changes nothing
    assert f'href="{url}"' in client.get(task6.get_absolute_url()).content.decode()
    client.post(url, {"version": task6.version})
    task6.refresh_from_db()
    assert task6.closed_at is not None


def test_unknown_ids_answer_404(client, demo_users):
    client.force_login(demo_users["office"])
    for name in ["report_edit", "accept", "return"]:
        assert client.post(reverse(f"tasks:{name}", args=[999999])).status_code == NOT_FOUND
    assert client.get(reverse("tasks:unit", args=[999999])).status_code == NOT_FOUND
    assert client.get(reverse("tasks:attachment", args=[999999])).status_code == NOT_FOUND
    assert Task.objects.filter(closed_at__isnull=False).count() == 0
