"""Workflow pages run a fixed number of queries whatever the number of tasks and reports."""

import io
import re
import uuid

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tasks.models import Attachment, Indicator, ProgressReport, Reminder, ReportFigure
from tests.conftest import (
    make_plan,
    make_task,
    make_unit,
    make_user,
    queries_for,
    report_data,
)
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
    # The page's ids (a deep page skips ids along an index, not joined rows), what its cards
    # show as values, then the reports of the cards not cached (here, with no cache, all).
    assert queries_for(client, "/reports/review/") == small <= 12


def test_review_queue_is_paged(db):
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("reviewer", group=OFFICE, is_staff=True))
    add_work(unit, other, 30)  # 30 reports awaiting review
    first = client.get("/reports/review/").content.decode()
    assert "共 30 份" in first and first.count('class="card review-card"') == 20
    second = client.get("/reports/review/?page=2").content.decode()
    assert second.count('class="card review-card"') == 10


def test_a_tasks_rows_are_read_without_joining_its_plan(db):
    """Indicators, figures and attachments sort by their parent's column: sorting by the
    parent itself (a model's ordering names the task or the report) joined the report, the
    task and the plan into every query for them, to sort by the plan's year and title."""
    unit = make_unit()
    task = make_task(lead=[unit])
    indicator = Indicator.objects.create(task=task, name="培训人次", target=100, unit="人次")
    report = ProgressReport.objects.create(
        task=task, unit=unit, period="2024-04-01", state="accepted", progress="进展", percent=50
    )
    ReportFigure.objects.create(report=report, indicator=indicator, name="培训人次", value=5)
    Attachment.objects.create(report=report, token="t" * 32, file="a.pdf", name="a.pdf", size=1)
    client = Client()
    client.force_login(make_user("member", unit=unit))
    for url in [
        task.get_absolute_url(),
        f"/tasks/{task.pk}/report/?unit={unit.pk}&once={uuid.uuid4()}",
    ]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        child_tables = r'FROM "tasks_(indicator|reportfigure|attachment|responsibility)"'
        # Rows of the child tables (not the reader's scope: the plans whose tasks they read).
        children = [
            q["sql"]
            for q in ctx
            if re.search(child_tables, q["sql"]) and not q["sql"].startswith('SELECT "tasks_plan"')
        ]
        assert len(children) >= 2 + (url == task.get_absolute_url()) * 2
        assert not [sql for sql in children if "tasks_plan" in sql], url
        sorted_by_plan = [q["sql"] for q in ctx if 'ORDER BY "tasks_plan"."year"' in q["sql"]]
        assert sorted_by_plan == [], url


def test_pages_about_reports_and_tasks_leave_the_plans_document_unread(db):
    """A plan's source text (its whole document) is on its row but on no page about its
    tasks and reports: reading it with each of twenty reports in the queue read it twenty
    times."""
    unit = make_unit()
    task = make_task(plan=make_plan(source_text="原文" * 20000), lead=[unit])
    ProgressReport.objects.create(
        task=task, unit=unit, period="2024-04-01", state="submitted", progress="进展", percent=50
    )
    draft = ProgressReport.objects.create(
        task=task, unit=unit, period="2024-05-01", state="draft", progress="进展", percent=50
    )
    Reminder.objects.create(
        task=task, unit=unit, period="2024-06-01", kind="due", sent_on="2024-06-20"
    )
    member, reviewer = Client(), Client()
    member.force_login(make_user("member", unit=unit))
    reviewer.force_login(make_user("reviewer", group=OFFICE, is_staff=True))
    pages = [
        (member, unit.get_absolute_url()),
        (member, task.get_absolute_url()),
        (member, f"/reports/{draft.pk}/edit/"),
        (member, f"/tasks/?unit={unit.pk}"),
        (reviewer, "/reports/review/"),
        (reviewer, task.plan.get_absolute_url()),
        (reviewer, f"/plans/{task.plan_id}/ledger.xlsx"),
        (member, f"/units/{unit.pk}/plans/{task.plan_id}/template.xlsx"),
    ]
    for client, url in pages:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        if not url.endswith(".xlsx"):
            assert "进展" in response.content.decode() or "?" in url, url
        assert not [q["sql"] for q in ctx if '"source_text"' in q["sql"]], url


def test_report_submission(db):
    """A submission runs the same queries whatever the unit's and plan's size: the task, unit
    and author it has read are not looked up again, a new report deletes no figures; one
    query reads the periods the unit has reported, which the form no longer offers; one
    looks for another report of the period (Django's constraint checks took six); the
    refresh reads the task's sent reports once (it read them three times); the plan's tallies
    are counted afresh in six (seven with PostgreSQL's lock)."""
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("member", unit=unit))

    def submit():
        task = make_task(plan=plan, lead=[unit], support=[other])
        call_command("refresh_standing", stdout=io.StringIO())
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(f"/tasks/{task.pk}/report/", report_data())
        assert response.status_code == 302
        return len(ctx.captured_queries)

    plan = make_plan(year=2023)  # report_data's period is one of the 2023 plan's
    add_work(unit, other, 2)
    small = submit()
    add_work(unit, other, 25)
    assert submit() == small <= 30


def test_admin_changelists_of_tasks_and_reports(db):
    unit, other = make_unit(), make_unit()
    client = Client()
    client.force_login(make_user("it", is_staff=True, is_superuser=True))
    add_work(unit, other, 2)
    urls = ["/admin/tasks/task/", "/admin/tasks/progressreport/", "/admin/tasks/task/?year=2024"]
    small = [queries_for(client, url) for url in urls]
    add_work(unit, other, 25)
    assert [queries_for(client, url) for url in urls] == small
    assert max(small) <= 12
