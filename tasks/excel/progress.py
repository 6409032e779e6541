"""Reads a filled-in 填报模板 back as progress reports: all rows or none.

`read_progress` checks the file and every row and says what each row would do, with every
error by row, column and reason; `services.reports_import` writes the reports in one
transaction. A formula is refused, naming its cell: its value would be whatever the file says.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from reform.archives import NotAnArchive, TooLarge, check_archive
from tasks.access import manages
from tasks.excel.cells import (
    blank,
    displayed,
    merged_cells,
    padded,
    percent_of,
    to_decimal,
    to_int,
)
from tasks.excel.template import (
    FILL_IN,
    FORMAT,
    IDENTITY,
    IDENTITY_SALT,
    META_SHEET,
    STATUS_CHOICES,
    indicator_header,
    status_labels,
)
from tasks.models import Indicator, Plan, ProgressReport, Task
from tasks.standing.periods import period_containing, plan_periods
from units.models import Unit
from units.roles import unit_ids

MAX_UPLOAD = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 100  # a template has its identity, the fill-in columns and one per indicator
TEXT_LIMIT = 5000
FIELDS = ["status", "percent", "progress", "problems", "next_steps"]
ERROR = _("有错误，不导入")
OUTCOMES = {
    "create": _("新建报告"),
    "update": _("更新报告"),
    "unchanged": _("已导入过，跳过"),
    "skip": _("未填写，跳过"),
}


NOT_A_TEMPLATE = "该文件不是本系统的进展填报模板，请先在“我的任务”页面下载模板。"
PERCENT = "完成进度（%）"
TEXT_COLUMNS = {"状态", "工作进展", "存在问题", "下步计划"}
SAVE_AS_XLSX = (
    "这不是.xlsx文件（可能是.xls、.ods或.csv）：请在Excel或WPS中“另存为”Excel工作簿（.xlsx）"
    "后再上传。"
)


class Refused(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass
class RowResult:
    number: int
    task: Task | None = None
    action: str = "skip"  # create, update, unchanged, skip
    values: dict = field(default_factory=dict)
    figures: list = field(default_factory=list)
    existing: ProgressReport | None = None
    errors: list = field(default_factory=list)  # (column, message)

    def error(self, column, message):
        self.errors.append((column, message))

    @property
    def outcome(self):
        """What the row does, in the clerk's words (the preview and the command say it)."""
        return ERROR if self.errors else OUTCOMES[self.action]


@dataclass
class ImportResult:
    plan: Plan
    unit: Unit
    period: date
    rows: list

    @property
    def errors(self):
        return [(r.number, col, msg) for r in self.rows for col, msg in r.errors]

    @property
    def writes(self):
        return [r for r in self.rows if r.action in ("create", "update")]

    def count(self, action):
        return sum(r.action == action for r in self.rows)


def check_upload(file):
    """Refuses what is not a small, sane .xlsx before openpyxl opens it."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_UPLOAD:
        raise Refused("文件超过5MB，请只保留填报模板中的内容后再上传。")
    try:
        check_archive(file)
    except NotAnArchive:
        raise Refused(SAVE_AS_XLSX) from None
    except TooLarge:
        raise Refused("文件解压后过大，已拒绝导入。") from None


def open_template(file):
    """The template's hidden identity and its rows of cells, from the header row on."""
    check_upload(file)
    try:
        # Formulas are read as formulas (and refused), never as the values a file claims.
        book = load_workbook(file, read_only=True, data_only=False)
        meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(max_col=2, values_only=True)}
        check_format(meta)
        sheet, header_row = find_header(book)
        # The dimensions a file declares are not trusted: A1:XFD1048576 made every row
        # 16,384 cells long and took a worker to 700 MB.
        sheet.reset_dimensions()
        rows = list(
            sheet.iter_rows(
                min_row=header_row, max_row=header_row + MAX_ROWS + 10, max_col=MAX_COLUMNS
            )
        )
    except Refused:
        raise
    except KeyError:
        raise Refused(NOT_A_TEMPLATE) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise Refused("无法读取该文件，请上传由本系统下载的填报模板（.xlsx）。") from None
    if len(rows) > MAX_ROWS + 1:
        raise Refused(f"行数超过{MAX_ROWS}行，请分批导入。")
    merged = [
        ref for ref in merged_cells(file, sheet.title) if range_boundaries(ref)[3] > header_row
    ]
    if merged:
        raise Refused(
            f"单元格{'、'.join(merged[:5])}被合并：请取消合并，每项任务在自己的一行填写，再导入。"
        )
    return meta, header_row, rows


def check_format(meta):
    if str(meta.get("format")).startswith(FORMAT.split("/")[0]) and meta["format"] != FORMAT:
        raise Refused("该模板是旧版本，请在“我的任务”页面重新下载填报模板后填写。")
    if meta.get("format") != FORMAT:
        raise Refused(NOT_A_TEMPLATE)


def find_header(book):
    """The sheet and row (1-based) of the template's header, found by its first column's
    text wherever it is (a clerk may rename the sheet or add rows above it)."""
    first = IDENTITY[0].header
    for sheet in book.worksheets:
        if sheet.title == META_SHEET:
            continue
        for number, row in enumerate(sheet.iter_rows(max_row=20, max_col=5, values_only=True), 1):
            if any(isinstance(v, str) and v.strip() == first for v in row):
                return sheet, number
    raise Refused(f"没有找到填报表的表头（“{first}”一列），请重新下载填报模板后填写。")


def identity_of(meta):
    """The plan, unit, period and indicators the template was made for, as signed when it
    was downloaded; `Refused` if any was changed since."""
    try:
        identity = signing.loads(str(meta.get("identity")), salt=IDENTITY_SALT)
        return (
            int(identity["plan"]),
            int(identity["unit"]),
            date.fromisoformat(identity["period"]),
            [int(i) for i in identity["indicators"]],
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("模板的隐藏信息被修改过或已损坏，请重新下载填报模板后填写。") from None


def read_progress(file, *, user, plan=None) -> ImportResult:
    """Checks a filled-in template; raises `Refused` for a file that is unusable as a whole."""
    meta, header_row, rows = open_template(file)
    plan_id, unit_id, period_start, indicator_ids = identity_of(meta)
    template_plan = Plan.objects.visible_to(user).filter(pk=plan_id).first()
    if template_plan is None:
        raise Refused("模板所属的方案不存在或无权访问。")
    if template_plan.is_archived:
        raise Refused("该方案已归档，不再接受进展报告。")
    if plan is not None and template_plan.pk != plan.pk:
        raise Refused(f"该模板属于另一个方案（{template_plan.title}），请在该方案下导入。")
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not (manages(user, template_plan) or unit.pk in unit_ids(user)):
        raise Refused("您无权为模板所属的单位导入进展。")
    period = period_containing(template_plan, period_start)
    if period not in plan_periods(template_plan, timezone.localdate()):
        raise Refused(
            f"模板的填报周期（{period.label}）不在方案执行期内或尚未开始，请重新下载填报模板。"
        )
    header, body = rows[0], rows[1:]
    reader = RowReader(template_plan, unit, period.start, indicator_ids)
    reader.check_header([cell.value for cell in header])
    results = [reader.read(n, row) for n, row in enumerate(body, start=header_row + 1)]
    reader.check_duplicates(results)
    return ImportResult(template_plan, unit, period.start, [r for r in results if r is not None])


class RowReader:
    def __init__(self, plan, unit, period, indicator_ids):
        self.period = period
        tasks = Task.objects.filter(plan=plan, responsibilities__unit=unit)
        self.tasks = {t.pk: t for t in tasks}
        for task in self.tasks.values():
            task.plan = plan  # read once for every row
        indicators = Indicator.objects.filter(pk__in=indicator_ids, task__in=list(self.tasks))
        by_id = {i.pk: i for i in indicators}
        self.indicators = [by_id.get(i) for i in indicator_ids]
        existing = ProgressReport.objects.filter(
            task__in=list(self.tasks), unit=unit, period=period
        ).prefetch_related("figures")
        self.existing = {r.task_id: r for r in existing}
        self.statuses = dict(zip(status_labels(), STATUS_CHOICES, strict=True))

    def check_header(self, header):
        """Refuses a header whose columns were deleted, renamed or moved, naming them."""
        expected = self.headers
        got = [str(h).strip() if h is not None else None for h in header[: len(expected)]]
        if got == expected:
            return
        missing = [h for h in expected if h and h not in got]
        if missing:
            names = "、".join(f"「{h}」" for h in missing)
            raise Refused(f"模板缺少{names}列，请重新下载填报模板后填写，不要删除或改名列。")
        moved = next(h for h, g in zip(expected, got, strict=False) if h != g)
        raise Refused(f"「{moved}」列的位置被移动，请重新下载填报模板后填写。")

    @cached_property
    def headers(self):
        headers = [c.header for c in IDENTITY + FILL_IN]
        return headers + [indicator_header(i) if i else None for i in self.indicators]

    def read(self, number, row):
        result = RowResult(number)
        row = self.shown(result, row)
        task_id, filled = row[0], row[len(IDENTITY) :]
        if result.errors:  # formulas: nothing else is read until they are values
            result.task = self.task_of(task_id)
            return result
        unfilled = all(blank(v) or v == "—" for v in filled)
        if unfilled and blank(task_id):
            return None
        task = self.task_of(task_id)
        if task is None:
            result.error("任务编号", "不是本单位在该方案中的任务，请勿修改任务编号。")
            return result
        result.task = task
        if unfilled:
            return result  # left empty: not reported this time
        if task.report_refusal:
            result.error("任务编号", str(task.report_refusal))
            return result
        self.read_values(result, filled)
        self.read_figures(result, filled[len(FILL_IN) :])
        if not result.errors:
            self.decide(result)
        return result

    def task_of(self, task_id):
        return self.tasks.get(task_id if isinstance(task_id, int) else to_int(task_id))

    def shown(self, result, cells):
        """The row's values as the clerk saw them: text columns as displayed (a date typed
        as 2024年3月 is that text), the percent as a number; a formula is refused, naming its
        cell (its value would be whatever the file says it was)."""
        values = []
        for column, cell in zip(self.headers, padded(cells, len(self.headers)), strict=True):
            if cell.data_type == "f":
                result.error(
                    column,
                    f"单元格{cell.coordinate}是公式；请复制后“选择性粘贴→数值”粘回原处，再导入。",
                )
                values.append(None)
            elif column == PERCENT:
                values.append(percent_of(cell))
            elif column in TEXT_COLUMNS:
                values.append(displayed(cell))
            else:
                values.append(cell.value)
        return values

    def read_values(self, result, cells):
        status, percent, progress, problems, next_steps = cells[: len(FILL_IN)]
        if blank(status):
            result.error("状态", "请选择状态。")
        elif str(status).strip() not in self.statuses:
            result.error("状态", f"“{status}”不在可选范围内（{'、'.join(self.statuses)}）。")
        else:
            result.values["status"] = self.statuses[str(status).strip()]
        number = to_int(str(percent).strip().rstrip("%")) if not blank(percent) else None
        if number is None and to_decimal(percent) is not None and 0 < to_decimal(percent) < 1:
            result.error(
                PERCENT, f"请填写0到100之间的整数（80表示80%）；{percent}应写作{percent * 100:g}。"
            )
        elif number is None or not 0 <= number <= 100:
            result.error(PERCENT, "请填写0到100之间的整数。")
        else:
            result.values["percent"] = number
        if result.values.get("status") == Task.Status.DONE and number not in (None, 100):
            result.error(PERCENT, "状态为“已完成”时，完成进度应为100。")
        texts = {"progress": progress, "problems": problems, "next_steps": next_steps}
        for name, value in texts.items():
            result.values[name] = "" if blank(value) else str(value).strip()[:TEXT_LIMIT]
        if not result.values["progress"]:
            result.error("工作进展", "请填写工作进展。")

    def read_figures(self, result, cells):
        own = {i.pk for i in self.indicators if i is not None and i.task_id == result.task.pk}
        for indicator, value in zip(self.indicators, cells, strict=False):
            if indicator is None or blank(value) or value == "—":
                continue
            header = indicator_header(indicator)
            if indicator.pk not in own:
                result.error(header, "该指标不属于本行任务。")
                continue
            number = to_decimal(value)
            if number is None or number < 0:
                result.error(header, "请填写不小于0的数字。")
                continue
            result.figures.append((indicator, number))

    def decide(self, result):
        existing = self.existing.get(result.task.pk)
        if existing is None:
            result.action = "create"
            return
        result.existing = existing
        if same(existing, result):
            result.action = "unchanged"
        elif existing.is_editable:
            result.action = "update"
        else:
            result.error(
                "工作进展",
                f"本单位该周期的报告{existing.get_state_display()}，内容不同；如需修改，请联系产改办退回后再导入。",
            )

    @staticmethod
    def check_duplicates(results):
        seen = set()
        for result in results:
            if result is not None and result.task is not None:
                if result.task.pk in seen:
                    result.error("任务编号", "同一任务出现了两次。")
                seen.add(result.task.pk)


def same(report, result):
    mine = {f: getattr(report, f) for f in FIELDS}
    figures = {(f.indicator_id, f.value) for f in report.figures.all() if f.indicator_id}
    return mine == result.values and figures == {(i.pk, v) for i, v in result.figures}
