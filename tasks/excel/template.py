"""The 填报模板: a unit's tasks in one plan, to fill in offline and import back.

Identity columns are locked; the columns to fill are unlocked, with a drop-down for 状态. A very
hidden sheet names the plan, the unit and the period, so the import can refuse a template that
belongs elsewhere.
"""

from django.core import signing

from reform import xlsx
from reform.xlsx import Column
from tasks.models import Task

FORMAT = "reform-progress-template/2"  # 2: the identity is signed
IDENTITY_SALT = "tasks.excel.template.identity"
META_SHEET = "_meta"
SHEET = "填报"
STATUS_CHOICES = [Task.Status.IN_PROGRESS, Task.Status.DONE, Task.Status.DELAYED]
IDENTITY = [
    Column("任务编号", center=True),
    Column("序号", center=True),
    Column("工作任务", wrap=True),
    Column("职责", center=True),
]
FILL_IN = [
    Column("状态", center=True, editable=True),
    Column("完成进度（%）", center=True, editable=True),
    Column("工作进展", wrap=True, editable=True, width=48),
    Column("存在问题", wrap=True, editable=True, width=32),
    Column("下步计划", wrap=True, editable=True, width=32),
]
TITLE_ROWS = 2


def indicator_header(indicator):
    unit = f"（{indicator.unit}）" if indicator.unit else ""
    return f"指标：{indicator.name}{unit}"


def status_labels():
    return [str(Task.Status(s).label) for s in STATUS_CHOICES]


def template_tasks(plan, unit):
    """The unit's open tasks in the plan, with its role on each (one query with prefetch)."""
    tasks = (
        Task.objects.filter(plan=plan, responsibilities__unit=unit, closed_at=None)
        .prefetch_related("responsibilities", "indicators")
        .order_by("seq")
    )
    return list(tasks)


def write_template(*, plan, unit, period, output):
    tasks = template_tasks(plan, unit)
    indicators = sorted(
        {ind.pk: ind for t in tasks for ind in t.indicators.all()}.values(),
        key=lambda i: (i.task_id, i.seq),
    )
    columns = IDENTITY + FILL_IN + [Column(indicator_header(i), editable=True) for i in indicators]
    rows = [template_row(task, unit, indicators) for task in tasks]
    book = xlsx.Book(output)
    sheet = book.add_sheet(SHEET)
    title_rows = [
        f"{plan.title} · {unit.name} · 进展填报模板",
        f"填报周期：{period.label}，请于{period.deadline.isoformat()}前报送。"
        "灰色列请勿修改；状态请从下拉列表选择；不填写的任务留空即可。",
    ]
    # Rows below the header (0-based), at least one.
    add_validations(sheet, first=TITLE_ROWS + 1, last=TITLE_ROWS + max(len(rows), 1))
    xlsx.write_sheet(book, sheet, (columns, rows), title_rows=title_rows, protect=True)
    write_meta(book, plan=plan, unit=unit, period=period, indicators=indicators)
    book.close()


def template_row(task, unit, indicators):
    (role,) = [r.get_role_display() for r in task.responsibilities.all() if r.unit_id == unit.pk]
    own = {i.pk for i in task.indicators.all()}
    # Indicator cells of other tasks hold a dash, so nobody fills in a figure that means nothing.
    figures = [None if i.pk in own else "—" for i in indicators]
    return [task.pk, task.code, task.title, role, None, None, None, None, None, *figures]


def add_validations(sheet, *, first, last):
    """A drop-down of statuses, and whole percents from 0 to 100 (rows 0-based)."""
    status_col, percent_col = len(IDENTITY), len(IDENTITY) + 1
    sheet.data_validation(
        first,
        status_col,
        last,
        status_col,
        {
            "validate": "list",
            "source": status_labels(),
            "error_title": "状态",
            "error_message": "请从下拉列表中选择状态。",
        },
    )
    sheet.data_validation(
        first,
        percent_col,
        last,
        percent_col,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_title": "完成进度",
            "error_message": "请输入0到100之间的整数。",
        },
    )


def write_meta(book, *, plan, unit, period, indicators):
    """The template's identity, signed: a file whose plan, unit, period or indicators were
    changed (the sheet can be unhidden in Excel, WPS or LibreOffice) is refused."""
    meta = book.add_sheet(META_SHEET)
    meta.very_hidden()
    identity = {
        "plan": plan.pk,
        "unit": unit.pk,
        "period": period.start.isoformat(),
        "indicators": [i.pk for i in indicators],
    }
    for row, (key, value) in enumerate(
        [("format", FORMAT), ("identity", signing.dumps(identity, salt=IDENTITY_SALT))]
    ):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
