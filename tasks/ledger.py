"""The supervision workbook (台账): 汇总, 台账, and one sheet per responsible unit.

Rows are built from values fetched in a fixed number of queries, so the number of queries is
the same for 19 tasks or 10,000; lights are the stored standing (tasks/standing.py).
"""

from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils import translation
from openpyxl.chart import BarChart, Reference

from reform import xlsx
from reform.xlsx import Column
from tasks.dashboard import Row
from tasks.models import Light, ProgressReport, Responsibility, Section, Task
from tasks.standing import refresh_stale

# The workbook is a Chinese document whatever the reader's language: its headers and sheet
# names are the format offices exchange, and the fill-in import reads them back.
LEDGER_COLUMNS = [
    Column("序号", center=True),
    Column("板块", wrap=True),
    Column("工作任务", wrap=True),
    Column("主要内容", wrap=True),
    Column("牵头部门", wrap=True),
    Column("配合部门", wrap=True),
    Column("完成时限", center=True),
    Column("状态", center=True),
    Column("完成进度", center=True),
    Column("最新进展", wrap=True),
    Column("存在问题", wrap=True),
    Column("下步计划", wrap=True),
    Column("填报时间", center=True),
    Column("红黄绿灯", center=True, fill_key=True),
]
LATEST_FIELDS = {
    "latest_progress": "progress",
    "latest_problems": "problems",
    "latest_next_steps": "next_steps",
    "latest_on": "submitted_on",
}


TASK_FIELDS = ["pk", "code", "section_id", "section__code", "section__title", "title", "content"]
TASK_FIELDS += ["due_on", "status", "percent", "light", *LATEST_FIELDS]
UNIT_FIELDS = ["task_id", "role", "unit_id", "unit__name", "unit__short_name", "unit__sort_order"]
with translation.override("zh-hans"):
    STATUS_LABELS = {value: str(label) for value, label in Task.Status.choices}
    ROLE_LABELS = {value: str(label) for value, label in Responsibility.Role.choices}
    LIGHT_LABELS = {value: str(label) for value, label in Light.choices}


def with_latest_report(tasks):
    """Annotates each task with its latest accepted report's texts and date (one query)."""
    latest = ProgressReport.objects.filter(
        task=OuterRef("pk"), state=ProgressReport.State.ACCEPTED
    ).order_by("-submitted_on", "-pk")
    return tasks.annotate(
        **{name: Subquery(latest.values(field)[:1]) for name, field in LATEST_FIELDS.items()}
    )


def ledger_records(tasks):
    """The tasks as plain values, and their units by task in document order (two queries).

    Values rather than model instances: building ten thousand instances costs more than
    writing their cells.
    """
    records = list(with_latest_report(tasks).values(*TASK_FIELDS))
    units = defaultdict(list)
    rows = (
        Responsibility.objects.filter(task__in=tasks.order_by().values("pk"))
        .order_by("task_id", "role", "seq")
        .values(*UNIT_FIELDS)
    )
    for row in rows:
        units[row["task_id"]].append(row)
    return records, units


def names(units, role):
    return "、".join(u["unit__name"] for u in units if u["role"] == role)


def ledger_row(task, units):
    latest_on = task["latest_on"]
    return [
        task["code"],
        task["section__title"] or "",
        task["title"],
        task["content"],
        names(units, Responsibility.Role.LEAD),
        names(units, Responsibility.Role.SUPPORT),
        task["due_on"].isoformat() if task["due_on"] else "",
        STATUS_LABELS[task["status"]],
        f"{task['percent']}%",
        task["latest_progress"] or "",
        task["latest_problems"] or "",
        task["latest_next_steps"] or "",
        latest_on.isoformat() if latest_on else "",
        task["light"],
    ]


def export_ledger(tasks, *, title, today, output, unit_sheets=True):
    """Writes the ledger of `tasks` (a Task queryset, its standing refreshed) to `output`.

    汇总 and 台账, and with `unit_sheets` a sheet for each responsible unit.
    """
    records, units = ledger_records(tasks)
    book = xlsx.new_workbook()
    write_summary(book, records, units, title=title, today=today)
    title_rows = [title, f"导出日期：{today.isoformat()}"]
    rows = [ledger_row(t, units[t["pk"]]) for t in records]
    xlsx.write_sheet(
        book.create_sheet("台账"),
        (LEDGER_COLUMNS, rows),
        title_rows=title_rows,
        light_labels=LIGHT_LABELS,
    )
    if unit_sheets:
        write_unit_sheets(book, records, units, rows, title_rows)
    book.save(output)


def export_plan_ledger(plan, *, today, output):
    """The plan's supervision workbook, its lights as of today."""
    tasks = Task.objects.filter(plan=plan)
    refresh_stale(tasks, today)
    export_ledger(tasks, title=plan.title, today=today, output=output)


def write_unit_sheets(book, records, units, rows, title_rows):
    """A sheet per responsible unit: its rows of the ledger, with its role in each."""
    by_unit = {}
    for record, row in zip(records, rows, strict=True):
        for unit in units[record["pk"]]:
            entry = by_unit.setdefault(unit["unit_id"], (unit, []))
            entry[1].append([ROLE_LABELS[unit["role"]], *row])
    taken = {"汇总", "台账"}
    columns = [Column("职责", center=True), *LEDGER_COLUMNS]
    for unit, unit_rows in sorted(by_unit.values(), key=lambda e: unit_order(e[0])):
        sheet = book.create_sheet(xlsx.sheet_name(display_name(unit), taken))
        unit_title = [f"{title_rows[0]} · {unit['unit__name']}", title_rows[1]]
        xlsx.write_sheet(
            sheet, (columns, unit_rows), title_rows=unit_title, light_labels=LIGHT_LABELS
        )


def display_name(unit):
    return unit["unit__short_name"] or unit["unit__name"]


def unit_order(unit):
    return (unit["unit__sort_order"], unit["unit__name"])


def count_columns(first):
    return [
        Column(first, wrap=True),
        Column("任务数", center=True),
        Column("已完成", center=True),
        Column("推进中", center=True),
        Column("未启动", center=True),
        Column("滞后", center=True),
        Column("红灯", center=True),
        Column("完成率", center=True),
    ]


def count_row(row):
    statuses = [
        Task.Status.DONE,
        Task.Status.IN_PROGRESS,
        Task.Status.NOT_STARTED,
        Task.Status.DELAYED,
    ]
    return [
        row.label,
        row.total,
        *(row.statuses[s] for s in statuses),
        row.lights[Light.RED],
        f"{row.completion}%",
    ]


def summary_rows(records, units):
    """Counts for the whole ledger, per section and per responsible unit."""
    total, sections, by_unit = Row("", {}), {}, {}
    for task in records:
        total.count(task["status"], task["light"])
        if task["section_id"] is not None:
            heading = Section.heading(task["section__code"], task["section__title"])
            row = sections.setdefault(task["section_id"], Row(heading, {}))
            row.count(task["status"], task["light"])
        for unit in units[task["pk"]]:
            row = by_unit.setdefault(unit["unit_id"], Row(display_name(unit), {}, obj=unit))
            row.count(task["status"], task["light"])
    ordered = sorted(by_unit.values(), key=lambda r: unit_order(r.obj))
    return total, list(sections.values()), ordered


def write_summary(book, records, units, *, title, today):
    """汇总: counts per section and per unit, and a chart of status by unit."""
    total, sections, unit_rows = summary_rows(records, units)
    sheet = book.create_sheet("汇总")
    title_rows = [
        title,
        f"导出日期：{today.isoformat()}；任务{total.total}项，已完成{total.done}项，"
        f"完成率{total.completion}%",
    ]
    section_table = (count_columns("板块"), [count_row(r) for r in sections])
    unit_table = (count_columns("责任单位"), [count_row(r) for r in unit_rows])
    xlsx.write_sheet(sheet, section_table, unit_table, title_rows=title_rows)
    if unit_rows:
        # The unit table's header sits after the titles, the section table and a blank row.
        header = len(title_rows) + 1 + len(sections) + 2
        add_status_chart(sheet, header_row=header, count=len(unit_rows))


def add_status_chart(sheet, *, header_row, count):
    """A native Excel chart: tasks by status for each unit (rows of the unit table)."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各责任单位任务状态"
    chart.height, chart.width = max(6, count * 0.9), 16
    data = Reference(sheet, min_col=3, max_col=6, min_row=header_row, max_row=header_row + count)
    labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=header_row + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    sheet.add_chart(chart, "J3")
