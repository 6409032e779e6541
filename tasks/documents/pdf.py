"""PDF plans as text: the text layer of each page in reading order, without the running
header and footer or the page numbers. Lines broken where the page ran out are joined again by
the parser, as those of text pasted from anywhere."""

import io
import re
from collections import Counter

from pypdf import PdfReader

from tasks.documents.plan import ParseError

MAX_PAGES = 300
# 3, - 3 -, — 3 —, 第3页, 第 3 页 共 12 页, 3/12
PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*(?:共|/)\s*\d{1,3}\s*页?)?[-—–\s]*$"
)
EDGE = 2  # lines at the top and at the bottom of a page where a header or footer may be


def pdf_text(data: bytes) -> str:
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in read(data)]
    if not any(pages):
        raise ParseError(
            "这个PDF没有可读取的文字（可能是扫描件）。请上传Word文件，或能选中、复制文字的PDF。"
        )
    return "\n".join(line for page in without_furniture(pages) for line in page)


def read(data):
    """Each page's text, laid out as printed (a PDF's own order may group lines by font)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ParseError("这个PDF设置了密码，请上传未加密的文件。")
        return [page.extract_text(extraction_mode="layout") for page in reader.pages[:MAX_PAGES]]
    except ParseError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise ParseError("无法读取该PDF文件，请确认文件完整。") from None


def without_furniture(pages):
    """The pages without their page numbers, and without a running header or footer: a line
    at a page's top or bottom found at the top or bottom of most pages."""
    edges = Counter(line for page in pages for line in set(page[:EDGE] + page[-EDGE:]))
    running = {line for line, n in edges.items() if len(pages) > 1 and n > len(pages) // 2}
    return [
        [
            line
            for i, line in enumerate(page)
            if not (
                (i < EDGE or i >= len(page) - EDGE) and (line in running or PAGE_NUMBER.match(line))
            )
        ]
        for page in pages
    ]
