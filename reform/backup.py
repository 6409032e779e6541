"""Backup and restore: every record and every evidence file in one .zip archive.

The records are Django's own serialisation (`dumpdata`), so a backup restores into SQLite or
PostgreSQL alike; for large PostgreSQL deployments pg_dump is faster (docs/reliability.md).
"""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

DATA = "data.json"
FORMAT = "exactjson"  # reform/serializers.py: JSON with timestamps to the microsecond
MEDIA = "media/"
# Rebuilt by migrations, or short-lived: not worth keeping.
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
SKIPPED_MEDIA = "imports/"  # uploads waiting for their confirmation (tasks/excel/pending.py)


def backup(output):
    data = io.StringIO()
    call_command("dumpdata", exclude=LEFT_OUT, natural_foreign=True, format=FORMAT, stdout=data)
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, data.getvalue())
        # The files as they were before the archive was opened: an archive written into the
        # media folder would otherwise copy itself while it grows.
        for path in files:
            name = path.relative_to(media).as_posix()
            if not name.startswith(SKIPPED_MEDIA):
                archive.write(path, MEDIA + name)


@transaction.atomic
def restore(archive_path):
    """Loads a backup into an empty, migrated database and puts the files back."""
    media = Path(settings.MEDIA_ROOT).resolve()
    with zipfile.ZipFile(archive_path) as archive:
        data = archive.read(DATA).decode("utf-8")
        for name in archive.namelist():
            if name.startswith(MEDIA) and not name.endswith("/"):
                target = (media / name[len(MEDIA) :]).resolve()
                if media not in target.parents:
                    raise ValueError(f"unsafe path in backup: {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    fixture = media.parent / f".restore.{FORMAT}"
    fixture.write_text(data, encoding="utf-8")
    try:
        call_command("loaddata", str(fixture), verbosity=0)
    finally:
        fixture.unlink(missing_ok=True)
