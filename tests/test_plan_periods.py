"""Plans that end: reports owed only within a plan's period, 逾期未完成 after it, periods a
department can report, late reports, the ranking, 待审核, archiving and the plan's state."""

import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tasks import services
from tasks.documents.dates import plan_period
from tasks.models import Plan, ProgressReport, Responsibility, Task, UnitTally
from tasks.pages.dashboard import ranking
from tasks.planning import plan_archive, plan_unarchive
from tasks.standing.tallies import recount
from tests.conftest import LVJIAN, lvjian_task, make_plan, make_task, make_unit, report_data

TRAVEL = "{} 10:00 +0800"


def travel(time_machine, day):
    """Moves the clock and runs the daily refresh, as production does."""
    time_machine.move_to(TRAVEL.format(day), tick=False)
    call_command("refresh_standing", stdout=io.StringIO())


@pytest.fixture
def chanye(demo_users):
    client = Client()
    client.force_login(demo_users["chanye"])
    return client


@pytest.fixture
def office(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    return client


def period_options(html):
    select = html[html.index('name="period"') :]
    return re.findall(
        r"<option value=\"[-\d]+\"[^>]*>([^<]+)</option>", select[: select.index("</select>")]
    )


def test_the_lvjian_plan_runs_through_2023_and_others_have_no_end(seed):
    periods = {p.title: (p.starts_on, p.ends_on) for p in Plan.objects.all()}
    assert periods[LVJIAN] == (date(2023, 1, 1), date(2023, 12, 31))
    assert set(periods.values()) == {
        (date(2023, 1, 1), date(2023, 12, 31)),
        (date(2022, 8, 15), None),  # the provincial opinion, from its issue date
        (date(2021, 7, 1), None),  # the street's plan
    }


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("2024年某区工作要点", "", (date(2024, 1, 1), date(2024, 12, 31))),
        ("某区实施方案（2023—2025年）", "", (date(2023, 1, 1), date(2025, 12, 31))),
        (
            "某区实施方案",
            "本方案执行期为2024年3月1日至2025年6月底。",
            (date(2024, 3, 1), date(2025, 6, 30)),
        ),
        ("某区实施意见", "", (date(2024, 5, 6), None)),
    ],
)
def test_the_period_is_read_from_the_document(title, text, expected):
    assert plan_period(title, 2024, date(2024, 5, 6), text) == expected


def test_a_plan_owes_nothing_after_its_end(seed, time_machine):
    task = lvjian_task("6")
    travel(time_machine, "2023-12-20")
    task.refresh_from_db()
    assert "逾期未完成" not in "".join(task.reasons)
    travel(time_machine, "2024-01-10")  # across the plan's end and the year
    task.refresh_from_db()
    assert task.light == "red"
    assert task.reasons[0] == "逾期未完成（完成时限2023-12-31）"
    travel(time_machine, "2026-12-06")
    task.refresh_from_db()
    assert not [r for r in task.reasons if "2024" in r or "2026" in r]
    owed = Responsibility.objects.filter(task__plan__title=LVJIAN).values_list(
        "reporting_period", flat=True
    )
    assert max(p for p in owed if p) == date(2023, 10, 1)


def test_units_are_counted_only_for_the_periods_of_the_plan(seed, time_machine):
    travel(time_machine, "2026-12-06")
    rows = Responsibility.objects.filter(task__plan__title=LVJIAN, unit__name="综合处")
    assert {r.reports_expected for r in rows} == {4}  # 2023's four quarters, not 15


def test_the_form_offers_the_periods_the_task_owes(chanye, time_machine):
    task = lvjian_task("6")
    time_machine.move_to(TRAVEL.format("2023-08-15"), tick=False)
    html = chanye.get(reverse("tasks:report", args=[task.pk]), follow=True).content.decode()
    assert period_options(html) == ["2023年第3季度", "2023年第2季度", "2023年第1季度"]
    assert re.search(r'<option value="2023-04-01" selected>', html)  # Q2, overdue
    time_machine.move_to(TRAVEL.format("2026-12-06"), tick=False)
    html = chanye.get(reverse("tasks:report", args=[task.pk]), follow=True).content.decode()
    assert period_options(html) == [f"2023年第{q}季度" for q in (4, 3, 2, 1)]
    response = chanye.post(
        reverse("tasks:report", args=[task.pk]),
        {"period": "2026-10-01", "status": "in_progress", "percent": "10", "progress": "x"},
    )
    assert "只能填报方案执行期内尚未报送的周期" in response.content.decode()
    assert not ProgressReport.objects.filter(task=task).exists()


def test_a_late_report_is_accepted_and_counted_late(chanye, demo_users, time_machine):
    task = lvjian_task("6")
    unit = task.lead_units[0]

    def send(period, text):
        values = {"period": period, "status": "in_progress", "progress": text}
        author = demo_users["chanye"]
        services.report_save(
            task=task, unit=unit, author=author, figures=[], submit=True, values=values
        )

    time_machine.move_to(TRAVEL.format("2023-07-03"), tick=False)  # Q2 due 07-05: on time
    send(date(2023, 4, 1), "按时")
    time_machine.move_to(TRAVEL.format("2024-02-01"), tick=False)  # Q3, three months late
    task.refresh_from_db()
    send(date(2023, 7, 1), "补报")
    row = Responsibility.objects.get(task=task, unit=unit)
    assert (row.reports_expected, row.reports_on_time) == (4, 1)


def test_a_submitted_report_shows_as_awaiting_review(chanye, office):
    task = lvjian_task("6")
    chanye.post(
        reverse("tasks:report", args=[task.pk]),
        report_data(period="2023-07-01", percent="30", progress="推进中"),
    )
    page = office.get(task.get_absolute_url()).content.decode()
    header = page[: page.index("主要内容")]
    assert "待审核" in header and "2023年第3季度" in header and "推进中 30%" in header
    assert "未启动" in header  # the task's own status waits for the review
    listing = office.get(f"{reverse('tasks:list')}?plan={task.plan_id}").content.decode()
    row = listing[listing.index(task.title) :]
    row = row[: row.index("</tr>")]
    assert "待审核" in row and "2023年第3季度" in row
    report = ProgressReport.objects.get(task=task)
    services.report_accept(report=report, reviewer=None, version=report.version)
    page = office.get(task.get_absolute_url()).content.decode()
    assert "待审核" not in page[: page.index("主要内容")]


def test_the_ranking_puts_the_best_first_with_its_ties_broken(db):
    """Rate first, then fewer red tasks, then the name."""
    plan = make_plan(year=2024)
    units = {name: make_unit(name=name) for name in ["丁", "乙", "丙", "甲"]}
    records = {
        "甲": (4, 2, "green"),
        "乙": (4, 4, "red"),
        "丙": (2, 1, "red"),
        "丁": (2, 1, "green"),
    }
    for name, (expected, on_time, light) in records.items():
        task = make_task(plan=plan, lead=[units[name]])
        Responsibility.objects.filter(task=task).update(
            reports_expected=expected, reports_on_time=on_time, light=light
        )
    recount([plan.pk])
    order = [unit.name for unit, _counts in ranking(UnitTally.objects.filter(plan=plan))]
    assert order == ["乙", "丁", "甲", "丙"]


def test_the_overview_ranks_by_the_rule_it_states(demo_users, time_machine):
    travel(time_machine, "2026-12-06")
    client = Client()
    client.force_login(demo_users["leader"])
    html = client.get("/").content.decode()
    assert "排名规则" in html and "数据截至 2026-12-06" in html
    assert ">225<" not in html and ">60<" in html  # 综合处: 15 tasks × 4 quarters of 2023


def test_an_archived_plan_leaves_the_pages_and_takes_no_reports(chanye, office, demo_users):
    plan = Plan.objects.get(title=LVJIAN)
    task = lvjian_task("6")
    office.post(reverse("tasks:archive", args=[plan.pk]), {"note": ""})
    assert Plan.objects.get(pk=plan.pk).archived_at is None  # a note is required
    office.post(reverse("tasks:archive", args=[plan.pk]), {"note": "2023年工作已总结"})
    plan.refresh_from_db()
    assert plan.is_archived and plan.archive_note == "2023年工作已总结"
    assert LVJIAN not in office.get("/").content.decode()
    assert LVJIAN in office.get("/?archived=1").content.decode()
    assert LVJIAN not in office.get(reverse("tasks:plans")).content.decode()
    assert LVJIAN in office.get(reverse("tasks:plans") + "?archived=1").content.decode()
    listing = reverse("tasks:list")
    assert task.title not in office.get(listing).content.decode()
    assert task.title in office.get(f"{listing}?archive=archived").content.decode()
    assert task.title in office.get(f"{listing}?plan={plan.pk}").content.decode()
    page = office.get(plan.get_absolute_url()).content.decode()
    assert "已归档" in page and "2023年工作已总结" in page
    response = chanye.get(reverse("tasks:report", args=[task.pk]), follow=True)
    assert "方案已归档，不再接受进展报告" in response.content.decode()
    task = lvjian_task("6")  # as a view reads it
    with pytest.raises(services.ValidationError, match="方案已归档"):
        services.report_save(
            task=task,
            unit=task.lead_units[0],
            author=demo_users["chanye"],
            figures=[],
            submit=True,
            values={"period": date(2023, 7, 1), "status": "in_progress", "progress": "x"},
        )
    assert chanye.post(reverse("tasks:unarchive", args=[plan.pk])).status_code == 403
    office.post(reverse("tasks:unarchive", args=[plan.pk]))
    assert not Plan.objects.get(pk=plan.pk).is_archived


def test_an_archived_plan_owes_nothing(db):
    unit = make_unit()
    task = make_task(plan=make_plan(year=2023), lead=[unit])
    assert Responsibility.objects.get(task=task).reporting == "overdue"
    plan_archive(plan=task.plan, user=None, note="停止执行")
    row = Responsibility.objects.get(task=task)
    assert (row.reporting, row.archived) == ("none", True)  # counted nowhere by default
    plan_unarchive(plan=Plan.objects.get(pk=task.plan_id))
    assert not Responsibility.objects.get(task=task).archived


def test_the_plan_shows_its_state_period_and_cycle(office, time_machine):
    plan = Plan.objects.get(title=LVJIAN)
    html = office.get(plan.get_absolute_url()).content.decode()
    assert "已到期" in html and "2023-01-01 – 2023-12-31" in html
    assert "各期报送进展（每季度）" in html and "每月报送进展" not in html
    time_machine.move_to(TRAVEL.format("2023-06-01"), tick=False)
    html = office.get(plan.get_absolute_url()).content.decode()
    assert "执行中" in html


def test_a_template_for_a_period_outside_the_plan_is_refused(demo_users):
    from tasks.excel.progress import Refused, read_progress
    from tasks.excel.template import write_template
    from tasks.standing.periods import period_containing

    plan = Plan.objects.get(title=LVJIAN)
    unit = lvjian_task("6").lead_units[0]
    buffer = io.BytesIO()
    write_template(
        plan=plan, unit=unit, period=period_containing(plan, date(2026, 7, 1)), output=buffer
    )
    buffer.seek(0)
    with pytest.raises(Refused, match="不在方案执行期内"):
        read_progress(buffer, user=demo_users["chanye"])


def test_seed_reports_move_their_tasks(seed):
    """The provincial measures evidenced by the bulletin's accepted reports are under way."""
    tasks = Task.objects.filter(reports__state="accepted").distinct()
    assert tasks and {t.status for t in tasks} == {"in_progress"}


def test_the_unit_page_offers_every_period_for_the_template(chanye, demo_users):
    unit = lvjian_task("7").lead_units[0]
    html = chanye.get(reverse("tasks:unit", args=[unit.pk])).content.decode()
    assert "2023年第1季度" in html and "2026年" not in html
    plan = Plan.objects.get(title=LVJIAN)
    url = reverse("tasks:template", args=[unit.pk, plan.pk])
    response = chanye.get(url, {"period": "2023-07-01"})
    assert "2023%E5%B9%B4%E7%AC%AC3%E5%AD%A3%E5%BA%A6" in response["Content-Disposition"]


def test_carry_over_moves_unfinished_work_once_with_its_chain(seed, office, time_machine):
    travel(time_machine, "2024-01-10")
    source = Plan.objects.get(title=LVJIAN)
    done = lvjian_task("1")
    Task.objects.filter(pk=done.pk).update(status="done")
    into = make_plan(title="绿建区2024年工作要点", year=2024, issuing_unit=source.issuing_unit)
    make_task(plan=into)  # a task of its own: the carried ones come after it
    url = reverse("tasks:carry_over", args=[source.pk])
    html = office.get(url, {"into": into.pk}).content.decode()
    assert "将结转 18 项任务至“绿建区2024年工作要点”" in html
    assert Task.objects.filter(plan=into).count() == 1  # a preview writes nothing
    response = office.post(url, {"into": into.pk}, follow=True)
    assert "已结转 18 项未完成任务" in response.content.decode()
    new = Task.objects.with_units().get(plan=into, carried_from=lvjian_task("5"))
    assert (new.code, new.seq, new.due_on, new.origin_id) == ("5", 5, None, new.carried_from_id)
    assert [u.name for u in new.lead_units] == ["综合处"]
    assert [str(i) for i in new.indicators.all()] == ["年度开展培训 ≥ 2000人次"]
    assert str(new.section) == str(lvjian_task("5").section)
    assert not Task.objects.filter(plan=into, title=done.title).exists()
    page = office.get(new.get_absolute_url()).content.decode()
    assert f"{LVJIAN} 第5项" in page and "承接前的进展" in page
    again = office.post(url, {"into": into.pk}, follow=True).content.decode()
    assert "已结转 0 项" in again and Task.objects.filter(plan=into).count() == 19
    # the chain goes on: carried again into 2025, the page names where it started
    later = make_plan(title="绿建区2025年工作要点", year=2025, issuing_unit=source.issuing_unit)
    call_command("carry_over", plan=into.pk, into=later.pk, stdout=io.StringIO())
    last = Task.objects.get(plan=later, carried_from=new)
    assert last.origin_id == lvjian_task("5").pk
    page = office.get(last.get_absolute_url()).content.decode()
    chain = page[page.index("承接前的进展") :]
    assert chain.index("绿建区2024年工作要点 第5项") < chain.index(f"{LVJIAN} 第5项")


def test_the_carry_over_command_lists_what_moves_and_refuses_bad_targets(seed):
    source = Plan.objects.get(title=LVJIAN)
    out = io.StringIO()
    call_command("carry_over", plan=source.pk, year=2024, dry_run=True, stdout=out)
    assert "将结转 19 项任务" in out.getvalue() and "（新建）" in out.getvalue()
    assert not Plan.objects.filter(year=2024).exists()
    call_command("carry_over", plan=source.pk, year=2024, stdout=out)
    created = Plan.objects.get(year=2024)
    assert created.title == LVJIAN.replace("2023", "2024")
    assert (created.starts_on, created.ends_on) == (date(2024, 1, 1), date(2024, 12, 31))
    out = io.StringIO()
    call_command("carry_over", plan=source.pk, year=2024, stdout=out)
    assert "已结转 0 项任务" in out.getvalue() and out.getvalue().count("已结转过") == 19
    assert created.tasks.count() == 19
    for kwargs, message in [
        ({"year": 2023}, "新方案的年度应晚于2023年"),
        ({"into": source.pk}, "不能结转到本方案"),
        ({"into": 999999}, "没有编号为 999999 的方案"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("carry_over", plan=source.pk, **kwargs)


def test_the_demo_scenario_is_marked_dated_in_2023_and_removed_whole(seed, office):
    out = io.StringIO()
    call_command("demo_scenario", stdout=out)
    examples = ProgressReport.objects.filter(source="示例数据")
    assert examples.count() > 50 and "添加示例报告" in out.getvalue()
    assert {r.submitted_on.year for r in examples} == {2023}
    assert {r.task.plan.title for r in examples} == {LVJIAN}
    assert all(r.progress.startswith("【示例数据】") for r in examples)
    call_command("demo_scenario", stdout=io.StringIO())  # twice: nothing more
    assert ProgressReport.objects.filter(source="示例数据").count() == examples.count()
    assert lvjian_task("6").status == "done"
    plan = Plan.objects.get(title=LVJIAN)
    for url in ["/", plan.get_absolute_url()]:
        assert "含示例数据" in office.get(url).content.decode()
    ledger = office.get(reverse("tasks:ledger", args=[plan.pk]))
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(ledger.content))["台账"].values for c in row]
    assert any(str(c).startswith("【示例数据】") for c in cells if c)
    call_command("demo_scenario", remove=True, stdout=io.StringIO())
    assert not ProgressReport.objects.filter(source="示例数据").exists()
    assert (lvjian_task("6").status, lvjian_task("6").percent) == ("not_started", 0)
    assert "含示例数据" not in office.get("/").content.decode()


def test_a_plan_is_archived_and_restored_from_the_command_line(seed):
    plan = Plan.objects.get(title=LVJIAN)
    with pytest.raises(CommandError, match="请填写归档说明"):
        call_command("archive_plan", plan=plan.pk)
    out = io.StringIO()
    call_command("archive_plan", plan=plan.pk, note="2023年工作已总结", stdout=out)
    assert "已归档" in out.getvalue() and Plan.objects.get(pk=plan.pk).is_archived
    with pytest.raises(CommandError, match="方案已归档"):
        call_command("archive_plan", plan=plan.pk, note="再次归档")
    call_command("archive_plan", plan=plan.pk, restore=True, stdout=out)
    assert not Plan.objects.get(pk=plan.pk).is_archived
