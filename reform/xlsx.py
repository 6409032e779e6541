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
from itertools import chain, islice, takewhile

import xlsxwriter
from django.utils.functional import Promise

MAX_WIDTH = 50  # long texts wrap at about 25 Chinese characters
MIN_WIDTH = 6
# Printing: A4 landscape at 100 %, 10 pt text. Between 0.4" margins a page holds about 145
# units of column width; a wider sheet goes on across pages, its identity columns repeated
# (never shrunk to fit: one page wide printed the ledger at 3–5 pt). Rows are as tall as
# their longest wrapped text, measured here: Excel, WPS and LibreOffice all print a stored
# row height, while none of them grows a row to its text when opening a file.
# The pages are laid out here too, with room to spare, and set as page breaks: the footer can
# then say how many pages each sheet takes (产业处 第 1 页 共 2 页) in every application.
FONT_SIZE = 10
LINE_HEIGHT = 15  # points a line of 10 pt Chinese text takes: CJK fonts space lines 1.45 em
MAX_ROW_HEIGHT = 409  # the tallest row a sheet can have
TITLE_HEIGHT = 22
MARGIN = 0.4
PAGE_HEIGHT = 480  # points of rows on a page: 8.27" less 0.6" margins is 509
PAGE_WIDTH = 960  # pixels of columns on a page at 96 dpi: 11.69" less 0.4" margins is 1045
LOCKED = "#E4E7EB"  # the grey of a fill-in template's cells that are not to be changed
MAX_TEXT = 32767  # characters a cell holds
WIDTH_SAMPLE = 1000
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# What no XML file can hold: control characters but tab and newline, U+FFFE and U+FFFF (a
# browser sends them like any other character), and lone surrogates.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
A4 = 9
BORDER = {"border": 1, "border_color": "#8C959F", "font_size": FONT_SIZE}
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
PERCENT = {"num_format": "0%"}
CENTS = {"num_format": "0.00"}


@dataclass
class Column:
    header: str
    wrap: bool = False
    center: bool = False
    fill_key: bool = False  # the value is a light ("red"…) shown as a coloured cell
    editable: bool = False  # left unlocked in a protected fill-in template (others grey)
    width: int = 0  # at least this wide: a column to be filled in has no text to measure
    max_width: int = MAX_WIDTH  # wraps beyond this
    percent: bool = False  # the value is a fraction (0.65), shown as a percentage (65%)
    cents: bool = False  # a number shown with two decimals (72.50), as points are
    repeat: bool = False  # an identity column, printed again on each page a wide sheet takes


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
    """Columns are measured in display width: a CJK character counts two, and so do the
    ambiguous ones (“ ” — ·), which Chinese fonts draw full width."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in str(text))


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
        max(column.width, min(column.max_width, max(MIN_WIDTH, w + 2)))
        for column, w in zip(columns, widths, strict=True)
    ]


def lines_of(text, per_line):
    """Lines a paragraph wraps to (one, unmeasured, when even all wide it fits)."""
    if 2 * len(text) <= per_line:
        return 1
    return math.ceil(display_width(text) / per_line)


def column_pixels(width):
    """A column's width on screen and paper: units of the default font's digit, 7 pixels."""
    return width * 7 + 5


def row_height(row, widths):
    """Points a row needs for every line of its wrapped texts to print (a Chinese character
    at 10 pt is 13.3 pixels, two display units; a cell keeps a few pixels of padding)."""
    lines = 1
    for value, width in zip(row, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max((column_pixels(width) - 6) / 6.67, 1)
            wrapped = sum(lines_of(p, per_line) for p in value.split("\n"))
            lines = max(lines, wrapped)
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)


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


def prepare_print(ws, header_row, repeated=0):
    """A4 landscape at full size, the header row (0-based) frozen and repeated on every page,
    the first `repeated` columns on every page across; pages numbered per sheet."""
    ws.freeze_panes(header_row + 1, 0)
    ws.repeat_rows(header_row)
    if repeated:
        ws.repeat_columns(0, repeated - 1)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_margins(left=MARGIN, right=MARGIN, top=0.6, bottom=0.6)
    ws.set_start_page(1)
    ws.print_across()  # a row's pages across before the next rows


class Pages:
    """A sheet's printed pages: where they break down (rows) and across (columns)."""

    def __init__(self, widths, repeated, used):
        """`used`: points above the first row (titles and the header)."""
        pixels = [column_pixels(w) for w in widths]
        self.across = breaks(pixels, PAGE_WIDTH, sum(pixels[:repeated]))
        self.down, self.used, self.header = [], used, 0

    def add(self, row, height, *, header=False):
        """A row (0-based) of this height; a repeated header's height is counted on each page."""
        if header and not self.header:
            self.header = height
        elif self.used + height > PAGE_HEIGHT:
            self.down.append(row)
            self.used = self.header
        self.used += height

    def set(self, ws):
        ws.set_h_pagebreaks(self.down)
        ws.set_v_pagebreaks(self.across)
        total = (len(self.down) + 1) * (len(self.across) + 1)
        ws.set_footer(f"&C&A 第 &P 页 共 {total} 页")


def breaks(sizes, room, repeated):
    """Where runs of sizes break into pages of `room`, the first `repeated` on every page:
    the indexes that begin a new page."""
    found, used = [], 0
    for i, size in enumerate(sizes):
        if used + size > room and used > repeated:
            found.append(i)
            used = repeated
        used += size
    return found


def write_sheet(book, ws, *tables, title_rows=(), light_labels=None, protect=False, space_below=0):
    """Writes title rows, then each (columns, rows) table with its header, styled for print.

    The first table's header is frozen and repeated on every printed page; a sheet with one
    table also gets an autofilter. `space_below`: points kept after the tables (a chart's),
    from the row returned.
    """
    tables = [(columns, sampled(rows)) for columns, rows in tables]
    widths = {}
    for columns, (head, _rows) in tables:
        for i, width in enumerate(column_widths(columns, head)):
            widths[i] = max(widths.get(i, 0), width)
    for i, width in widths.items():
        ws.set_column(i, i, width)
    widths = [widths[i] for i in sorted(widths)]
    header_row = len(title_rows)
    repeated = sum(1 for _ in takewhile(lambda c: c.repeat, tables[0][0]))
    prepare_print(ws, header_row, repeated)
    for n, line in enumerate(title_rows):
        ws.set_row(n, TITLE_HEIGHT)
        ws.write_string(n, 0, clean(line), book.format(TITLE) if n == 0 else None)
    pages = Pages(widths, repeated, used=TITLE_HEIGHT * len(title_rows))
    row_index = header_row - 2  # the row before each table's blank row
    for columns, (_head, rows) in tables:
        if row_index > header_row:
            pages.add(row_index + 1, LINE_HEIGHT + 3)  # the blank row between tables
        header = row_index + 2
        write_row(ws, pages, header, [c.header for c in columns], widths, header=True)
        for col, column in enumerate(columns):
            ws.write_string(header, col, column.header, book.format(HEADER))
        styles = [column_style(book, column, protect) for column in columns]
        row_index = header
        for row_index, row in enumerate(rows, start=header + 1):
            write_row(ws, pages, row_index, row, widths)
            for col, (style, value) in enumerate(zip(styles, row, strict=True)):
                write_cell(ws, row_index, col, value, style, light_labels)
    if space_below:
        pages.add(row_index + 2, space_below)
    pages.set(ws)
    if len(tables) == 1:
        ws.autofilter(header_row, 0, max(row_index, header_row + 1), len(tables[0][0]) - 1)
    if protect:
        ws.protect("", {"autofilter": True, "sort": True})
    return row_index + 2


def write_row(ws, pages, row_index, row, widths, *, header=False):
    """Sets a row's height from its texts, and counts it on the pages."""
    height = row_height(row, widths)
    ws.set_row(row_index, height)
    pages.add(row_index, height, header=header)


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
    shown = [PERCENT] if column.percent else [CENTS] if column.cents else []
    numbers = book.format(*parts, *shown)
    return book.format(*parts), book.format(*parts, DATE), numbers, lights


def write_cell(ws, row, col, value, style, light_labels):
    """One cell of a table: text as text, numbers as numbers, a date as a date, a light as its
    coloured label; nothing (no text, or a number no cell can hold) as a blank with borders."""
    plain, date, numbers, lights = style
    value = clean(value)
    if value in lights:
        ws.write_string(row, col, light_labels[value] if light_labels else value, lights[value])
    elif isinstance(value, str) and value:
        ws.write_string(row, col, value, plain)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, plain)
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, numbers)
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
