"""Evidence attachments: what may be uploaded, checked by extension, size and content."""

import zipfile
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from reform.archives import NotAnOfficePackage, UnsafeArchive, check_archive

MAX_SIZE = 10 * 1024 * 1024
MAX_FILES = 10

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc and .xls
SIGNATURES = {
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".gif": [b"GIF87a", b"GIF89a"],
    ".pdf": [b"%PDF-"],
    ".docx": [ZIP],
    ".xlsx": [ZIP],
    ".doc": [OLE],
    ".xls": [OLE],
}


def check_upload(upload):
    """Refuses a file that is too big, of a type we do not take, or not what its name says."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError(
            _("“%(name)s”的类型不支持，请上传图片、PDF、Word或Excel文件。"),
            params={"name": upload.name},
        )
    if upload.size > MAX_SIZE:
        raise ValidationError(_("“%(name)s”超过10MB。"), params={"name": upload.name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符。"), params={"name": upload.name})
    problem = CHECKS.get(suffix, lambda upload: None)(upload)
    upload.seek(0)
    if problem:
        raise ValidationError(problem, params={"name": upload.name})


def image_problem(upload):
    """An image must decode as one, and not also be a zip archive (a polyglot)."""
    if zipfile.is_zipfile(upload):
        return POLYGLOT
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("“%(name)s”无法识别为图片，请重新导出后上传。")
    return None


def pdf_problem(upload):
    """A PDF must parse as one, with at least a page, and not also be a zip archive."""
    if zipfile.is_zipfile(upload):
        return POLYGLOT
    upload.seek(0)
    try:
        if not PdfReader(upload).pages:
            return _("“%(name)s”没有页面。")
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        return _("“%(name)s”无法识别为PDF，请重新导出后上传。")
    return None


def office_problem(upload):
    """A .docx or .xlsx must be an Office package, within the archive limits, without macros
    or programs inside."""
    try:
        names = check_archive(upload)
    except NotAnOfficePackage:
        return _("“%(name)s”不是有效的Office文件。")
    except UnsafeArchive:
        return _("“%(name)s”不是有效的Office文件，或解压后过大。")
    if any(name.lower().endswith(EXECUTABLE) for name in names):
        return _("“%(name)s”含有宏或可执行内容，请另存为不含宏的文件后上传。")
    return None


POLYGLOT = _("“%(name)s”同时是压缩包，不能作为佐证材料上传。")
EXECUTABLE = (".bin", ".exe", ".dll", ".js", ".vbs", ".bat", ".cmd", ".ps1", ".jar", ".msi")
CHECKS = {
    ".jpg": image_problem,
    ".jpeg": image_problem,
    ".png": image_problem,
    ".gif": image_problem,
    ".pdf": pdf_problem,
    ".docx": office_problem,
    ".xlsx": office_problem,
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(SIGNATURES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("一次最多上传%(count)d个文件。"), params={"count": MAX_FILES})
        cleaned = [super(MultipleFileField, self).clean(u, initial) for u in uploads]
        for upload in cleaned:
            check_upload(upload)
        return cleaned
