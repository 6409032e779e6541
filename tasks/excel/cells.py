"""Cells of an uploaded workbook as the clerk saw them in Excel or WPS: text as displayed,
percentages as written, numbers checked; and the merged ranges openpyxl's read-only mode
does not read."""

import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from openpyxl.cell.read_only import EMPTY_CELL

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def padded(cells, length):
    return list(cells[:length]) + [EMPTY_CELL] * (length - len(cells))


def displayed(cell):
    """A cell's value as Excel or WPS shows it, for a text column."""
    value = cell.value
    if isinstance(value, datetime | date):
        return shown_date(value, cell.number_format or "")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return f"{value:g}" if isinstance(value, float) else str(value)


def shown_date(value, number_format):
    """年/月/日 formats as Chinese dates (what 2024年3月 typed into a cell becomes), others as
    ISO dates, with the time only where the format shows one."""
    day = value.date() if isinstance(value, datetime) else value
    if "年" in number_format:
        text = f"{day.year}年{day.month}月"
        return text + f"{day.day}日" if "日" in number_format else text
    if isinstance(value, datetime) and "h" in number_format.lower():
        return value.strftime("%Y-%m-%d %H:%M")
    return day.isoformat()


def percent_of(cell):
    """80, "80%", ８０ and 0.8 shown as a percentage all read as 80."""
    value = cell.value
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in (cell.number_format or ""):
        return round(value * 100, 6)
    return value


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def to_int(value):
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def to_decimal(value):
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e14"):
        return None
    return number.quantize(Decimal("0.01"))


def merged_cells(file, title):
    """The merged ranges of the sheet `title` (openpyxl's read-only mode does not read them),
    from the sheet's XML, streamed through defusedxml."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            sheet = next(s for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == title)
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target") for r in rels if r.get("Id") == sheet.get(REL_ID))
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            with archive.open(path) as member:
                for _event, element in ElementTree.iterparse(member):
                    if element.tag == f"{MAIN}mergeCell":
                        yield element.get("ref")
                    element.clear()
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile):
        return
    finally:
        file.seek(0)
