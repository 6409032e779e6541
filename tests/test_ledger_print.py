"""The ledger as the office prints it (as of now, with 本期变化 since a meeting): converted to PDF by LibreOffice (the spreadsheet
application here; Excel and WPS print stored row heights and page set-up alike) and read back.
Every task title and progress text whole, text at 9 pt or more, the header on every page, and
each sheet's pages numbered 第 p 页 共 N 页 with N its own count."""

import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from tasks.meetings.record import meeting_record
from tasks.meetings.workbook import meeting_workbook, plan_workbook
from tasks.models import Plan, Task
from tests.conftest import LVJIAN


def printing_tools():
    """LibreOffice, poppler, and Carlito: Calibri's metrics, with which LibreOffice lays out
    pages as Excel does (without it, its fallback font's wider digits widen every column)."""
    fonts = subprocess.run(["fc-list"], capture_output=True, check=False).stdout  # noqa: S607
    return shutil.which("soffice") and shutil.which("pdftotext") and b"Carlito" in fonts


pytestmark = pytest.mark.skipif(
    not printing_tools() and not os.environ.get("CI"),
    reason="apt-get install -y libreoffice-calc-nogui fonts-crosextra-carlito poppler-utils",
)
FOOTER = re.compile(r"(\S+) 第 (\d+) 页 共 (\d+) 页")
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


def print_ledger(folder, write):
    """(each task's title, content and latest progress text, the PDF's pages, its raw text, its
    words) of the ledger `write(out)` writes."""
    tasks = Task.objects.filter(plan__title=LVJIAN)
    path = folder / "ledger.xlsx"
    with path.open("wb") as out:
        write(out)
    run([shutil.which("soffice"), "--headless", "--convert-to", "pdf", "--outdir", folder, path])
    pdf = folder / "ledger.pdf"
    pages = run(["pdftotext", "-layout", pdf, "-"]).split("\f")[:-1]
    raw = run(["pdftotext", "-raw", pdf, "-"])
    words = WORD.findall(run(["pdftotext", "-bbox", pdf, "-"]))
    texts = tasks.values_list("title", "content", "latest_report__progress")
    return list(texts), pages, raw, words


def plan_id():
    return Task.objects.filter(plan__title=LVJIAN).values_list("plan_id", flat=True)[0]


def run(command):
    result = subprocess.run(  # noqa: S603 - LibreOffice and poppler on files this test wrote
        [str(part) for part in command], check=True, capture_output=True, timeout=180
    )
    return result.stdout.decode()


def squeezed(text):
    return re.sub(r"\s+", "", text)


def test_the_ledger_prints_whole_readable_and_numbered(seed, tmp_path):
    """As of now, with the demo scenario's reports and 本期变化 since a meeting."""
    call_command("meeting_snapshot", plan=plan_id(), title="第三季度督查会", stdout=io.StringIO())
    call_command("demo_scenario", stdout=io.StringIO())
    plan = Plan.objects.get(title=LVJIAN)
    tasks, pages, raw, words = print_ledger(
        tmp_path, lambda out: plan_workbook(plan, today=timezone.localdate(), output=out)
    )
    every_text_whole(tasks, raw)
    nine_points_or_more(words)
    headers_and_page_numbers(pages)


def test_a_meetings_ledger_prints_the_same_way(seed, tmp_path):
    call_command("demo_scenario", stdout=io.StringIO())
    plan = Plan.objects.get(title=LVJIAN)
    meeting_record(office=plan.office, title="三季度", held_on=date(2023, 9, 30), plans=[plan])
    second = meeting_record(
        office=plan.office, title="四季度", held_on=date(2023, 12, 28), plans=[plan]
    )
    tasks, pages, raw, words = print_ledger(
        tmp_path, lambda out: meeting_workbook(second, plan, output=out)
    )
    every_text_whole(tasks, raw)
    nine_points_or_more(words)
    headers_and_page_numbers(pages)
    assert "四季度（2023-12-28）" in pages[0] and "与三季度（2023-09-30）相比" in raw


def every_text_whole(tasks, raw):
    text = squeezed(raw)
    for texts in tasks:
        for value in filter(None, texts):
            assert squeezed(value) in text, value


def nine_points_or_more(words):
    """A Chinese character's advance is its size: 10 pt wide at 10 pt."""
    sizes = [
        (float(x_max) - float(x_min)) / len(word)
        for x_min, x_max, word in words
        if word and all(unicodedata.east_asian_width(ch) == "W" for ch in word)
    ]
    assert len(sizes) > 1000 and min(sizes) >= 9, min(sizes)


def headers_and_page_numbers(pages):
    numbers = defaultdict(list)
    for page in pages:
        sheet, number, total = FOOTER.search(page).groups()
        numbers[sheet].append((int(number), int(total)))
        assert ("板块" if sheet == "汇总" else "序号") in page, (sheet, number)
    assert set(numbers) == {"汇总", "台账", "综合处", "产业处", "中欧办", "绿弘公司", "本期变化"}
    for sheet, seen in numbers.items():
        total = seen[0][1]
        assert seen == [(n, total) for n in range(1, total + 1)], sheet
    assert len(numbers["台账"]) < 30  # two pages across, not one page shrunk or five across
