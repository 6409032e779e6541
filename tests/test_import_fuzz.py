"""Hostile and malformed workbooks never crash the importer and never write half an import."""

import io
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tasks import services
from tasks.excel.progress import Refused, read_progress
from tasks.models import ProgressReport, ReportFigure
from tests.test_progress_import import FIRST_ROW, PERIOD, template

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cell_values = st.one_of(
    st.none(),
    st.text(max_size=60).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
    st.sampled_from(["推进中", "已完成", "滞后", "=1+1", '=HYPERLINK("x")', "100%", "—", " "]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


def counts():
    return ProgressReport.objects.count(), ReportFigure.objects.count()


def import_or_refuse(file, user):
    """Reads and, if the preview is clean, imports; returns what happened, never raises."""
    before = counts()
    try:
        result = read_progress(file, user=user)
    except Refused as exc:
        assert str(exc)
        assert counts() == before
        return "refused"
    if result.errors:
        for _row, column, message in result.errors:
            assert column and message
        with pytest.raises(ValidationError):
            services.reports_import(result=result, user=user, accept=False, today=PERIOD)
        assert counts() == before  # all or nothing
        return "errors"
    services.reports_import(result=result, user=user, accept=False, today=PERIOD)
    return "imported"


@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused(demo_users, data):
    with pytest.raises(Refused):
        read_progress(io.BytesIO(data), user=demo_users["chanye"])


@FUZZ
@given(cells=st.lists(st.lists(cell_values, min_size=9, max_size=9), min_size=1, max_size=5))
def test_any_cell_values_get_a_message_or_import_cleanly(lvjian, demo_users, cells):
    unit = demo_users["chanye"].memberships.get().unit
    book = load_workbook(template(lvjian, unit))
    sheet = book["填报"]
    for offset, values in enumerate(cells):
        for column, value in enumerate(values, start=1):
            if column == 1 and isinstance(value, bool):
                continue
            sheet.cell(row=FIRST_ROW + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    assert import_or_refuse(out, demo_users["chanye"]) in {"refused", "errors", "imported"}


def test_an_archive_of_a_later_zip_version_is_refused(lvjian, demo_users):
    """Python's zipfile raises NotImplementedError on a version it cannot read (found by the
    corruption fuzz below: one byte changed in the central directory)."""
    unit = demo_users["chanye"].memberships.get().unit
    data = bytearray(template(lvjian, unit).getvalue())
    directory = data.index(b"PK\x01\x02")
    data[directory + 6] = 64  # version needed to extract: 6.4
    assert import_or_refuse(io.BytesIO(bytes(data)), demo_users["chanye"]) == "refused"


@FUZZ
@given(position=st.integers(min_value=0, max_value=10**6), byte=st.integers(0, 255))
def test_a_corrupted_template_is_refused_or_read(lvjian, demo_users, position, byte):
    unit = demo_users["chanye"].memberships.get().unit
    data = bytearray(template(lvjian, unit).getvalue())
    data[position % len(data)] = byte
    assert import_or_refuse(io.BytesIO(bytes(data)), demo_users["chanye"]) in {
        "refused",
        "errors",
        "imported",
    }
