"""Limits on uploaded Office files (.xlsx, .docx), checked before any library parses them:
they are zip archives, and a small one can inflate to gigabytes."""

import zipfile

MAX_INFLATED = 50 * 1024 * 1024
MAX_RATIO = 100  # Office files compress about 10:1; far more means a zip bomb
MAX_MEMBERS = 500


class UnsafeArchive(Exception):
    """The file cannot be opened safely."""


class NotAnArchive(UnsafeArchive):
    """Not a zip archive: not an Office file, or a broken one."""


class NotAnOfficePackage(NotAnArchive):
    """A zip, but without an Office package's content types: an .ods, or another zip."""


class TooLarge(UnsafeArchive):
    """It would inflate past the limits."""


def check_archive(file) -> list[str]:
    """Reads the archive's directory (not its contents) and refuses what is not a zip, would
    inflate past the limits or is not an Office package; the names of its members. Leaves
    `file` at its start."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise NotAnArchive from None
    finally:
        file.seek(0)
    inflated = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if len(members) > MAX_MEMBERS or inflated > MAX_INFLATED or inflated / packed > MAX_RATIO:
        raise TooLarge
    names = [m.filename for m in members]
    if "[Content_Types].xml" not in names:
        raise NotAnOfficePackage
    return names
