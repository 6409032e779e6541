"""Backup and restore: an empty database gets identical data back, and the evidence files."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tasks.documents.seed import load_seed
from tasks.models import ProgressReport
from tasks.services import attachment_add
from tests.conftest import lvjian_task

LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def snapshot():
    out = io.StringIO()
    call_command("dumpdata", exclude=LEFT_OUT, natural_foreign=True, format="exactjson", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_identical_data(tmp_path, settings):
    load_seed()
    call_command("demo_users", "--force", stdout=io.StringIO())
    task = lvjian_task("6")
    report = ProgressReport.objects.create(task=task, unit=task.lead_units[0], progress="进展")
    attachment = attachment_add(
        report=report, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), user=None
    )
    before = snapshot()
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", archive, stdout=io.StringIO())

    call_command("flush", "--no-input")
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    stored.unlink()
    assert not ProgressReport.objects.exists()

    call_command("restore", archive, stdout=io.StringIO())
    assert snapshot() == before
    assert stored.read_bytes() == b"%PDF-1.4 x"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", archive, stdout=io.StringIO())


def test_a_backup_cannot_write_outside_the_media_folder(tmp_path, db):
    from reform.backup import restore

    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data.json", "[]")
        zf.writestr("media/../../escape.txt", "x")
    with pytest.raises(ValueError, match="unsafe path"):
        restore(archive)
    assert not (Path(settings.MEDIA_ROOT).parent.parent / "escape.txt").exists()
