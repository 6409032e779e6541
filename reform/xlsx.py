"""One writer that turns rows into a styled, printable, write-only workbook.

Exporters build plain rows of values; this module owns every style decision, so the ledger,
the task list export and the fill-in template look alike and stay safe: text is always written
as text (never a formula), and control characters pasted from Word are dropped.

Rows may be any iterable and are written as they come, so an export of ten thousand tasks
holds one chunk of rows in memory, not all of them: column widths are measured on the first
`WIDTH_SAMPLE` rows (every row of a plan's ledger).
"""

import io
import re
import unicodedata
from dataclasses import dataclass
from itertools import chain, islice

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MAX_WIDTH = 50  # long texts wrap at about 25 Chinese characters
MIN_WIDTH = 6
WIDTH_SAMPLE = 1000
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# What no XML file can hold: control characters (openpyxl's list), U+FFFE and U+FFFF, which
# a browser sends like any other character, and lone surrogates.
UNWRITABLE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")

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
    """A value as it may be stored: text without what XML cannot hold, numbers as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Word's \r\n become plain line breaks: one kind of newline whichever XML parser reads it.
        return UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def display_width(text) -> int:
    """Columns are measured in display width: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def column_widths(columns, rows):
    widths = [display_width(c.header) for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            text = "" if value is None else str(value)
            # A text can be no wider than twice its length: most need no measuring.
            if widths[i] < MAX_WIDTH and 2 * len(text) > widths[i]:
                longest = max(display_width(part) for part in text.split("\n"))
                widths[i] = max(widths[i], longest)
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def sheet_name(name, taken):
    base = UNWRITABLE.sub("", name).translate(SHEET_NAME_FORBIDDEN)[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def new_workbook():
    return Workbook(write_only=True)


def add_sheet(book, title):
    """A sheet for `write_sheet`, added at the end of the workbook."""
    return book.create_sheet(title)


def sampled(rows):
    """(the first rows, all rows): widths are measured on the first, the second is written."""
    rows = iter(rows)
    head = list(islice(rows, WIDTH_SAMPLE))
    return head, chain(head, rows)


def prepare_print(ws, header_row):
    ws.freeze_panes = f"A{header_row + 1}"
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
    tables = [(columns, sampled(rows)) for columns, rows in tables]
    widths = {}
    for columns, (head, _rows) in tables:
        for i, width in enumerate(column_widths(columns, head), start=1):
            widths[i] = max(widths.get(i, 0), width)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = len(title_rows) + 1
    prepare_print(ws, header_row)
    for n, line in enumerate(title_rows):
        ws.append([cell(ws, line, "标题", font=TITLE_FONT) if n == 0 else cell(ws, line)])
    last_row = header_row
    for n, (columns, (_head, rows)) in enumerate(tables):
        if n:
            ws.append([])
        ws.append([header_cell(ws, c.header) for c in columns])
        count = 0
        for row in rows:
            cells = zip(columns, row, strict=True)
            ws.append([data_cell(ws, col, value, light_labels, protect) for col, value in cells])
            count += 1
        if n == 0:
            last_row = header_row + max(count, 1)
    if len(tables) == 1:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(tables[0][0]))}{last_row}"
    if protect:
        ws.protection.sheet = True
        ws.protection.autoFilter = False
        ws.protection.sort = False


def cell(ws, value, style_name=None, **attributes):
    """A cell of `value`: text is always text, never a formula, whatever it starts with. Its
    style is named, registered with the workbook on first use and shared by its cells."""
    written = WriteOnlyCell(ws)
    if style_name:
        if style_name not in ws.parent.named_styles:
            ws.parent.add_named_style(NamedStyle(style_name, **attributes))
        written.style = style_name
    written.value = clean(value)  # after the style: a date sets its number format on the cell
    if isinstance(written.value, str):
        written.data_type = "s"
    return written


def header_cell(ws, text):
    return cell(
        ws, text, "表头", font=HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=HEADER_ALIGN
    )


def data_cell(ws, column, value, light_labels, protect):
    light = value if column.fill_key and value in FILLS else None
    attributes = {"border": BORDER, "alignment": CENTER if column.center else WRAP}
    name = ["台账", "居中" if column.center else ""]
    if light:
        attributes["fill"], attributes["font"] = FILLS[light]
        name.append(light)
    if protect:
        attributes["protection"] = UNLOCKED if column.editable else LOCKED
        name.append("可填" if column.editable else "锁定")
    shown = light_labels[light] if light and light_labels else value
    return cell(ws, shown, "-".join(filter(None, name)), **attributes)


def dataset_to_xlsx(dataset) -> bytes:
    """A tablib dataset (django-import-export's exports) through the same safe writer."""
    book = new_workbook()
    sheet = add_sheet(book, sheet_name(dataset.title or "Sheet1", set()))
    columns = [Column(str(h), wrap=True) for h in dataset.headers or []]
    write_sheet(sheet, (columns, [list(row) for row in dataset]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
