"""Commands every deployment has: demo_users; and the project's own health checks."""

import gettext
import os
import re
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tasks.models import Plan, ProgressReport, ReportFigure, Responsibility, Task
from units.models import Membership
from units.roles import is_leader, is_office

ROOT = Path(__file__).resolve().parent.parent


def test_demo_users_makes_each_login(demo_users):
    logins = {"office", "leader", "sheng", "shanhu", "zonghe", "chanye", "zhongou", "lvhong"}
    assert set(demo_users) == logins
    assert is_office(demo_users["office"]) and demo_users["office"].is_staff
    assert is_leader(demo_users["leader"]) and not demo_users["leader"].is_staff
    units = dict(Membership.objects.values_list("user__username", "unit__name"))
    assert units == {
        "office": "绿建区",
        "leader": "绿建区",
        "sheng": "新时代江苏产业工人队伍建设改革联席会议办公室",
        "shanhu": "中共嵊州市剡湖街道工作委员会",
        "zonghe": "综合处",
        "chanye": "产业处",
        "zhongou": "中欧办",
        "lvhong": "绿弘公司",
    }
    assert demo_users["chanye"].check_password("chanGai-2023")


def test_demo_users_is_idempotent(demo_users):
    call_command("demo_users", stdout=StringIO())
    assert Membership.objects.count() == 8


def test_demo_users_refuses_with_debug_off(seed, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_users", stdout=StringIO())
    call_command("demo_users", "--force", stdout=StringIO())
    assert Membership.objects.count() == 8


def test_load_seed_reports_what_it_did(db):
    Plan.objects.all().delete()
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "task created: 48" in out.getvalue()
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "nothing changed" in out.getvalue()


def test_no_migrations_are_missing(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def settings_import(**env):
    """Imports the settings in a fresh interpreter with only `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import reform.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_need_a_secret_key_when_debug_is_off():
    result = settings_import(DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_a_bad_boolean():
    result = settings_import(DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_settings_work_with_nothing_set():
    result = settings_import()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


def test_production_settings_come_from_the_environment():
    result = settings_import(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="a.example,b.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['a.example', 'b.example']"


def test_english_translation_is_complete():
    po = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    # An empty msgstr is `msgstr ""` not followed by a continuation line.
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.M)]
    assert not untranslated, "run makemessages -l en and translate:\n" + "\n".join(untranslated)
    assert "#, fuzzy" not in po
    with (ROOT / "locale/en/LC_MESSAGES/django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.M)
    stale = [msgid for msgid, msgstr in pairs if compiled.gettext(msgid) != msgstr]
    assert not stale, "run compilemessages: django.mo is older than django.po"


def test_seed_scale_loads_plans_reports_figures_and_lights(db, time_machine):
    time_machine.move_to("2026-04-10 10:00 +0800", tick=False)
    call_command("seed_scale", tasks=130, reports_per_task=3, stdout=StringIO(), stderr=StringIO())
    tasks = Task.objects.filter(plan__title__startswith="规模测试方案")
    reports = ProgressReport.objects.filter(task__in=tasks)
    assert tasks.count() == 130 and reports.count() == 390
    # Each report is by the task's lead unit; the older are accepted, the latest half waiting.
    leads = dict(
        tasks.filter(responsibilities__role="lead").values_list("pk", "responsibilities__unit")
    )
    assert all(leads[r.task_id] == r.unit_id for r in reports)
    latest = reports.filter(period=date(2026, 3, 1))
    assert not reports.exclude(period=date(2026, 3, 1)).exclude(state="accepted").exists()
    assert 0 < latest.filter(state="submitted").count() < latest.count()
    assert reports.filter(percent=24, submitted_on=date(2026, 4, 4)).count() == 130
    # A figure in every report, tied to the indicator of every fifth task.
    figures = ReportFigure.objects.filter(report__in=reports)
    assert figures.count() == 390
    assert (
        figures.filter(indicator__isnull=False).count()
        == 3 * tasks.filter(seq__in=range(5, 61, 5)).count()
    )
    assert set(figures.values_list("value", flat=True)) == {160, 320, 480}
    assert Responsibility.objects.exists()
    # Three months of reports up to the one just ended, none sent after today.
    assert set(reports.values_list("period", flat=True)) == {
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    }
    assert max(reports.values_list("submitted_on", flat=True)) == date(2026, 4, 4)
    # Standing computed for every task.
    assert not tasks.filter(light_on=None).exists()
    assert not tasks.exclude(latest_report=None).exclude(latest_report__state="accepted").exists()


def test_bench_compares_the_export_with_the_stock_one_cell_for_cell(seed):
    from tasks.management.commands.bench import Command

    # The demo's tasks, some with reports: the stock export writes the same cells.
    rows = Task.objects.count()
    result = Command().export(rows)
    assert result["rows"] == rows and result["identical_cells"] is True
    assert result["speedup"] > 0 and result["ours_peak_mb"] > 0
