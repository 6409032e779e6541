"""Markup and script in titles, unit names, report texts and figures render as text everywhere."""

import io
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect

from tasks.models import ProgressReport, ReportFigure
from tests.conftest import make_plan, make_section, make_task, make_unit, make_user
from units.roles import OFFICE

UNIT = '<img src=x onerror="alert(1)">处'
TITLE = '<script>alert("title")</script>任务'
PROGRESS = '<b onmouseover="alert(2)">进展</b>'
FIGURE = "</script><script>alert(3)</script>"
PAGES = [
    "/",
    "/plans/{plan}/",
    "/tasks/{task}/",
    "/units/{unit}/",
    "/reports/review/",
    "/tasks/?plan={plan}",
    "/tasks/?plan={plan}&light=red",
    "/plans/",
]


def test_payloads_render_as_text(live_server, page, artifacts, transactional_db, seed):
    unit = make_unit(name=UNIT)
    plan = make_plan(title="<i>方案</i>", year=2024)
    task = make_task(
        plan=plan,
        section=make_section(plan, title="<u>板块</u>"),
        title=TITLE,
        lead=[unit],
        due_on=date(2024, 1, 1),
    )
    report = ProgressReport.objects.create(
        task=task, unit=unit, progress=PROGRESS, state="submitted", problems="<a href=javascript:x>"
    )
    ReportFigure.objects.create(report=report, name=FIGURE, value=1, unit="<s>人</s>")
    make_user("hostile-office", group=OFFICE, is_staff=True)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "hostile-office")
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="登录", exact=True).click()
    for path in PAGES:
        page.goto(live_server.url + path.format(plan=plan.pk, task=task.pk, unit=unit.pk))
        page.wait_for_load_state("networkidle")
        assert page.locator("img[src=x]").count() == 0, path
        assert page.locator("main b, main i, main u, main s").count() == 0, path
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    expect(page.get_by_text(PROGRESS)).to_be_visible()
    expect(page.get_by_text(FIGURE)).to_be_visible()
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    chart = page.locator("[data-chart=units] svg")
    expect(chart.locator("text", has_text="<img src=x").first).to_be_attached()
    page.screenshot(path=artifacts / "hostile-dashboard.png", full_page=True)
    assert dialogs == []

    response = page.request.get(f"{live_server.url}/plans/{plan.pk}/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(response.body()))["台账"]
    assert sheet["C4"].value == TITLE and sheet["E4"].value == UNIT
