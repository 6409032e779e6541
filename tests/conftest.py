import io
import os
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from tasks.documents.seed import load_seed
from tasks.models import Plan, Responsibility, Section, Task
from units.models import Membership, Unit
from units.roles import LEADER, OFFICE, ensure_groups

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

LVJIAN = "2023年绿建区新时代产业工人队伍建设改革工作要点及责任分工方案"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Load the seed once; each test runs in a transaction rolled back after it.
    with django_db_blocker.unblock():
        load_seed()


@pytest.fixture
def seed(db):
    """The units, plans and reports built from the source documents.

    Already there for ordinary tests; browser tests run on a database that the previous one
    flushed, so they load it again.
    """
    if not Plan.objects.exists():
        load_seed()


@pytest.fixture
def lvjian(seed):
    return Plan.objects.get(title=LVJIAN)


@pytest.fixture
def demo_users(seed, settings):
    settings.DEBUG = True
    call_command("demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {u.username: u for u in get_user_model().objects.all()}


def make_unit(**overrides):
    fields = {"name": f"测试单位{Unit.objects.count() + 1}", "kind": Unit.Kind.DEPARTMENT}
    return Unit.objects.create(**(fields | overrides))


def home_office():
    """The office of the tests' plans and staff unless they say otherwise: 绿建区's."""
    return Unit.objects.get(name="绿建区")


def make_plan(**overrides):
    fields = {"title": f"测试方案{Plan.objects.count() + 1}", "year": 2024, "level": "park"}
    if "office" not in overrides:
        fields["office"] = home_office()
    return Plan.objects.create(**(fields | overrides))


def make_task(plan=None, lead=(), support=(), **overrides):
    plan = plan or make_plan()
    seq = plan.tasks.count() + 1
    fields = {"plan": plan, "seq": seq, "code": str(seq), "title": f"任务{seq}"}
    task = Task.objects.create(**(fields | overrides))
    for order, unit in enumerate(lead):
        Responsibility.objects.create(task=task, unit=unit, role="lead", seq=order)
    for order, unit in enumerate(support):
        Responsibility.objects.create(task=task, unit=unit, role="support", seq=order)
    return task


def make_section(plan, **overrides):
    seq = plan.sections.count() + 1
    return Section.objects.create(**({"plan": plan, "seq": seq, "title": f"板块{seq}"} | overrides))


def make_user(username, *, group=None, unit=None, **overrides):
    """A user; office staff and leaders belong to `home_office()` unless given a unit."""
    user = get_user_model().objects.create_user(username=username, password="pw", **overrides)
    if group:
        ensure_groups()
        user.groups.add(Group.objects.get(name=group))
        unit = unit or home_office()
    if unit:
        Membership.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def office(db):
    return make_user("office-user", group=OFFICE, is_staff=True)


@pytest.fixture
def leader(db):
    return make_user("leader-user", group=LEADER)


# Real-browser tests: Debian's chromium, never a downloaded browser.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--disable-gpu"]}


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def queries_for(client, url):
    """How many queries a GET of `url` runs (asserting it succeeds), in the steady state: the
    day's standing refreshed, as the daily job leaves it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("refresh_standing", stdout=io.StringIO(), stderr=io.StringIO())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def lvjian_task(code):
    return Task.objects.with_units().get(plan__title=LVJIAN, code=code)


def report_data(**overrides):
    """A valid POST for the report form of a task without indicators."""
    from django.utils import timezone

    from tasks.standing.periods import plan_periods

    # The 绿建区 plan runs through 2023: its latest period up to today.
    lvjian = Plan(year=2023, starts_on=date(2023, 1, 1), ends_on=date(2023, 12, 31))
    data = {
        "period": plan_periods(lvjian, timezone.localdate())[0].start.isoformat(),
        "status": "in_progress",
        "percent": "40",
        "progress": "已召开部署会，制定激励办法。",
        "problems": "",
        "next_steps": "",
        "action": "submit",
        "figures-TOTAL_FORMS": "3",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "30",
    }
    return data | overrides


def pdf_bytes():
    """A real one-page PDF (evidence is checked to parse as one)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
