"""An uploaded plan document as text: a .txt file, a Word .docx or a PDF with a text layer."""

from tasks.documents.docx import docx_text
from tasks.documents.pdf import pdf_text
from tasks.documents.plan import ParseError

MAX_DOCUMENT = 10 * 1024 * 1024


def document_text(name: str, data: bytes) -> str:
    """The text of an uploaded plan document; `ParseError` for what cannot be read."""
    if len(data) > MAX_DOCUMENT:
        raise ParseError("文件超过10MB。")
    suffix = name.lower().rpartition(".")[2]
    if suffix == "docx":
        return docx_text(data)
    if suffix == "pdf":
        return pdf_text(data)
    if suffix == "txt":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ParseError("无法识别文本文件的编码，请另存为UTF-8后再上传。")
    raise ParseError("请上传.txt、.docx或.pdf文件（.doc请先在Word中另存为.docx）。")
