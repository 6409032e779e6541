"""Word .docx plans as text: their paragraphs, and their tables (分工表) as the lines of a plan."""

import io
import re

from docx import Document

from reform.archives import TooLarge, check_archive
from tasks.documents.lines import SENTENCE_END
from tasks.documents.plan import ParseError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A task's title, and its measures, by the column's header in order of preference.
TITLE_HEADERS = ("重点任务", "工作任务", "主要任务", "工作要点", "任务", "任务内容", "工作内容")
CONTENT_HEADERS = (
    "具体举措",
    "具体措施",
    "工作措施",
    "主要措施",
    "主要内容",
    "工作内容",
    "任务内容",
)
GROUP_HEADERS = ("板块", "类别", "重点领域", "领域", "方面")  # a column of section names
NUMBER_HEADERS = ("序号", "编号")
# 责任领导, 责任人, 联系人: people, whose names are no units, though the header says 责任.
PERSON_COLUMN = re.compile(r"领导|人$|人员")
DIGITS = "零一二三四五六七八九"
COLUMN_FIELDS = {
    "牵头": "牵头单位",
    "配合": "配合单位",
    "协办": "配合单位",
    "责任": "责任单位",
    "时限": "完成时限",
    "时间": "完成时限",
}


def docx_text(data: bytes) -> str:
    file = io.BytesIO(data)
    try:
        check_archive(file)
        document = Document(file)
    except TooLarge:
        raise ParseError("该Word文件解压后过大，已拒绝读取。") from None
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a broken file
        raise ParseError("无法读取该Word文件，请确认是.docx格式。") from None
    lines = []
    # Elements by their qualified names: comments and processing instructions are skipped.
    for block in document.element.body.iterchildren(W + "p", W + "tbl"):
        if block.tag == W + "p":
            lines.append(text_of(block))
        else:
            lines += table_lines(table_rows(block))
    return "\n".join(lines)


def text_of(element):
    return "".join(t.text or "" for t in element.iter(W + "t"))


def table_rows(table):
    """A table's rows, each a list of (text, merged down from the row above) per column of its
    grid: a cell spanning columns (gridSpan) holds its text in the first, a cell merged down a
    column (vMerge) repeats the text of the cell it continues."""
    rows, above = [], {}
    for tr in table.iterchildren(W + "tr"):
        row = []
        for tc in tr.iterchildren(W + "tc"):
            span, continued = cell_layout(tc)
            text = above.get(len(row), "") if continued else text_of(tc).strip()
            above[len(row)] = text
            row += [(text, continued)] + [("", continued)] * (span - 1)
        rows.append(row)
    return rows


def cell_layout(tc):
    """(columns the cell spans, whether it continues the cell above it)."""
    props = tc.find(W + "tcPr")
    span = props.find(W + "gridSpan") if props is not None else None
    merge = props.find(W + "vMerge") if props is not None else None
    columns = int(span.get(W + "val", "1")) if span is not None else 1
    return max(1, min(columns, 64)), merge is not None and merge.get(W + "val") != "restart"


def table_lines(rows):
    """A 分工表 as the lines of a plan: a row across the whole width is a section heading
    (as is each new value of a 板块 column); a row's 重点任务 (or 工作任务) is its task, its
    具体举措 (or 主要内容) the task's content, its unit and deadline columns fields, and any
    other column (备注, 责任领导) a line of the content. A row whose task cell is merged down
    from the row above, or left empty, adds to that task."""
    header = next((i for i, row in enumerate(rows) if is_task_header(texts(row))), None)
    if header is None:
        return [cell for row in rows for cell in dict.fromkeys(texts(row)) if cell]
    columns = [c.replace(" ", "") for c in texts(rows[header])]
    title = column_of(columns, TITLE_HEADERS)
    content = column_of(columns, CONTENT_HEADERS, besides=title)
    group = column_of(columns, GROUP_HEADERS)
    placed = {title, content, group} | {
        i for i, c in enumerate(columns) if field_of(c) or c in NUMBER_HEADERS
    }
    lines, tasks, groups = [], 0, []
    for row in rows[header + 1 :]:
        row = row + [("", False)] * (len(columns) - len(row))  # a row cut short in Word
        cells = texts(row)
        distinct = [c for c in dict.fromkeys(cells) if c]
        if len(distinct) == 1 and not cells[title] and not row[0][1]:
            lines.append(distinct[0])  # a row merged across: a section heading
            continue
        if group is not None and cells[group] and cells[group] not in groups:
            groups.append(cells[group])
            lines.append(f"{chinese_numeral(len(groups))}、{cells[group]}")
        more = row[title][1] or not cells[title]
        if not cells[title] and not tasks:
            lines += [c for c in distinct if c not in groups]  # before any task: not one
            continue
        if not more:
            tasks += 1
            number = cells[0] if re.fullmatch(r"\d{1,3}", cells[0]) else str(tasks)
            lines.append(f"{number}、{cells[title]}")
        lines += other_lines(columns, row, placed, more=more)
        if content is not None and cells[content] and not row[content][1]:
            lines.append(cells[content])
        lines += field_lines(columns, row, more=more)
    return lines


def other_lines(columns, row, placed, *, more):
    """The row's cells in the columns a plan has no place for, each as "header：text。" (a
    sentence of its own, so that no line around it runs on into it)."""
    lines = []
    for i, (cell, continued) in enumerate(row[: len(columns)]):
        if i not in placed and cell and not (more and continued):
            line = f"{columns[i]}：{cell}" if columns[i] else cell
            lines.append(line if line.endswith(SENTENCE_END) else f"{line}。")
    return lines


def texts(row):
    return [text for text, _continued in row]


def column_of(columns, headers, besides=None):
    """The first column whose header is one of `headers`, in their order of preference."""
    for name in headers:
        for i, column in enumerate(columns):
            if column == name and i != besides:
                return i
    return None


def field_lines(columns, row, *, more):
    """The row's responsible units and deadline as field lines; a row that adds to the task
    above (`more`) leaves out what is merged down from it."""
    lines = []
    for i, (cell, continued) in enumerate(row):
        key = field_of(columns[i]) if i < len(columns) else None
        if key and cell and not (more and continued):
            lines.append(f"{key}：{cell}")
    return lines


def is_task_header(row):
    """A 分工表's header: a task column, and a 序号 or a responsible unit's column."""
    cells = [c.replace(" ", "") for c in row]
    numbered = any(c in ("序号", "编号") or field_of(c) for c in cells)
    return any(c in TITLE_HEADERS for c in cells) and numbered


def field_of(column):
    column = column.replace(" ", "")
    if PERSON_COLUMN.search(column):
        return None
    return next((field for word, field in COLUMN_FIELDS.items() if word in column), None)


def chinese_numeral(n):
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99): a section code the parser reads."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{DIGITS[tens]}十")
    return head + (DIGITS[ones] if ones else "") or DIGITS[0]
