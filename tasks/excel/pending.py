"""Uploaded fill-in templates waiting between their preview and their confirmation: one file
each under MEDIA_ROOT/imports/, named by a random token, gone once confirmed, cancelled or a
day old, and never in backups."""

import re
import time
import uuid
from pathlib import Path

from django.conf import settings

FOLDER = "imports"
TOKEN = re.compile(r"[0-9a-f]{32}")
MAX_AGE = 24 * 3600  # seconds: a preview not confirmed within a day is uploaded again


def folder():
    return Path(settings.MEDIA_ROOT) / FOLDER


def pending_path(token):
    """The waiting file of `token`, or None for anything that is not a token we issue (a
    5,000-character one answered 500: its file name was too long)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return folder() / f"{token}.xlsx"


def keep(upload) -> str:
    """Stores an upload until it is confirmed; its token."""
    token = uuid.uuid4().hex
    path = pending_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def discard(token):
    path = pending_path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def discard_stale(now=None) -> int:
    """Removes the waiting files older than a day (the daily job runs this); how many."""
    now = time.time() if now is None else now
    stale = [p for p in folder().glob("*.xlsx") if now - p.stat().st_mtime > MAX_AGE]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
