"""One writer that turns rows into a styled, printable, write-only workbook.

Exporters build plain rows of values; this module owns every style decision, so the ledger,
the task list export and the fill-in template look alike and stay safe: text is always written
as text (never a formula), and control characters pasted from Word are dropped.
"""

import io
import unicodedata
from copy import copy
from dataclasses import dataclass

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MAX_WIDTH = 50  # long texts wrap at about 25 Chinese characters
MIN_WIDTH = 6
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

THIN = Side(style="thin", color="8C959F")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="8E1515")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
FILLS = {
    "red": (PatternFill("solid", fgColor="C62828"), Font(color="FFFFFF", bold=True)),
    "yellow": (PatternFill("solid", fgColor="F2C14E"), Font(color="1F2933", bold=True)),
    "green": (PatternFill("solid", fgColor="2E7D32"), Font(color="FFFFFF", bold=True)),
    "done": (PatternFill("solid", fgColor="CBD2D9"), Font(color="1F2933")),
}


@dataclass
class Column:
    header: str
    wrap: bool = False
    center: bool = False
    fill_key: bool = False  # the value is a light ("red"…) shown as a coloured cell
    editable: bool = False  # left unlocked in a protected fill-in template


def clean(value):
    """A value as it may be stored: text without control characters, numbers as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Word's \r\n become plain line breaks: one kind of newline whichever XML parser reads it.
        return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def display_width(text) -> int:
    """Columns are measured in display width: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def column_widths(columns, rows):
    widths = [display_width(c.header) for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            if value is not None:
                longest = max(display_width(part) for part in str(value).split("\n"))
                widths[i] = max(widths[i], longest)
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def sheet_name(name, taken):
    base = name.translate(SHEET_NAME_FORBIDDEN)[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def new_workbook():
    return Workbook(write_only=True)


def text_cell(ws, value, *, font=None):
    cell = WriteOnlyCell(ws, value=clean(value))
    if isinstance(value, str):
        cell.data_type = "s"  # "=…" stays text, never a formula
    if font is not None:
        cell.font = font
    return cell


def prepare_print(ws, header_row, last_column, last_row, *, autofilter):
    ws.freeze_panes = f"A{header_row + 1}"
    if autofilter:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_column)}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_sheet(ws, *tables, title_rows=(), light_labels=None, protect=False):
    """Writes title rows, then each (columns, rows) table with its header, styled for print.

    The first table's header is frozen and repeated on every printed page; a sheet with one
    table also gets an autofilter.
    """
    tables = [(columns, [[clean(v) for v in row] for row in rows]) for columns, rows in tables]
    widths = {}
    for columns, rows in tables:
        for i, width in enumerate(column_widths(columns, rows), start=1):
            widths[i] = max(widths.get(i, 0), width)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = len(title_rows) + 1
    first_columns, first_rows = tables[0]
    prepare_print(
        ws,
        header_row,
        len(first_columns),
        header_row + max(len(first_rows), 1),
        autofilter=len(tables) == 1,
    )
    for n, line in enumerate(title_rows):
        ws.append([text_cell(ws, line, font=TITLE_FONT if n == 0 else None)])
    for n, (columns, rows) in enumerate(tables):
        if n:
            ws.append([])
        ws.append([header_cell(ws, c.header) for c in columns])
        for row in rows:
            cells = zip(columns, row, strict=True)
            ws.append([data_cell(ws, col, value, light_labels, protect) for col, value in cells])
    if protect:
        ws.protection.sheet = True
        ws.protection.autoFilter = False
        ws.protection.sort = False


def style(ws, key, **attributes):
    """The style of a kind of cell, registered with the workbook once and then copied.

    Setting font, fill and border on every cell makes openpyxl hash and look up each style
    object per cell; copying one registered style array is what keeps large exports fast.
    """
    cache = ws.parent.__dict__.setdefault("_reform_styles", {})
    if key not in cache:
        template = WriteOnlyCell(ws)
        for name, value in attributes.items():
            setattr(template, name, value)
        cache[key] = template._style
    return copy(cache[key])


def header_cell(ws, text):
    cell = text_cell(ws, text)
    cell._style = style(
        ws, "header", font=HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=HEADER_ALIGN
    )
    return cell


def data_cell(ws, column, value, light_labels, protect):
    light = value if column.fill_key and value in FILLS else None
    cell = text_cell(ws, light_labels[light] if light and light_labels else value)
    attributes = {"border": BORDER, "alignment": CENTER if column.center else WRAP}
    if light:
        attributes["fill"], attributes["font"] = FILLS[light]
    if protect:
        attributes["protection"] = UNLOCKED if column.editable else LOCKED
    key = ("data", column.center, light, protect and column.editable, protect)
    cell._style = style(ws, key, **attributes)
    return cell


def dataset_to_xlsx(dataset) -> bytes:
    """A tablib dataset (django-import-export's exports) through the same safe writer."""
    book = new_workbook()
    sheet = book.create_sheet(sheet_name(dataset.title or "Sheet1", set()))
    columns = [Column(str(h), wrap=True) for h in dataset.headers or []]
    write_sheet(sheet, (columns, [list(row) for row in dataset]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
