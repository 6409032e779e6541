"""The 台账 workbook, read back with openpyxl: sheets, headers, values, styles, safety."""

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reform.xlsx import Book, Column, display_width, write_sheet
from tasks.excel.ledger import LEDGER_COLUMNS, export_ledger
from tasks.models import ProgressReport, Task
from tasks.standing.refresh import refresh_standing
from tests.conftest import LVJIAN, lvjian_task, make_plan, make_section, make_task, make_unit

TODAY = date(2023, 5, 20)
HEADERS = [
    "序号",
    "板块",
    "工作任务",
    "主要内容",
    "牵头部门",
    "配合部门",
    "完成时限",
    "状态",
    "完成进度",
    "最新进展",
    "存在问题",
    "下步计划",
    "填报时间",
    "红黄绿灯",
]


def export(tasks, title="台账"):
    buffer = io.BytesIO()
    refresh_standing(tasks, TODAY)
    export_ledger(tasks, title=title, today=TODAY, output=buffer)
    buffer.seek(0)
    return buffer


def ledger(lvjian):
    return load_workbook(export(Task.objects.filter(plan=lvjian), title=lvjian.title))


def test_it_has_the_summary_the_ledger_and_a_sheet_per_unit(lvjian):
    book = ledger(lvjian)
    assert book.sheetnames == ["汇总", "台账", "综合处", "产业处", "中欧办", "绿弘公司"]
    sheet = book["台账"]
    assert sheet["A1"].value == LVJIAN and sheet["A2"].value == "导出日期：2023-05-20"
    assert [c.value for c in sheet[3]] == HEADERS == [c.header for c in LEDGER_COLUMNS]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 19
    assert rows[4][:9] == (
        "5",
        "聚焦素质提升，拓宽产业工人成长空间",
        "优化技能培训平台",
        lvjian_task("5").content,
        "综合处",
        "中欧办、绿弘公司",
        None,
        "未启动",
        0,  # a number, shown as 0%
    )
    assert sheet["I8"].number_format == "0%"
    assert [r[0] for r in book["产业处"].iter_rows(min_row=4, values_only=True)] == [
        "配合",
        "牵头",
        "牵头",
        "牵头",
        "牵头",
    ]


def test_the_summary_counts_sections_and_units_with_a_chart(lvjian):
    sheet = ledger(lvjian)["汇总"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("板块", "任务数", "已完成", "推进中", "未启动", "滞后", "红灯", "完成率")
    assert rows[3][:2] == ("一、加强思想引领，把稳产业工人奋进方向", 3)
    unit_header = rows.index(
        ("责任单位", "任务数", "已完成", "推进中", "未启动", "滞后", "红灯", "完成率")
    )
    assert [r[:2] for r in rows[unit_header + 1 :]] == [
        ("综合处", 15),
        ("产业处", 5),
        ("中欧办", 2),
        ("绿弘公司", 1),
    ]
    assert [r[7] for r in rows[unit_header + 1 :]] == [0, 0, 0, 0]  # 完成率: numbers, as 0%
    assert sheet.cell(unit_header + 2, 8).number_format == "0%"


def test_the_chart_keeps_the_pages_colours_and_the_tables_order(lvjian):
    """LibreOffice drew 推进中 red and 未启动 green, and listed the units bottom up."""
    with zipfile.ZipFile(export(Task.objects.filter(plan=lvjian))) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    colours = re.findall(r'<c:ser>.*?<a:srgbClr val="(\w+)"', chart, re.S)
    assert colours == ["2E7D32", "1C4F9C", "CBD2D9", "C62828"]  # 已完成 推进中 未启动 滞后
    assert '<c:orientation val="maxMin"/>' in chart  # 综合处 first, as in the table


def test_the_latest_accepted_report_fills_the_last_columns(lvjian):
    task6 = lvjian_task("6")
    unit = task6.lead_units[0]
    for day, state, text in [
        (date(2023, 4, 1), "accepted", "旧进展"),
        (date(2023, 4, 3), "accepted", "新进展"),
        (date(2023, 4, 9), "submitted", "未审核"),
    ]:
        ProgressReport.objects.create(
            task=task6,
            unit=unit,
            period=date(2023, day.day, 1),
            state=state,
            progress=text,
            problems=f"{text}问题",
            next_steps=f"{text}计划",
            submitted_on=day,
        )
    row = next(
        r for r in ledger(lvjian)["台账"].iter_rows(min_row=4, values_only=True) if r[0] == "6"
    )
    assert row[9:13] == ("新进展", "新进展问题", "新进展计划", "2023-04-03")


def test_lights_are_coloured_cells(lvjian):
    Task.objects.filter(plan=lvjian, code="9").update(status="done")
    sheet = ledger(lvjian)["台账"]
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=14) for r in range(4, 23)}
    assert cells["1"].value == "红灯" and cells["1"].fill.fgColor.rgb.endswith("C62828")
    assert cells["9"].value == "已完成" and cells["9"].fill.fgColor.rgb.endswith("CBD2D9")


def test_it_is_styled_for_print(lvjian):
    sheet = ledger(lvjian)["台账"]
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.auto_filter.ref == "A3:N22"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.pageOrder) == ("landscape", 9, "overThenDown")
    # printed at full size (never shrunk to one page wide), 序号 to 工作任务 on every page
    assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
    assert sheet.print_title_cols == "$A:$C"
    assert sheet.oddFooter.center.text == "&A 第 &P 页 共 12 页"  # six down, two across
    assert [b.id for b in sheet.col_breaks.brk] == [9]  # the task, then its progress
    # every row as tall as its longest text: 主要内容 of task 1 wraps to ten lines
    assert sheet.row_dimensions[4].height == 10 * 15 + 3
    header = sheet["C3"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("8E1515") and header.border.top.style
    assert sheet["D4"].alignment.wrap_text
    # 序号 is as wide as its longest text in display width, 工作任务 wraps at its bound
    longest = max(display_width(t.code) for t in lvjian.tasks.all())
    widths = sheet.column_dimensions  # as written, with Excel's padding of under a character
    assert widths["A"].width == pytest.approx(max(6, longest + 2), abs=0.8)
    assert widths["C"].width == pytest.approx(18, abs=0.8)
    assert widths["D"].width == pytest.approx(40, abs=0.8)  # long texts wrap


def test_no_user_text_becomes_a_formula(db):
    unit = make_unit(name="=cmd|' /C calc'!A0")
    plan = make_plan(title="=1+1")
    make_task(
        plan=plan,
        title='=HYPERLINK("http://evil.example","点我")',
        content="+SUM(A1)",
        lead=[unit],
        section=make_section(plan, title="@SUM(1)"),
    )
    file = export(Task.objects.filter(plan=plan), title=plan.title)
    with zipfile.ZipFile(file) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    file.seek(0)
    sheet = load_workbook(file)["台账"]
    assert sheet["C4"].value.startswith("=HYPERLINK") and sheet["C4"].data_type == "s"
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"


def test_control_characters_from_word_do_not_break_the_file(db):
    plan = make_plan()
    make_task(plan=plan, title="标题\x07带\x0b控制符", content="第一段\x0c第二段\r\n第三段")
    sheet = load_workbook(export(Task.objects.filter(plan=plan)))["台账"]
    assert sheet["C4"].value == "标题带控制符"
    assert sheet["D4"].value == "第一段第二段\n第三段"


def test_characters_no_xml_can_hold_are_left_out(db):
    """U+FFFE and U+FFFF are sent by a browser like any other character; a workbook that
    held one could not be written at all."""
    plan = make_plan()
    unit = make_unit(name="综合\uffff办")
    make_task(plan=plan, title="标题\ufffe", content="内容\uffff", lead=[unit])
    book = load_workbook(export(Task.objects.filter(plan=plan)))
    assert book["台账"]["C4"].value == "标题" and book["台账"]["D4"].value == "内容"
    assert "综合办" in book.sheetnames


def build(plan, units, n):
    section = make_section(plan)
    for i in range(n):
        task = make_task(
            plan=plan, section=section, lead=[units[i % 3]], support=[units[(i + 1) % 3]]
        )
        ProgressReport.objects.create(
            task=task,
            unit=units[i % 3],
            period=date(2023, 1, 1),
            state="accepted",
            progress="进展",
            submitted_on=TODAY,
        )


def test_export_queries_do_not_grow(db):
    units = [make_unit() for _ in range(3)]
    plan = make_plan()
    build(plan, units, 2)

    def count():
        tasks = Task.objects.filter(plan=plan)
        refresh_standing(tasks, TODAY)
        with CaptureQueriesContext(connection) as ctx:
            export_ledger(tasks, title="台账", today=TODAY, output=io.BytesIO())
        return len(ctx.captured_queries)

    small = count()
    build(plan, units, 60)
    # the units, the counts by section and by unit, and the rows with their latest reports
    assert count() == small == 4


@pytest.mark.parametrize(("username", "status"), [(None, 302), ("zonghe", 200), ("leader", 200)])
def test_the_plan_page_downloads_its_ledger(demo_users, lvjian, username, status):
    client = Client()
    if username:
        client.force_login(demo_users[username])
    response = client.get(reverse("tasks:ledger", args=[lvjian.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "台账"


def test_the_task_list_exports_what_it_shows(demo_users, lvjian):
    client = Client()
    client.force_login(demo_users["leader"])
    chanye = lvjian_task("6").lead_units[0]
    response = client.get(
        reverse("tasks:list"),
        {"plan": lvjian.pk, "unit": chanye.pk, "role": "lead", "export": "xlsx"},
    )
    rows = list(
        load_workbook(io.BytesIO(response.content))["台账"].iter_rows(min_row=4, values_only=True)
    )
    assert [r[0] for r in rows] == ["6", "7", "9", "16"]
    assert missing_plan_ledger(client) == 404


def missing_plan_ledger(client):
    return client.get(reverse("tasks:ledger", args=[999999])).status_code


def test_export_ledger_command(lvjian, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("export_ledger", "--plan", lvjian.pk, "-o", tmp_path / "l.xlsx", stdout=out)
    assert "Wrote 19 tasks" in out.getvalue()
    assert load_workbook(tmp_path / "l.xlsx").sheetnames[:2] == ["汇总", "台账"]
    with pytest.raises(CommandError, match="No plan with id"):
        call_command("export_ledger", "--plan", 999999, "-o", tmp_path / "x.xlsx")


def written(*tables):
    """The sheet `write_sheet` makes of these tables, read back."""
    buffer = io.BytesIO()
    book = Book(buffer)
    write_sheet(book, book.add_sheet("台账"), *tables)
    book.close()
    return load_workbook(buffer)["台账"]


def test_columns_are_as_wide_as_their_text_within_bounds():
    columns = [Column("序号"), Column("工作任务"), Column("x")]
    widths = written((columns, [["1", "长" * 30, ""]])).column_dimensions
    assert [widths[letter].width for letter in "ABC"] == pytest.approx([6, 50, 6], abs=0.8)


def test_values_are_written_as_what_they_are():
    columns = [Column(str(n)) for n in range(5)]
    row = ["文本", date(2023, 5, 20), Decimal("1.50"), True, float("nan")]
    sheet = written((columns, [row, ["=1+1", 1, 2, 3, 4]]))
    assert [cell.value for cell in sheet[2]] == ["文本", datetime(2023, 5, 20), 1.5, True, None]
    assert [cell.value for cell in sheet[3]] == ["=1+1", 1, 2, 3, 4]
    assert sheet["A3"].data_type == "s"
