"""通报: a .docx drafted from a meeting's snapshots, read back: every number counted from the
snapshots, every quote with its source in the appendix."""

import io
import re
from datetime import date

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tasks.meetings.bulletin import write_bulletin
from tasks.meetings.changes import counts
from tasks.meetings.record import meeting_record
from tasks.models import Instruction
from tests.conftest import lvjian_task


@pytest.fixture
def meeting(lvjian):
    call_command("demo_scenario", stdout=io.StringIO())
    task = lvjian_task("7")
    instruction = Instruction.objects.create(
        task=task,
        leader="区委书记",
        text="抓紧",
        given_on=date(2023, 9, 1),
        due_on=date(2023, 12, 31),
    )
    instruction.units.set(task.lead_units)
    return meeting_record(
        office=lvjian.office,
        title="2023年第四季度督查推进会",
        held_on=date(2023, 12, 28),
        plans=[lvjian],
    )


def paragraphs(meeting):
    out = io.BytesIO()
    write_bulletin(meeting, output=out, base_url="https://dc.example.gov.cn")
    out.seek(0)
    return [p.text for p in docx.Document(out).paragraphs]


def test_its_numbers_are_the_snapshots(meeting):
    text = paragraphs(meeting)
    found = counts(meeting.snapshots.all())
    assert text[0] == "关于2023年第四季度督查推进会有关情况的通报"
    summary = next(p for p in text if p.startswith("截至本次督查会"))
    assert f"共有任务{found['tasks']}项，已完成{found['done']}项" in summary
    assert f"（红灯）{found['red']}项" in summary and f"（黄灯）{found['yellow']}项" in summary
    lagging = [p for p in text if re.match(r"\d+\. .*：(红灯|黄灯)，", p)]
    assert len(lagging) == found["red"] + found["yellow"]


def test_every_quote_names_its_report(meeting):
    text = paragraphs(meeting)
    quotes = [p for p in text if "〔" in p and "：“" in p]
    assert quotes
    for quote in quotes:
        n = re.search(r"〔(\d+)〕$", quote).group(1)
        source = next(p for p in text if p.startswith(f"〔{n}〕"))
        assert re.search(r"进展报告.*：https://dc\.example\.gov\.cn/tasks/\d+/#report-\d+$", source)
    snap = meeting.snapshots.get(task=lvjian_task("6"))
    assert f"“{snap.report.progress}”" in "\n".join(quotes)


def test_it_lists_the_instructions_still_open(meeting):
    text = paragraphs(meeting)
    assert "尚未办理的领导批示" in text
    assert any("区委书记批示（2023-09-01），应于2023-12-31前办理，尚未办理" in p for p in text)


def test_the_meeting_page_and_the_command_give_it(meeting, demo_users, tmp_path):
    url = reverse("tasks:bulletin", args=[meeting.pk])
    for username, status in [("office", 200), ("leader", 200), ("chanye", 403), ("shanhu", 404)]:
        client = Client()
        client.force_login(demo_users[username])
        assert client.get(url).status_code == status, username
    path = tmp_path / "b.docx"
    call_command("export_bulletin", meeting=meeting.pk, output=str(path), stdout=io.StringIO())
    assert docx.Document(path).paragraphs[0].text.startswith("关于2023年第四季度督查推进会")
