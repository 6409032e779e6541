"""Workflow pages run a fixed number of queries whatever the number of tasks and reports."""

from django.test import Client

from tasks.models import ProgressReport, ReportFigure
from tests.conftest import make_plan, make_task, make_unit, make_user, queries_for
from units.roles import OFFICE


def add_work(unit, other, tasks):
    plan = make_plan()
    for n in range(tasks):
        lead, support = (unit, other) if n % 2 else (other, unit)
        task = make_task(plan=plan, lead=[lead], support=[support])
        for month, state in [(1, "draft"), (4, "submitted"), (7, "accepted")]:
            report = ProgressReport.objects.create(
                task=task,
                unit=unit,
                period=f"2024-{month:02}-01",
                state=state,
                progress="进展",
                percent=50,
            )
            ReportFigure.objects.create(report=report, name="培训人次", value=n)


def test_unit_page(db):
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("member", unit=unit))
    add_work(unit, other, 2)
    small = queries_for(client, unit.get_absolute_url())
    add_work(unit, other, 25)
    assert queries_for(client, unit.get_absolute_url()) == small <= 15


def test_review_queue(db):
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("reviewer", group=OFFICE, is_staff=True))
    add_work(unit, other, 2)
    small = queries_for(client, "/reports/review/")
    add_work(unit, other, 25)
    assert queries_for(client, "/reports/review/") == small <= 10


def test_review_queue_is_paged(db):
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("reviewer", group=OFFICE, is_staff=True))
    add_work(unit, other, 30)  # 30 reports awaiting review
    first = client.get("/reports/review/").content.decode()
    assert "共 30 份" in first and first.count('class="card review-card"') == 20
    second = client.get("/reports/review/?page=2").content.decode()
    assert second.count('class="card review-card"') == 10
