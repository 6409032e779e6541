"""Evidence attachments: what may be uploaded, checked by extension, size and content."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
