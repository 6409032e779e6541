"""Plan documents as text: pasted text, .txt files and Word .docx (paragraphs and tables)."""

import io
import re

from docx import Document

from reform.archives import TooLarge, check_archive
from tasks.documents.parser import ParseError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MAX_DOCUMENT = 10 * 1024 * 1024
TASK_HEADERS = ("工作任务", "主要任务", "任务内容", "工作内容", "工作要点", "重点任务", "任务")
COLUMN_FIELDS = {
    "牵头": "牵头单位",
    "配合": "配合单位",
    "协办": "配合单位",
    "责任": "责任单位",
    "时限": "完成时限",
    "时间": "完成时限",
}


def document_text(name: str, data: bytes) -> str:
    """The text of an uploaded plan document; `ParseError` for what cannot be read."""
    if len(data) > MAX_DOCUMENT:
        raise ParseError("文件超过10MB。")
    if name.lower().endswith(".docx"):
        return docx_text(data)
    if name.lower().endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ParseError("无法识别文本文件的编码，请另存为UTF-8后再上传。")
    raise ParseError("请上传.txt或.docx文件（.doc请先在Word中另存为.docx）。")


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
    return [
        [text_of(cell).strip() for cell in row.iterchildren(W + "tc")]
        for row in table.iter(W + "tr")
    ]


def table_lines(rows):
    """A 分工表 (序号 / 工作任务 / 牵头单位 / 配合单位 / 完成时限) as the lines of a plan."""
    header = next((i for i, row in enumerate(rows) if is_task_header(row)), None)
    if header is None:
        return [cell for row in rows for cell in dict.fromkeys(row) if cell]
    columns = rows[header]
    task_col = next(i for i, c in enumerate(columns) if c.replace(" ", "") in TASK_HEADERS)
    lines = []
    for row in rows[header + 1 :]:
        distinct = [c for c in dict.fromkeys(row) if c]
        if len(distinct) == 1:  # a merged row: a section heading
            lines.append(distinct[0])
            continue
        if len(row) <= task_col or not row[task_col]:
            continue
        number = row[0] if re.fullmatch(r"\d{1,3}", row[0] or "") else str(len(lines) + 1)
        lines.append(f"{number}、{row[task_col]}")
        for i, cell in enumerate(row):
            key = field_of(columns[i] if i < len(columns) else "")
            if key and cell:
                lines.append(f"{key}：{cell}")
    return lines


def is_task_header(row):
    cells = [c.replace(" ", "") for c in row]
    return any(c in TASK_HEADERS for c in cells) and any(c in ("序号", "编号") for c in cells)


def field_of(column):
    column = column.replace(" ", "")
    return next((field for word, field in COLUMN_FIELDS.items() if word in column), None)
