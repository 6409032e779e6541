"""One writer that turns rows into a styled, printable, write-only workbook.

Exporters build plain rows of values; this module owns every style decision, so the ledger,
the task list export and the fill-in template look alike and stay safe: text is always written
as text (never a formula), and control characters pasted from Word are dropped.

Rows may be any iterable and are written as they come, so an export of ten thousand tasks
holds one chunk of rows in memory, not all of them: column widths are measured on the first
`WIDTH_SAMPLE` rows (every row of a plan's ledger).
"""

import datetime
import io
import math
import re
import shutil
import unicodedata
from dataclasses import dataclass
from itertools import chain, islice
from tempfile import SpooledTemporaryFile
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from django.utils.functional import Promise
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

MAX_WIDTH = 50  # long texts wrap at about 25 Chinese characters
MIN_WIDTH = 6
WIDTH_SAMPLE = 1000
SHEET_IN_MEMORY = 2**20  # bytes of a sheet's XML; a longer sheet goes to a temporary file
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
    return Book(write_only=True)


class Book(Workbook):
    """A write-only workbook that keeps its styled sheets in memory until it is saved, but
    for a long one (`SHEET_IN_MEMORY`).

    openpyxl writes each sheet to a temporary file and copies it into the archive: for a
    plan's ledger, with a sheet for each of its units, opening and removing those files took
    a sixth of the export. An export of ten thousand tasks still holds one chunk of rows in
    memory, not its whole sheet.
    """

    def save(self, filename):
        self.properties.modified = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        with ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            BookWriter(self, archive).write_data()


class BookWriter(ExcelWriter):
    """openpyxl's writer of a whole workbook, taking styled sheets from memory."""

    def write_worksheet(self, ws):
        if not isinstance(ws, StyledSheet):
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts, ws._drawing.images = ws._charts, ws._images
        if not ws.closed:
            ws.close()
        ws._rels = ws._writer._rels
        with ws._writer.out as sheet, self._archive.open(ws.path[1:], "w") as member:
            sheet.seek(0)
            shutil.copyfileobj(sheet, member)
        self.manifest.append(ws)


class StyledSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are (value, style) pairs, written by `RowWriter`, and
    its columns' widths (`widths`, from the first column on)."""

    widths = ()

    def _get_writer(self):
        if self._writer is None:
            self._writer = RowWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values, row_idx):
        return [(clean(value), style) for value, style in values]


# The values a row of text is written for; any other (a date, a Decimal) goes cell by cell.
PLAIN_TYPES = (str, int, float, type(None))


class RowWriter(WorksheetWriter):
    """Writes a sheet for `Book`, each row as openpyxl would, the same XML, but
    built as text and parsed at once.

    openpyxl builds every cell through its descriptors and writes it element by element: a
    third of exporting ten thousand tasks. A row of text and numbers is written here as one
    string; other values (a date, a Decimal) go through openpyxl's cells, with the style set
    on one reused cell (openpyxl's own write-only sheet tries each styled cell as a value
    first, catches the error and allocates another).
    """

    def __init__(self, ws):
        sheet = SpooledTemporaryFile(max_size=SHEET_IN_MEMORY)  # noqa: SIM115 - BookWriter closes it
        super().__init__(ws, out=sheet)

    def write_cols(self):
        """The columns' widths, as openpyxl writes its column dimensions: a plan's ledger has
        a sheet for each unit, and making and writing their dimensions took a fifth of it."""
        if not self.ws.widths:
            super().write_cols()
            return
        cols = "".join(
            f'<col width="{width}" customWidth="1" min="{n}" max="{n}"/>'
            for n, width in enumerate(self.ws.widths, 1)
        )
        self.xf.send(etree.fromstring(f"<cols>{cols}</cols>"))

    def write_row(self, xf, row, row_idx):
        if all(type(value) in PLAIN_TYPES for value, _style in row) and all(
            math.isfinite(value) for value, _style in row if type(value) is float
        ):
            xf.write(etree.fromstring(self.row_xml(row, row_idx)))
        else:
            super().write_row(xf, self.cells(row, row_idx), row_idx)

    def row_xml(self, row, row_idx):
        styles = self.ws.parent._cell_styles
        parts = [f'<row r="{row_idx}">']
        for col_idx, (value, style) in enumerate(row, 1):
            styled = any(style)
            if value is None and not styled:
                continue
            cell = f'<c r="{get_column_letter(col_idx)}{row_idx}"'
            if styled:
                cell += f' s="{styles.add(style)}"'
            if isinstance(value, str):
                parts.append(f'{cell} t="inlineStr">{inline_string(value[:32767])}</c>')
            elif value is None:
                parts.append(f'{cell} t="n"/>')
            else:
                parts.append(f'{cell} t="n"><v>{value:.16g}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    def cells(self, row, row_idx):
        cell = WriteOnlyCell(self.ws)
        for col_idx, (value, style) in enumerate(row, 1):
            # A copy: a date sets its number format on the cell's style, not on the column's.
            cell._style = StyleArray(style)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # "=…" stays text, never a formula
            cell.column, cell.row = col_idx, row_idx
            yield cell


def inline_string(text):
    """A cell's text as openpyxl writes it, inline: "=…" stays text, never a formula."""
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{escape(text)}</t></is>"


def add_sheet(book, title):
    """A sheet for `write_sheet`, added at the end of the workbook."""
    sheet = StyledSheet(parent=book, title=title)
    book._add_sheet(sheet)
    return sheet


PLAIN = StyleArray()


def title_cell(ws, text, *, main):
    """The sheet's title (large and bold) or a line under it."""
    return (text, style(ws, "title", lambda: {"font": TITLE_FONT}) if main else PLAIN)


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
    ws.widths = [widths[i] for i in sorted(widths)]
    header_row = len(title_rows) + 1
    prepare_print(ws, header_row)
    for n, line in enumerate(title_rows):
        ws.append([title_cell(ws, line, main=n == 0)])
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
        # Written after the rows: the sheet's XML puts the filter after its data.
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(tables[0][0]))}{last_row}"
    if protect:
        ws.protection.sheet = True
        ws.protection.autoFilter = False
        ws.protection.sort = False


def style(ws, key, attributes):
    """The style of a kind of cell, registered with the workbook once and then shared.

    Setting font, fill and border on every cell makes openpyxl hash and look up each style
    object per cell; sharing one registered style array is what keeps large exports fast (a
    write-only cell is written out and dropped, so nothing changes a shared array).
    """
    cache = ws.parent.__dict__.setdefault("_reform_styles", {})
    if key not in cache:
        template = WriteOnlyCell(ws)
        for name, value in attributes().items():
            setattr(template, name, value)
        cache[key] = template._style
    return cache[key]


def header_cell(ws, text):
    header = {"font": HEADER_FONT, "fill": HEADER_FILL, "border": BORDER, "alignment": HEADER_ALIGN}
    return (text, style(ws, "header", lambda: header))


def data_cell(ws, column, value, light_labels, protect):
    light = value if column.fill_key and value in FILLS else None
    key = ("data", column.center, light, protect and column.editable, protect)
    style_array = style(ws, key, lambda: data_style(column, light, protect))
    return (light_labels[light] if light and light_labels else value, style_array)


def data_style(column, light, protect):
    attributes = {"border": BORDER, "alignment": CENTER if column.center else WRAP}
    if light:
        attributes["fill"], attributes["font"] = FILLS[light]
    if protect:
        attributes["protection"] = UNLOCKED if column.editable else LOCKED
    return attributes


def dataset_to_xlsx(dataset) -> bytes:
    """A tablib dataset (django-import-export's exports) through the same safe writer."""
    book = new_workbook()
    sheet = add_sheet(book, sheet_name(dataset.title or "Sheet1", set()))
    columns = [Column(str(h), wrap=True) for h in dataset.headers or []]
    write_sheet(sheet, (columns, [list(row) for row in dataset]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
