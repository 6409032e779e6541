"""The supervision workbook (台账): 汇总, 台账, and one sheet per responsible unit.

Rows are built from values fetched in a fixed number of queries, so the number of queries is
the same for 19 tasks or 10,000; lights are the stored standing (tasks/standing/refresh.py).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import translation

from reform import xlsx
from reform.xlsx import Column
from tasks.models import Light, Responsibility, Section, Task
from tasks.pages.dashboard import Row

# The workbook is a Chinese document whatever the reader's language: its headers and sheet
# names are the format offices exchange, and the fill-in import reads them back.
# Printed on A4 landscape two pages wide (reform/xlsx.py): the task and its units, then its
# progress, 序号 to 工作任务 repeated on each.
LEDGER_COLUMNS = [
    Column("序号", center=True, repeat=True),
    Column("板块", wrap=True, max_width=12, repeat=True),
    Column("工作任务", wrap=True, max_width=18, repeat=True),
    Column("主要内容", wrap=True, max_width=40),
    Column("牵头部门", wrap=True, max_width=12),
    Column("配合部门", wrap=True, max_width=12),
    Column("完成时限", center=True),
    Column("状态", center=True),
    Column("完成进度", center=True, percent=True),
    Column("最新进展", wrap=True, max_width=38),
    Column("存在问题", wrap=True, max_width=22),
    Column("下步计划", wrap=True, max_width=22),
    Column("填报时间", center=True),
    Column("红黄绿灯", center=True, fill_key=True),
]
ROW_FIELDS = [
    "pk",
    "code",
    "section__title",
    "title",
    "content",
    "due_on",
    "status",
    "percent",
    "latest_report__progress",
    "latest_report__problems",
    "latest_report__next_steps",
    "latest_report__submitted_on",
    "light",
]
with translation.override("zh-hans"):
    STATUS_LABELS = {value: str(label) for value, label in Task.Status.choices}
    ROLE_LABELS = {value: str(label) for value, label in Responsibility.Role.choices}
    LIGHT_LABELS = {value: str(label) for value, label in Light.choices}
CHUNK = 2000
STATUS_COLOURS = ["#2E7D32", "#1C4F9C", "#CBD2D9", "#C62828"]


@dataclass
class LedgerUnit:
    name: str
    short_name: str
    sort_order: int

    @property
    def display_name(self):
        return self.short_name or self.name


def responsibilities(tasks):
    """(task id → its (unit id, role) pairs in document order, unit id → LedgerUnit), from
    one query: small tuples, so ten thousand tasks' units fit in little memory."""
    by_task, units = defaultdict(list), {}
    rows = (
        Responsibility.objects.filter(task__in=tasks.order_by().values("pk"))
        .order_by("task_id", "role", "seq")
        .values_list(
            "task_id", "role", "unit_id", "unit__name", "unit__short_name", "unit__sort_order"
        )
    )
    for task_id, role, unit_id, name, short_name, sort_order in rows.iterator(CHUNK):
        by_task[task_id].append((unit_id, role))
        if unit_id not in units:
            units[unit_id] = LedgerUnit(name, short_name, sort_order)
    return by_task, units


def ledger_rows(tasks, by_task, units):
    """(task id, its ledger row) for each task, streamed from one query in chunks."""
    for (
        pk,
        code,
        section,
        title,
        content,
        due_on,
        status,
        percent,
        *latest,
        light,
    ) in tasks.values_list(*ROW_FIELDS).iterator(CHUNK):
        progress, problems, next_steps, latest_on = latest
        pairs = by_task.get(pk, ())
        yield (
            pk,
            [
                code,
                section or "",
                title,
                content,
                "、".join(units[u].name for u, role in pairs if role == Responsibility.Role.LEAD),
                "、".join(
                    units[u].name for u, role in pairs if role == Responsibility.Role.SUPPORT
                ),
                due_on.isoformat() if due_on else "",
                STATUS_LABELS[status],
                percent / 100,
                progress or "",
                problems or "",
                next_steps or "",
                latest_on.isoformat() if latest_on else "",
                light,
            ],
        )


@dataclass
class Ledger:
    """What a ledger workbook prints: its counts (total, per section, per unit: `Row`s), its
    rows as (key, row) and, by key, the (unit key, role) pairs of each row's units."""

    summary: tuple
    rows: object
    by_task: dict
    units: dict


def export_ledger(tasks, *, title, today, output, unit_sheets=True):
    """Writes the ledger of `tasks` (a Task queryset) to `output`.

    汇总 and 台账, and with `unit_sheets` a sheet for each responsible unit (for a plan's
    ledger; the rows are then held in memory once). Five queries whatever the size.
    """
    by_task, units = responsibilities(tasks)
    rows = ledger_rows(tasks, by_task, units)
    ledger = Ledger(summary_rows(tasks, units), rows, by_task, units)
    write_ledger(
        ledger,
        title=title,
        dated=f"导出日期：{today.isoformat()}",
        output=output,
        unit_sheets=unit_sheets,
    )


def write_ledger(ledger, *, title, dated, output, unit_sheets=True, more=None):
    """汇总, 台账, with `unit_sheets` a sheet per unit, and `more(book)`'s sheets after them."""
    book = xlsx.Book(output, streamed=not unit_sheets)
    write_summary(book, ledger.summary, title=title, dated=dated)
    title_rows = [title, dated]
    rows = list(ledger.rows) if unit_sheets else ledger.rows
    xlsx.write_sheet(
        book,
        book.add_sheet("台账"),
        (LEDGER_COLUMNS, (row for _pk, row in rows)),
        title_rows=title_rows,
        light_labels=LIGHT_LABELS,
    )
    if unit_sheets:
        write_unit_sheets(book, rows, ledger.by_task, ledger.units, title_rows)
    if more:
        more(book)
    book.close()


def write_unit_sheets(book, rows, by_task, units, title_rows):
    """A sheet per responsible unit: its rows of the ledger, with its role in each."""
    by_unit = defaultdict(list)
    for pk, row in rows:
        for unit_id, role in by_task.get(pk, ()):
            by_unit[unit_id].append([ROLE_LABELS[role], *row])
    taken = {"汇总", "台账"}
    columns = [Column("职责", center=True, repeat=True), *LEDGER_COLUMNS]
    for unit_id in sorted(by_unit, key=lambda u: (units[u].sort_order, units[u].name)):
        unit = units[unit_id]
        sheet = book.add_sheet(xlsx.sheet_name(unit.display_name, taken))
        unit_title = [f"{title_rows[0]} · {unit.name}", title_rows[1]]
        xlsx.write_sheet(
            book,
            sheet,
            (columns, by_unit[unit_id]),
            title_rows=unit_title,
            light_labels=LIGHT_LABELS,
        )


def count_columns(first):
    return [
        Column(first, wrap=True),
        Column("任务数", center=True),
        Column("已完成", center=True),
        Column("推进中", center=True),
        Column("未启动", center=True),
        Column("滞后", center=True),
        Column("红灯", center=True),
        Column("完成率", center=True, percent=True),
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
        row.completion / 100,
    ]


def summary_rows(tasks, units):
    """Counts for the whole ledger, per section and per responsible unit (two queries)."""
    tasks = Task.objects.filter(pk__in=tasks.order_by().values("pk"))
    total, sections = Row("", {}), {}
    by_section = (
        tasks.values("section_id", "section__code", "section__title", "status", "light")
        .annotate(n=Count("pk"))
        .order_by("section__plan_id", "section__seq")
    )
    for c in by_section:
        total.count(c["status"], c["light"], c["n"])
        if c["section_id"] is not None:
            heading = Section.heading(c["section__code"], c["section__title"])
            sections.setdefault(c["section_id"], Row(heading, {})).count(
                c["status"], c["light"], c["n"]
            )
    by_unit = {}
    counts = (
        Responsibility.objects.filter(task__in=tasks)
        .values("unit_id", "task__status", "task__light")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for c in counts:
        unit = units[c["unit_id"]]
        row = by_unit.setdefault(c["unit_id"], Row(unit.display_name, {}, obj=unit))
        row.count(c["task__status"], c["task__light"], c["n"])
    ordered = sorted(by_unit.values(), key=lambda r: (r.obj.sort_order, r.obj.name))
    return total, list(sections.values()), ordered


def write_summary(book, summary, *, title, dated):
    """汇总: counts per section and per unit, and a chart of status by unit."""
    total, sections, unit_rows = summary
    sheet = book.add_sheet("汇总")
    title_rows = [
        title,
        f"{dated}；任务{total.total}项，已完成{total.done}项，完成率{total.completion}%",
    ]
    section_table = (count_columns("板块"), [count_row(r) for r in sections])
    unit_table = (count_columns("责任单位"), [count_row(r) for r in unit_rows])
    height = chart_height(len(unit_rows)) if unit_rows else 0
    below = xlsx.write_sheet(
        book, sheet, section_table, unit_table, title_rows=title_rows, space_below=height
    )
    if unit_rows:
        # The unit table's header (0-based) sits after the titles, the section table and a
        # blank row.
        header = len(title_rows) + len(sections) + 2
        add_status_chart(book, sheet, header_row=header, count=len(unit_rows), at=below)


def chart_height(count):
    """Points the status chart takes for this many units."""
    return round(38 * max(6, count * 0.9) * 0.75)


def add_status_chart(book, sheet, *, header_row, count, at):
    """A native Excel chart, below the tables from row `at`: tasks by status for each unit
    (rows of the unit table)."""
    chart = book.workbook.add_chart({"type": "bar", "subtype": "stacked"})
    first, last = header_row + 1, header_row + count
    # 已完成, 推进中, 未启动, 滞后 in the pages' colours (static/js/charts.js)
    for col, colour in zip(range(2, 6), STATUS_COLOURS, strict=True):
        chart.add_series(
            {
                "name": ["汇总", header_row, col],
                "categories": ["汇总", first, 0, last, 0],
                "values": ["汇总", first, col, last, col],
                "overlap": 100,
                "fill": {"color": colour},
                "border": {"none": True},
            }
        )
    chart.set_y_axis({"reverse": True})  # units top to bottom, as in the table
    chart.set_legend({"position": "bottom"})
    chart.set_title({"name": "各责任单位任务状态"})
    chart.set_size({"width": 640, "height": chart_height(count) / 0.75})
    sheet.insert_chart(at, 0, chart)
