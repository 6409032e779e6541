"""The supervision workbook (台账): 汇总, 台账, and one sheet per responsible unit.

Rows are built from values annotated in one query, so the number of queries is the same for
19 tasks or 10,000.
"""

from django.db.models import OuterRef, Subquery
from openpyxl.chart import BarChart, Reference

from reform import xlsx
from reform.xlsx import Column
from tasks.dashboard import summary
from tasks.lights import Light, assess_tasks
from tasks.models import ProgressReport, Task

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


def with_latest_report(tasks):
    """Annotates each task with its latest accepted report's texts and date (one query)."""
    latest = ProgressReport.objects.filter(
        task=OuterRef("pk"), state=ProgressReport.State.ACCEPTED
    ).order_by("-submitted_on", "-pk")
    return tasks.annotate(
        **{name: Subquery(latest.values(field)[:1]) for name, field in LATEST_FIELDS.items()}
    )


def names(units):
    return "、".join(u.name for u in units)


def ledger_row(task):
    return [
        task.code,
        task.section.title if task.section else "",
        task.title,
        task.content,
        names(task.lead_units),
        names(task.support_units),
        task.due_on.isoformat() if task.due_on else "",
        task.get_status_display(),
        f"{task.percent}%",
        task.latest_progress or "",
        task.latest_problems or "",
        task.latest_next_steps or "",
        task.latest_on.isoformat() if task.latest_on else "",
        task.light,
    ]


def export_ledger(tasks, *, title, today, output):
    """Writes the ledger of `tasks` (a Task queryset) to `output` (a path or file)."""
    tasks = assess_tasks(with_latest_report(tasks.with_units()), today)
    book = xlsx.new_workbook()
    write_summary(book, tasks, title=title, today=today)
    light_labels = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "done": "已完成"}
    taken = {"汇总", "台账"}
    sheet = book.create_sheet("台账")
    title_rows = [title, f"导出日期：{today.isoformat()}"]
    rows = [ledger_row(t) for t in tasks]
    xlsx.write_sheet(
        sheet, (LEDGER_COLUMNS, rows), title_rows=title_rows, light_labels=light_labels
    )
    for unit, unit_tasks in tasks_by_unit(tasks):
        sheet = book.create_sheet(xlsx.sheet_name(unit.display_name, taken))
        columns = [Column("职责", center=True), *LEDGER_COLUMNS]
        rows = [[role, *ledger_row(t)] for role, t in unit_tasks]
        unit_title = [f"{title} · {unit.name}", title_rows[1]]
        xlsx.write_sheet(sheet, (columns, rows), title_rows=unit_title, light_labels=light_labels)
    book.save(output)


def tasks_by_unit(tasks):
    units = {}
    for task in tasks:
        for resp in task.responsibilities.all():
            entry = units.setdefault(resp.unit_id, (resp.unit, []))
            entry[1].append((resp.get_role_display(), task))
    return sorted(units.values(), key=lambda e: (e[0].sort_order, e[0].name))


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


def write_summary(book, tasks, *, title, today):
    """汇总: counts per section and per unit, and a chart of status by unit."""
    total, sections, units = summary(tasks, {})
    sheet = book.create_sheet("汇总")
    title_rows = [
        title,
        f"导出日期：{today.isoformat()}；任务{total.total}项，已完成{total.done}项，"
        f"完成率{total.completion}%",
    ]
    section_table = (count_columns("板块"), [count_row(r) for r in sections])
    unit_table = (count_columns("责任单位"), [count_row(r) for r in units])
    xlsx.write_sheet(sheet, section_table, unit_table, title_rows=title_rows)
    if units:
        # The unit table's header sits after the titles, the section table and a blank row.
        header = len(title_rows) + 1 + len(sections) + 2
        add_status_chart(sheet, header_row=header, count=len(units))


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
