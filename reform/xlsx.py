"""One writer that turns rows into a styled, printable workbook, through XlsxWriter.

Exporters build plain rows of values; this module owns every style decision, so the ledger,
the task list export and the fill-in template look alike and stay safe: text is always written
as text (never a formula, a number or a link), and characters no XML can hold are dropped.

Rows may be any iterable and are written as they come: a large export (`streamed`) keeps one
row in memory at a time. Column widths are measured on the first `WIDTH_SAMPLE` rows (every
row of a plan's ledger).
"""

import datetime
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice

import xlsxwriter
from django.utils.functional import Promise

MAX_WIDTH = 50  # long texts wrap at about 25 Chinese characters
MIN_WIDTH = 6
LOCKED = "#E4E7EB"  # the grey of a fill-in template's cells that are not to be changed
MAX_TEXT = 32767  # characters a cell holds
WIDTH_SAMPLE = 1000
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# What no XML file can hold: control characters but tab and newline, U+FFFE and U+FFFF (a
# browser sends them like any other character), and lone surrogates.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
A4 = 9
BORDER = {"border": 1, "border_color": "#8C959F"}
TITLE = {"bold": True, "font_size": 14}
HEADER = {
    **BORDER,
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#8E1515",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
}
WRAP = {**BORDER, "valign": "top", "text_wrap": True}
CENTER = {**WRAP, "align": "center"}
FILLS = {
    "red": {"bg_color": "#C62828", "font_color": "#FFFFFF", "bold": True},
    "yellow": {"bg_color": "#F2C14E", "font_color": "#1F2933", "bold": True},
    "green": {"bg_color": "#2E7D32", "font_color": "#FFFFFF", "bold": True},
    "done": {"bg_color": "#CBD2D9", "font_color": "#1F2933"},
}
DATE = {"num_format": "yyyy-mm-dd"}


@dataclass
class Column:
    header: str
    wrap: bool = False
    center: bool = False
    fill_key: bool = False  # the value is a light ("red"…) shown as a coloured cell
    editable: bool = False  # left unlocked in a protected fill-in template (others grey)
    width: int = 0  # at least this wide: a column to be filled in has no text to measure


class Book:
    """A workbook written to `output` (a path or a file) when closed, and the formats it has
    made. `streamed`: each row goes to a temporary file as it is written (a list of ten
    thousand tasks), instead of the whole workbook being held in memory until then."""

    def __init__(self, output, *, streamed=False):
        options = {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "constant_memory": streamed,
            "in_memory": not streamed,
        }
        self.workbook = xlsxwriter.Workbook(output, options)
        self.formats = {}

    def add_sheet(self, title):
        return self.workbook.add_worksheet(title)

    def format(self, *parts):
        """The format made of these parts (dicts of properties), made once."""
        key = repr(parts)
        if key not in self.formats:
            merged = {name: value for part in parts for name, value in part.items()}
            self.formats[key] = self.workbook.add_format(merged)
        return self.formats[key]

    def close(self):
        self.workbook.close()


def clean(value):
    """A value as it may be stored: text without what XML cannot hold, numbers as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Word's \r\n become plain line breaks: one kind of newline whichever program reads it.
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return UNWRITABLE.sub("", text)[:MAX_TEXT]
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
    return [
        max(column.width, min(MAX_WIDTH, max(MIN_WIDTH, w + 2)))
        for column, w in zip(columns, widths, strict=True)
    ]


def sheet_name(name, taken):
    base = UNWRITABLE.sub("", name).translate(SHEET_NAME_FORBIDDEN)[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def sampled(rows):
    """(the first rows, all rows): widths are measured on the first, the second is written."""
    rows = iter(rows)
    head = list(islice(rows, WIDTH_SAMPLE))
    return head, chain(head, rows)


def prepare_print(ws, header_row):
    """A4 landscape, one page wide, the header row (0-based) frozen and repeated."""
    ws.freeze_panes(header_row + 1, 0)
    ws.repeat_rows(header_row)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_sheet(book, ws, *tables, title_rows=(), light_labels=None, protect=False):
    """Writes title rows, then each (columns, rows) table with its header, styled for print.

    The first table's header is frozen and repeated on every printed page; a sheet with one
    table also gets an autofilter.
    """
    tables = [(columns, sampled(rows)) for columns, rows in tables]
    widths = {}
    for columns, (head, _rows) in tables:
        for i, width in enumerate(column_widths(columns, head)):
            widths[i] = max(widths.get(i, 0), width)
    for i, width in widths.items():
        ws.set_column(i, i, width)
    header_row = len(title_rows)
    prepare_print(ws, header_row)
    for n, line in enumerate(title_rows):
        ws.write_string(n, 0, clean(line), book.format(TITLE) if n == 0 else None)
    row_index = header_row - 2  # the row before each table's blank row
    for columns, (_head, rows) in tables:
        header = row_index + 2
        for col, column in enumerate(columns):
            ws.write_string(header, col, column.header, book.format(HEADER))
        styles = [column_style(book, column, protect) for column in columns]
        row_index = header
        for row_index, row in enumerate(rows, start=header + 1):
            for col, (style, value) in enumerate(zip(styles, row, strict=True)):
                write_cell(ws, row_index, col, value, style, light_labels)
    if len(tables) == 1:
        ws.autofilter(header_row, 0, max(row_index, header_row + 1), len(tables[0][0]) - 1)
    if protect:
        ws.protect("", {"autofilter": True, "sort": True})


def column_style(book, column, protect):
    """(the format of a column's cells, of its dates, and of each light for a light column)."""
    parts = [CENTER if column.center else WRAP]
    if protect:
        parts.append(
            {"locked": True, "bg_color": LOCKED} if not column.editable else {"locked": False}
        )
    lights = {}
    if column.fill_key:
        lights = {light: book.format(*parts, fill) for light, fill in FILLS.items()}
    return book.format(*parts), book.format(*parts, DATE), lights


def write_cell(ws, row, col, value, style, light_labels):
    """One cell of a table: text as text, numbers as numbers, a date as a date, a light as its
    coloured label; nothing (no text, or a number no cell can hold) as a blank with borders."""
    plain, date, lights = style
    value = clean(value)
    if value in lights:
        ws.write_string(row, col, light_labels[value] if light_labels else value, lights[value])
    elif isinstance(value, str) and value:
        ws.write_string(row, col, value, plain)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, plain)
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, plain)
    elif isinstance(value, datetime.date):
        ws.write_datetime(row, col, value, date)
    else:
        ws.write_blank(row, col, None, plain)


def dataset_to_xlsx(dataset) -> bytes:
    """A tablib dataset (django-import-export's exports) through the same safe writer."""
    out = io.BytesIO()
    book = Book(out)
    sheet = book.add_sheet(sheet_name(dataset.title or "Sheet1", set()))
    columns = [Column(str(h), wrap=True) for h in dataset.headers or []]
    write_sheet(book, sheet, (columns, [list(row) for row in dataset]))
    book.close()
    return out.getvalue()
