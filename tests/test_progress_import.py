"""The fill-in round trip: a unit's template, filled in and imported back, all rows or none."""

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks import services
from tasks.excel import pending
from tasks.excel.progress import Refused, read_progress
from tasks.excel.template import write_template
from tasks.models import ProgressReport, Task
from tasks.standing.periods import period_containing
from tests.conftest import lvjian_task

PERIOD = date(2023, 1, 1)
FIRST_ROW = 4  # two title rows, then the header


@pytest.fixture
def chanye_unit(demo_users):
    return lvjian_task("6").lead_units[0]


def template(plan, unit, day=PERIOD):
    buffer = io.BytesIO()
    write_template(plan=plan, unit=unit, period=period_containing(plan, day), output=buffer)
    buffer.seek(0)
    return buffer


def fill(file, rows):
    """rows: task code → {header: value}; returns the filled workbook as a file."""
    book = load_workbook(file)
    sheet = book["填报"]
    headers = {cell.value: cell.column for cell in sheet[FIRST_ROW - 1]}
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        values = rows.get(row[1].value)
        for header, value in (values or {}).items():
            sheet.cell(row=row[0].row, column=headers[header], value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


FILLED = {
    "6": {
        "状态": "推进中",
        "完成进度（%）": 40,
        "工作进展": "已征集合理化建议36条。",
        "存在问题": "企业参与不均衡",
        "下步计划": "召开职代会提案评审",
    },
    "9": {"状态": "已完成", "完成进度（%）": 100, "工作进展": "“安康杯”竞赛已完成。"},
}


def test_the_template_lists_the_units_tasks_with_locked_identity(lvjian, chanye_unit):
    book = load_workbook(template(lvjian, chanye_unit))
    sheet = book["填报"]
    assert sheet["A1"].value.endswith("产业处 · 进展填报模板")
    assert "2023年第1季度" in sheet["A2"].value and "2023-04-05" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    assert header[:9] == [
        "任务编号",
        "序号",
        "工作任务",
        "职责",
        "状态",
        "完成进度（%）",
        "工作进展",
        "存在问题",
        "下步计划",
    ]
    rows = list(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    assert [(r[1], r[3]) for r in rows] == [
        ("4", "配合"),
        ("6", "牵头"),
        ("7", "牵头"),
        ("9", "牵头"),
        ("16", "牵头"),
    ]
    assert sheet.protection.sheet
    assert sheet["C4"].protection.locked and not sheet["G4"].protection.locked
    (statuses, percent) = sheet.data_validations.dataValidation
    assert statuses.formula1 == '"推进中,已完成,滞后"' and str(statuses.sqref) == "E4:E8"
    assert (percent.type, percent.formula1, percent.formula2) == ("whole", "0", "100")
    assert book["_meta"].sheet_state == "veryHidden"


def test_the_template_has_a_column_per_indicator(lvjian, demo_users):
    zhongou = lvjian_task("5").support_units[0]
    sheet = load_workbook(template(lvjian, zhongou))["填报"]
    header = [c.value for c in sheet[3]]
    assert header[-1] == "指标：年度开展培训（人次）"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert rows["5"][-1] is None and rows["7"][-1] == "—"


def read(file, user, plan=None):
    return read_progress(file, user=user, plan=plan)


def test_round_trip_stores_what_was_filled(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    result = read(fill(template(lvjian, chanye_unit), FILLED), chanye, lvjian)
    assert not result.errors
    assert [(r.task.code, r.action) for r in result.rows] == [
        ("4", "skip"),
        ("6", "create"),
        ("7", "skip"),
        ("9", "create"),
        ("16", "skip"),
    ]
    services.reports_import(result=result, user=chanye, accept=False, today=date(2023, 4, 2))
    stored = ProgressReport.objects.filter(unit=chanye_unit, period=PERIOD).order_by("task__seq")
    got = {
        r.task.code: {
            "状态": r.get_status_display(),
            "完成进度（%）": r.percent,
            "工作进展": r.progress,
            **({"存在问题": r.problems} if r.problems else {}),
            **({"下步计划": r.next_steps} if r.next_steps else {}),
        }
        for r in stored
    }
    assert got == FILLED
    assert {r.state for r in stored} == {"submitted"}
    assert {r.history.count() for r in stored} == {1}


def test_indicator_values_come_back_as_figures(lvjian, demo_users):
    zhongou_user = demo_users["zhongou"]
    zhongou = lvjian_task("5").support_units[0]
    filled = {
        "5": {
            "状态": "推进中",
            "完成进度（%）": 60,
            "工作进展": "开展培训",
            "指标：年度开展培训（人次）": 1200,
        }
    }
    result = read(fill(template(lvjian, zhongou), filled), zhongou_user, lvjian)
    services.reports_import(result=result, user=zhongou_user, accept=False, today=PERIOD)
    figure = ProgressReport.objects.get(
        unit=zhongou, task__code="5", task__plan=lvjian
    ).figures.get()
    assert (figure.indicator.name, figure.value) == ("年度开展培训", 1200)


def test_importing_the_same_file_twice_creates_nothing_new(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    file = fill(template(lvjian, chanye_unit), FILLED)
    services.reports_import(result=read(file, chanye), user=chanye, accept=False, today=PERIOD)
    before = (ProgressReport.objects.count(), ProgressReport.history.count())
    file.seek(0)
    again = read(file, chanye)
    assert [r.action for r in again.rows if r.action != "skip"] == ["unchanged", "unchanged"]
    assert not again.writes
    services.reports_import(result=again, user=chanye, accept=False, today=PERIOD)
    assert (ProgressReport.objects.count(), ProgressReport.history.count()) == before


def test_office_can_import_as_accepted(lvjian, chanye_unit, demo_users):
    office = demo_users["office"]
    result = read(fill(template(lvjian, chanye_unit), FILLED), office)
    services.reports_import(result=result, user=office, accept=True, today=date(2023, 4, 2))
    task9 = lvjian_task("9")
    assert (task9.status, task9.percent, str(task9.last_reported_on)) == ("done", 100, "2023-04-02")
    assert task9.history.first().history_user == office


def test_a_returned_report_is_updated(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    report = ProgressReport.objects.create(
        task=lvjian_task("6"),
        unit=chanye_unit,
        period=PERIOD,
        state="returned",
        progress="旧",
        percent=10,
    )
    result = read(fill(template(lvjian, chanye_unit), FILLED), chanye)
    assert [r.action for r in result.rows if r.task.code == "6"] == ["update"]
    services.reports_import(result=result, user=chanye, accept=False, today=PERIOD)
    report.refresh_from_db()
    assert (report.state, report.progress, report.version) == (
        "submitted",
        "已征集合理化建议36条。",
        2,
    )


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"完成进度（%）": 150}, "完成进度（%）", "0到100之间的整数"),
        ({"完成进度（%）": "四十"}, "完成进度（%）", "0到100之间的整数"),
        ({"完成进度（%）": 40.5}, "完成进度（%）", "0到100之间的整数"),
        ({"状态": "快好了"}, "状态", "不在可选范围内"),
        ({"状态": None}, "状态", "请选择状态"),
        ({"工作进展": None}, "工作进展", "请填写工作进展"),
        ({"工作进展": '=HYPERLINK("http://x")'}, "工作进展", "单元格G5是公式"),
        ({"状态": "已完成", "完成进度（%）": 80}, "完成进度（%）", "应为100"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_written(
    lvjian, chanye_unit, demo_users, values, column, message
):
    chanye = demo_users["chanye"]
    rows = {"6": FILLED["6"] | values, "9": FILLED["9"]}
    result = read(fill(template(lvjian, chanye_unit), rows), chanye)
    ((number, got_column, got_message),) = result.errors
    assert (number, got_column) == (FIRST_ROW + 1, column) and message in got_message
    before = ProgressReport.objects.count()
    with pytest.raises(Exception, match="存在错误"):
        services.reports_import(result=result, user=chanye, accept=False, today=PERIOD)
    assert ProgressReport.objects.count() == before


def test_a_formula_is_refused_naming_its_cell(lvjian, chanye_unit, demo_users):
    """`=A1` in 存在问题 stored the sheet's title (LibreOffice saves the value) or nothing."""
    for column, cell in [("完成进度（%）", "F5"), ("存在问题", "H5")]:
        file = fill(template(lvjian, chanye_unit), {"6": FILLED["6"] | {column: "=A1"}})
        result = read(file, demo_users["chanye"])
        ((number, got_column, message),) = result.errors
        assert (number, got_column) == (FIRST_ROW + 1, column)
        assert row6(result).task.code == "6"  # the row still names its task
        assert message.startswith(f"单元格{cell}是公式") and "选择性粘贴" in message


def test_a_tampered_task_id_is_refused(lvjian, chanye_unit, demo_users):
    file = fill(template(lvjian, chanye_unit), FILLED)
    book = load_workbook(file)
    book["填报"]["A5"] = lvjian_task("1").pk  # 综合处's task
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = read(out, demo_users["chanye"])
    assert result.errors[0][1] == "任务编号" and "不是本单位" in result.errors[0][2]


def refused(file, user, plan=None):
    with pytest.raises(Refused) as info:
        read(file, user, plan)
    return str(info.value)


def test_files_that_are_not_templates_are_refused(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    assert "这不是.xlsx文件" in refused(io.BytesIO(b"hello"), chanye)
    big = io.BytesIO(b"0" * (5 * 1024 * 1024 + 1))
    assert "超过5MB" in refused(big, chanye)
    from openpyxl import Workbook

    plain = io.BytesIO()
    Workbook().save(plain)
    assert "不是本系统的进展填报模板" in refused(plain, chanye)


def test_a_zip_bomb_is_refused(demo_users):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    bomb.seek(0)
    assert "解压后过大" in refused(bomb, demo_users["chanye"])


def test_a_template_of_another_plan_or_unit_is_refused(lvjian, chanye_unit, demo_users, seed):
    other = Task.objects.exclude(plan=lvjian).first().plan
    file = fill(template(lvjian, chanye_unit), FILLED)
    assert "属于另一个方案" in refused(file, demo_users["chanye"], other)
    file.seek(0)
    assert "无权为模板所属的单位导入" in refused(file, demo_users["zonghe"])


def test_a_changed_header_is_refused(lvjian, chanye_unit, demo_users):
    book = load_workbook(fill(template(lvjian, chanye_unit), FILLED))
    book["填报"]["G3"] = "进展"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    assert "模板缺少「工作进展」列" in refused(out, demo_users["chanye"])


def test_queries_do_not_grow_with_rows(lvjian, demo_users):
    office = demo_users["office"]
    zonghe = lvjian_task("1").lead_units[0]  # leads 15 tasks
    codes = [t.code for t in lvjian.tasks.filter(responsibilities__unit=zonghe)]

    def count(n):
        rows = {c: FILLED["6"] for c in codes[:n]}
        file = fill(template(lvjian, zonghe, day=date(2023, 3 * n, 1)), rows)
        with CaptureQueriesContext(connection) as read_ctx:
            result = read(file, office)
        with CaptureQueriesContext(connection) as write_ctx:
            services.reports_import(result=result, user=office, accept=True, today=PERIOD)
        assert len(result.writes) == n
        return len(read_ctx.captured_queries), len(write_ctx.captured_queries)

    count(2)  # the user's roles are looked up once, then cached
    assert count(1) == count(4)


def test_the_upload_page_previews_then_confirms(lvjian, chanye_unit, demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    url = reverse("tasks:import", args=[lvjian.pk])
    file = fill(template(lvjian, chanye_unit), FILLED)
    file.name = "产业处.xlsx"
    response = client.post(url, {"file": file})
    html = response.content.decode()
    assert "将写入 2 份报告" in html and "新建报告" in html
    assert not ProgressReport.objects.filter(unit=chanye_unit, period=PERIOD).exists()
    token = response.context["token"]
    response = client.post(url, {"once": token, "confirm": "1", "accept": "1"}, follow=True)
    assert "已导入2份进展报告" in response.content.decode()
    # a department user cannot accept its own reports, even by posting accept=1
    assert set(
        ProgressReport.objects.filter(unit=chanye_unit, period=PERIOD).values_list(
            "state", flat=True
        )
    ) == {"submitted"}


def test_the_upload_page_shows_errors_by_row_and_column(lvjian, chanye_unit, demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    file = fill(template(lvjian, chanye_unit), {"6": FILLED["6"] | {"完成进度（%）": 150}})
    file.name = "t.xlsx"
    html = client.post(reverse("tasks:import", args=[lvjian.pk]), {"file": file}).content.decode()
    assert "发现 1 处错误" in html and "「完成进度（%）」请填写0到100之间的整数" in html
    assert "确认导入" not in html


@pytest.mark.parametrize(("username", "status"), [(None, 302), ("leader", 403), ("zonghe", 200)])
def test_who_may_import(lvjian, demo_users, username, status):
    client = Client()
    if username:
        client.force_login(demo_users[username])
    assert client.get(reverse("tasks:import", args=[lvjian.pk])).status_code == status


def test_template_download_is_scoped(lvjian, chanye_unit, demo_users):
    client = Client()
    url = reverse("tasks:template", args=[chanye_unit.pk, lvjian.pk])
    client.force_login(demo_users["zonghe"])
    assert client.get(url).status_code == 404  # another unit's template
    client.force_login(demo_users["chanye"])
    response = client.get(url)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["填报", "_meta"]


def test_the_template_is_for_the_period_still_owed(lvjian, chanye_unit, demo_users, time_machine):
    time_machine.move_to("2023-04-10 09:00 +0800", tick=False)
    client = Client()
    client.force_login(demo_users["chanye"])
    url = reverse("tasks:template", args=[chanye_unit.pk, lvjian.pk])
    sheet = load_workbook(io.BytesIO(client.get(url).content))["填报"]
    assert "2023年第1季度" in sheet["A2"].value  # Q1 reports are still missing
    for task in lvjian.tasks.filter(responsibilities__unit=chanye_unit):
        ProgressReport.objects.create(
            task=task, unit=chanye_unit, period=PERIOD, state="submitted", progress="已报"
        )
    sheet = load_workbook(io.BytesIO(client.get(url).content))["填报"]
    assert "2023年第2季度" in sheet["A2"].value
    sheet = load_workbook(io.BytesIO(client.get(url + "?period=2023-01-01").content))["填报"]
    assert "2023年第1季度" in sheet["A2"].value


def test_the_task_page_shows_a_report_the_import_updated(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    task = lvjian_task("6")
    ProgressReport.objects.create(
        task=task,
        unit=chanye_unit,
        period=PERIOD,
        state="returned",
        progress="旧的进展",
        percent=10,
    )
    client = Client()
    client.force_login(chanye)
    assert "旧的进展" in client.get(task.get_absolute_url()).content.decode()
    result = read(fill(template(lvjian, chanye_unit), FILLED), chanye)
    services.reports_import(result=result, user=chanye, accept=False, today=PERIOD)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "已征集合理化建议36条。" in page and "旧的进展" not in page


def with_declared_dimension(file, ref):
    """The workbook with its sheets declaring the dimension `ref`, as a crafted file would."""
    out = io.BytesIO()
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            dest.writestr(item, data)
    out.seek(0)
    return out


def test_a_declared_sheet_dimension_is_not_trusted(lvjian, chanye_unit, demo_users):
    """A1:XFD1048576 made each of 4,980 rows 16,384 cells long: 708 MB for a 45 KB file."""
    book = load_workbook(fill(template(lvjian, chanye_unit), FILLED))
    for row in range(FIRST_ROW + 30, FIRST_ROW + 4980):
        book["填报"].cell(row=row, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    file = with_declared_dimension(out, "A1:XFD1048576")
    tracemalloc.start()
    result = read(file, demo_users["chanye"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert {r.task.code for r in result.writes} == {"6", "9"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def waiting(media):
    return (
        sorted(p.name for p in (media / "imports").glob("*"))
        if (media / "imports").exists()
        else []
    )


def test_uploads_wait_only_while_they_can_be_confirmed(lvjian, chanye_unit, demo_users, media):
    client = Client()
    client.force_login(demo_users["chanye"])
    url = reverse("tasks:import", args=[lvjian.pk])

    def upload(rows, day=PERIOD):
        file = fill(template(lvjian, chanye_unit, day), rows)
        file.name = "t.xlsx"
        return client.post(url, {"file": file})

    upload({"6": FILLED["6"] | {"完成进度（%）": 150}})
    assert waiting(media) == []  # an upload with errors cannot be confirmed: gone at once
    token = upload(FILLED).context["token"]
    assert waiting(media) == [f"{token}.xlsx"]
    response = client.post(url, {"once": token, "cancel": "1"}, follow=True)
    assert "已取消" in response.content.decode() and waiting(media) == []
    token = upload(FILLED).context["token"]
    client.post(url, {"once": token, "confirm": "1"})
    assert waiting(media) == []
    upload(FILLED, date(2023, 4, 1))  # the next quarter's, left unconfirmed
    assert len(waiting(media)) == 1
    assert pending.discard_stale(now=time.time() + pending.MAX_AGE + 1) == 1
    assert waiting(media) == []


@pytest.mark.parametrize("token", ["a" * 5000, "../../settings", "", "A" * 32])
def test_a_token_that_is_not_ours_is_refused_with_a_message(lvjian, demo_users, media, token):
    """A 5,000-character token answered 500: its file name was too long."""
    client = Client()
    client.force_login(demo_users["chanye"])
    url = reverse("tasks:import", args=[lvjian.pk])
    response = client.post(url, {"once": token, "confirm": "1"}, follow=True)
    assert response.status_code == 200 and "上传的文件已过期" in response.content.decode()


def test_waiting_uploads_stay_out_of_backups(media, db, tmp_path):
    from reform.backup import backup

    (media / "imports").mkdir(parents=True)
    (media / "imports" / f"{'a' * 32}.xlsx").write_bytes(b"waiting")
    (media / "attachments").mkdir()
    (media / "attachments" / "evidence.pdf").write_bytes(b"%PDF")
    out = media / "backup.zip"  # written into the folder it copies: it must not copy itself
    backup(out)
    names = zipfile.ZipFile(out).namelist()
    assert "media/attachments/evidence.pdf" in names
    assert not [n for n in names if "imports" in n]


def with_meta(file, key, value):
    book = load_workbook(file)
    for row in book["_meta"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_template_whose_identity_was_changed_is_refused(lvjian, chanye_unit, demo_users):
    """The hidden sheet can be unhidden; a period set to 2000-01-01 was stored."""
    from django.core import signing

    file = fill(template(lvjian, chanye_unit), FILLED)
    forged = signing.dumps({"plan": lvjian.pk, "unit": chanye_unit.pk, "period": "2000-01-01"})
    for value in [forged, "x", ""]:
        file.seek(0)
        message = refused(with_meta(file, "identity", value), demo_users["chanye"])
        assert "隐藏信息被修改过" in message
    file.seek(0)
    old = with_meta(file, "format", "reform-progress-template/1")
    assert "旧版本" in refused(old, demo_users["chanye"])


@pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("CI"),
    reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)",
)
def test_a_template_saved_again_by_libreoffice_still_imports(
    lvjian, chanye_unit, demo_users, tmp_path
):
    source = tmp_path / "in" / "t.xlsx"
    source.parent.mkdir()
    source.write_bytes(fill(template(lvjian, chanye_unit), FILLED).getvalue())
    soffice = shutil.which("soffice")
    subprocess.run(  # noqa: S603 - LibreOffice on a file this test wrote
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (tmp_path / "t.xlsx").open("rb") as file:
        result = read(file, demo_users["chanye"])
    assert {r.task.code for r in result.writes} == {"6", "9"} and not result.errors


def test_a_closed_task_takes_no_report_from_a_template(lvjian, chanye_unit, demo_users):
    """The form refused it; the template stored it, and the office's import set a closed
    task's status to 滞后 10% while its light stayed 办结."""
    from django.utils import timezone

    file = fill(template(lvjian, chanye_unit), FILLED)  # downloaded before the task closed
    Task.objects.filter(plan=lvjian, code="6").update(closed_at=timezone.now(), status="done")
    result = read(file, demo_users["office"])
    row = next(r for r in result.rows if r.task and r.task.code == "6")
    assert row.errors == [("任务编号", "任务已办结，不再接受进展报告。")]


def filled_cells(lvjian, unit, cells, number_formats=None):
    """The template with task 6's cells set as Excel or WPS would store what a clerk typed."""
    book = load_workbook(fill(template(lvjian, unit), FILLED))
    sheet = book["填报"]
    headers = {cell.value: cell.column for cell in sheet[FIRST_ROW - 1]}
    row = next(r[0].row for r in sheet.iter_rows(min_row=FIRST_ROW) if r[1].value == "6")
    for header, value in cells.items():
        cell = sheet.cell(row=row, column=headers[header], value=value)
        if header in (number_formats or {}):
            cell.number_format = number_formats[header]
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def row6(result):
    return next(r for r in result.rows if r.task and r.task.code == "6")


def test_a_date_typed_into_a_text_column_is_read_as_shown(lvjian, chanye_unit, demo_users):
    """Excel and WPS turn 2024年3月 into a date; it was stored as "2024-03-01 00:00:00"."""
    file = filled_cells(
        lvjian,
        chanye_unit,
        {"存在问题": datetime(2024, 3, 1), "下步计划": 2025},
        {"存在问题": 'yyyy"年"m"月"'},
    )
    values = row6(read(file, demo_users["chanye"])).values
    assert (values["problems"], values["next_steps"]) == ("2024年3月", "2025")


@pytest.mark.parametrize(
    ("value", "number_format"), [(80, "General"), ("80%", "@"), ("８０", "@"), (0.8, "0%")]
)
def test_a_percent_is_read_as_the_clerk_wrote_it(
    lvjian, chanye_unit, demo_users, value, number_format
):
    file = filled_cells(
        lvjian, chanye_unit, {"完成进度（%）": value}, {"完成进度（%）": number_format}
    )
    row = row6(read(file, demo_users["chanye"]))
    assert not row.errors and row.values["percent"] == 80


def test_a_fraction_for_a_percent_says_what_to_write(lvjian, chanye_unit, demo_users):
    file = filled_cells(lvjian, chanye_unit, {"完成进度（%）": 0.8})
    ((column, message),) = row6(read(file, demo_users["chanye"])).errors
    assert column == "完成进度（%）" and "0.8应写作80" in message


def test_a_renamed_sheet_with_rows_added_above_still_imports(lvjian, chanye_unit, demo_users):
    book = load_workbook(fill(template(lvjian, chanye_unit), FILLED))
    sheet = book["填报"]
    sheet.title = "产业处进展"
    sheet.insert_rows(1, 2)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = read(out, demo_users["chanye"])
    assert {r.task.code for r in result.writes} == {"6", "9"}
    assert row6(result).number == FIRST_ROW + 3  # task 6's row, two rows lower


def test_other_spreadsheet_formats_are_told_to_save_as_xlsx(demo_users):
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    xls = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    csv = io.BytesIO("任务编号,状态\n6,推进中\n".encode())
    for file in (ods, xls, csv):
        file.seek(0)
        assert "另存为" in refused(file, demo_users["chanye"])


def test_the_preview_never_says_it_will_write_when_it_will_not(lvjian, chanye_unit, demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    file = fill(
        template(lvjian, chanye_unit), {"6": FILLED["6"] | {"完成进度（%）": 150}, "9": FILLED["9"]}
    )
    file.name = "t.xlsx"
    html = client.post(reverse("tasks:import", args=[lvjian.pk]), {"file": file}).content.decode()
    assert "本次不会导入任何数据" in html and "将写入" not in html
    out = io.StringIO()
    path = Path(tempfile.mkdtemp()) / "t.xlsx"
    file.seek(0)
    path.write_bytes(file.read())
    with pytest.raises(CommandError):
        call_command("import_progress", str(path), user="chanye", stdout=out, stderr=io.StringIO())
    assert "第5行 完善创新激励机制：有错误，不导入" in out.getvalue()


def test_a_sent_report_that_differs_is_named_in_plain_words(lvjian, chanye_unit, demo_users):
    chanye = demo_users["chanye"]
    result = read(fill(template(lvjian, chanye_unit), FILLED), chanye)
    services.reports_import(result=result, user=chanye, accept=False, today=PERIOD)
    changed = {"6": FILLED["6"] | {"工作进展": "改过的进展。"}}
    ((column, message),) = row6(read(fill(template(lvjian, chanye_unit), changed), chanye)).errors
    assert message.startswith("本单位该周期的报告已提交，内容不同") and "已已" not in message


def test_the_columns_not_to_be_changed_are_grey_and_text_columns_wide(lvjian, chanye_unit):
    """The template said 灰色列请勿修改 with no grey column; text columns were 10 wide."""
    sheet = load_workbook(template(lvjian, chanye_unit))["填报"]
    headers = {cell.value: cell for cell in sheet[FIRST_ROW - 1]}
    task_cell = sheet.cell(row=FIRST_ROW, column=headers["工作任务"].column)
    progress_cell = sheet.cell(row=FIRST_ROW, column=headers["工作进展"].column)
    assert task_cell.fill.fgColor.rgb.endswith("E4E7EB") and task_cell.protection.locked
    assert progress_cell.fill.fill_type is None and not progress_cell.protection.locked
    assert sheet.column_dimensions[headers["工作进展"].column_letter].width >= 40


def test_merged_cells_are_named(lvjian, chanye_unit, demo_users):
    """Two rows' 工作进展 merged: the second row's text would silently be empty."""
    book = load_workbook(fill(template(lvjian, chanye_unit), FILLED))
    book["填报"].merge_cells("G5:G6")
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    message = refused(out, demo_users["chanye"])
    assert message.startswith("单元格G5:G6被合并") and "取消合并" in message


def test_an_import_confirmed_twice_writes_once(lvjian, chanye_unit, demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    url = reverse("tasks:import", args=[lvjian.pk])
    file = fill(template(lvjian, chanye_unit), FILLED)
    file.name = "产业处.xlsx"
    token = client.post(url, {"file": file}).context["token"]
    client.post(url, {"once": token, "confirm": "1"})
    again = client.post(url, {"once": token, "confirm": "1"}).content.decode()
    assert "这批进展报告已导入，未重复导入。" in again
    assert ProgressReport.objects.filter(unit=chanye_unit, period=PERIOD).count() == 2
