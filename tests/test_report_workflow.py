"""Reporting, review and 办结 through the pages, with bad input refused and nothing saved."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import Attachment, ProgressReport
from tasks.standing.periods import plan_periods
from tests.conftest import lvjian_task, pdf_bytes, report_data
from units.models import Unit


@pytest.fixture
def chanye(client, demo_users):
    client.force_login(demo_users["chanye"])
    return client


@pytest.fixture
def task6(demo_users):
    return lvjian_task("6")


def submit(client, task, **overrides):
    return client.post(reverse("tasks:report", args=[task.pk]), report_data(**overrides))


def test_it_submits_a_report_with_figures(chanye, task6):
    response = submit(
        chanye,
        task6,
        **{"figures-0-name": "征集合理化建议", "figures-0-value": "36", "figures-0-unit": "条"},
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task6)
    assert (report.state, report.status, report.percent) == ("submitted", "in_progress", 40)
    assert report.unit.name == "产业处" and report.author.username == "chanye"
    assert [(f.name, f.value, f.unit) for f in report.figures.all()] == [
        ("征集合理化建议", 36, "条")
    ]


def test_indicator_values_are_stored_against_the_indicator(client, demo_users):
    client.force_login(demo_users["zhongou"])
    task5 = lvjian_task("5")
    indicator = task5.indicators.get()
    response = submit(client, task5, **{f"indicator_{indicator.pk}": "1200"})
    assert response.status_code == 302
    figure = ProgressReport.objects.get(task=task5).figures.get()
    assert (figure.indicator, figure.value, figure.unit) == (indicator, 1200, "人次")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"percent": "150"}, "确保该值小于或等于100"),
        ({"percent": "abc"}, "请输入0到100之间的整数"),
        ({"percent": ""}, "这个字段是必填项"),
        ({"progress": "   "}, "请填写工作进展"),
        ({"status": "done", "percent": "80"}, "完成进度应为100%"),
        ({"status": "bogus"}, "选择一个有效的选项"),
        ({"period": "1999-01-01"}, "只能填报方案执行期内尚未报送的周期"),
        ({"period": "2024-13-45"}, "只能填报方案执行期内尚未报送的周期"),
        ({"period": ""}, "这个字段是必填项"),
        ({"figures-0-value": "12"}, "请填写数据名称"),
        ({"figures-0-name": "x", "figures-0-value": "很多"}, "输入一个数字"),
        (
            {
                "figures-0-name": "x",
                "figures-0-value": "1",
                "figures-1-name": "x",
                "figures-1-value": "2",
            },
            "数据名称不能重复",
        ),
        ({"figures-TOTAL_FORMS": "bad"}, "ManagementForm"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(chanye, task6, overrides, message):
    response = submit(chanye, task6, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressReport.objects.filter(task=task6).exists()


def test_a_draft_can_be_saved_edited_and_submitted(chanye, task6):
    response = submit(chanye, task6, action="draft")
    draft = ProgressReport.objects.get(task=task6)
    assert response.url == reverse("tasks:report_edit", args=[draft.pk])
    assert draft.state == "draft" and draft.submitted_on is None
    # Opening the form again continues the draft instead of starting a second report.
    assert chanye.get(reverse("tasks:report", args=[task6.pk])).url == response.url
    chanye.post(response.url, report_data(progress="补充内容", version=draft.version))
    draft.refresh_from_db()
    assert (draft.state, draft.progress, draft.version) == ("submitted", "补充内容", 2)


def test_one_report_per_unit_and_period(chanye, task6):
    submit(chanye, task6)
    response = submit(chanye, task6)
    assert "只能填报方案执行期内尚未报送的周期" in response.content.decode()
    assert ProgressReport.objects.filter(task=task6).count() == 1


def test_a_second_report_for_a_period_is_refused_wherever_it_comes_from(demo_users, task6):
    """The form no longer offers a period reported; an import or a stale form reaching the
    service is refused with the constraint's message (ProgressReport.validate_constraints,
    which checks Meta's constraints itself: a new one must be added there)."""
    author = demo_users["chanye"]
    unit = Unit.objects.get(name="产业处")
    now, before = [p.start for p in plan_periods(task6.plan, timezone.localdate())][:2]

    def save(progress, period, **kwargs):
        values = {"period": period, "status": "in_progress", "percent": 40, "progress": progress}
        return services.report_save(
            task=task6, unit=unit, author=author, values=values, figures=[], **kwargs
        )

    save("本期", now, submit=True)
    with pytest.raises(ValidationError, match="本单位该周期的进展报告已存在"):
        save("又一份", now, submit=False)
    draft = save("上期草稿", before, submit=False)
    save("上期", before, submit=True, report=draft, version=draft.version)  # itself: no conflict
    reports = ProgressReport.objects.filter(task=task6, unit=unit).order_by("period")
    reports = reports.values_list("progress", "state")
    assert list(reports) == [("上期", "submitted"), ("本期", "submitted")]
    names = {c.name for c in ProgressReport._meta.constraints}
    assert names == {"tasks_progressreport_one_per_period", "tasks_progressreport_percent_range"}


def test_two_submissions_of_one_period_at_once_leave_one_and_say_why(
    demo_users, task6, monkeypatch
):
    """A double click: both submissions pass the check before either is saved; the second
    is refused by the database and answered with the check's message (which the form
    shows), not an error page."""
    unit = Unit.objects.get(name="产业处")
    period = plan_periods(task6.plan, timezone.localdate())[0].start
    check = ProgressReport.validate_constraints
    checked = []

    def the_other_not_yet_saved(report, exclude=None):
        checked.append(report)
        if len(checked) > 1:  # after the rollback: the other one is there
            check(report, exclude)

    ProgressReport.objects.create(
        task=task6, unit=unit, period=period, state="submitted", progress="先到的"
    )
    monkeypatch.setattr(ProgressReport, "validate_constraints", the_other_not_yet_saved)
    values = {"period": period, "status": "in_progress", "percent": 40, "progress": "后到的"}
    with pytest.raises(ValidationError, match="本单位该周期的进展报告已存在"):
        services.report_save(
            task=task6,
            unit=unit,
            author=demo_users["chanye"],
            values=values,
            figures=[],
            submit=True,
        )
    assert len(checked) == 2
    reports = ProgressReport.objects.filter(task=task6, unit=unit)
    assert list(reports.values_list("progress", flat=True)) == ["先到的"]


def test_each_report_on_the_task_page_names_its_period(chanye, task6):
    """Two reports sent the same day differ by the period they are for, which heads each."""
    submit(chanye, task6)
    html = chanye.get(task6.get_absolute_url()).content.decode()
    label = plan_periods(task6.plan, timezone.localdate())[0].label
    assert f'<span class="report-period">{label}</span>' in html


def test_the_form_proposes_a_period_the_unit_has_not_reported(chanye, task6):
    """Once this period is reported, the form neither offers it again nor proposes it (a
    report sent twice for one period was refused, with nothing the user could do)."""
    submit(chanye, task6)
    html = chanye.get(reverse("tasks:report", args=[task6.pk]), follow=True).content.decode()
    sent = plan_periods(task6.plan, timezone.localdate())[0]
    assert report_data()["period"] == sent.start.isoformat()
    assert f'value="{sent.start}"' not in html
    assert re.search(r'<option value="[-\d]+" selected>', html)
    assert f"已报送：{sent.label}" in html


def test_a_draft_cannot_move_to_a_period_already_reported(chanye, task6):
    submit(chanye, task6)
    sent = report_data()["period"]
    earlier = plan_periods(task6.plan, timezone.localdate())[1].start
    draft = ProgressReport.objects.create(
        task=task6, unit=Unit.objects.get(name="产业处"), period=earlier, progress="草稿"
    )
    url = reverse("tasks:report_edit", args=[draft.pk])
    response = chanye.post(url, report_data(period=sent, version=draft.version))
    assert "只能填报方案执行期内尚未报送的周期" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.period, draft.state) == (earlier, "draft")


def test_once_every_period_of_the_plan_is_reported_the_form_says_so(chanye, task6):
    unit = Unit.objects.get(name="产业处")
    for period in plan_periods(task6.plan, timezone.localdate()):
        ProgressReport.objects.create(
            task=task6, unit=unit, period=period.start, state="accepted", progress="进展"
        )
    response = chanye.get(reverse("tasks:report", args=[task6.pk]), follow=True)
    assert response.redirect_chain == [(task6.get_absolute_url(), 302)]
    assert "方案执行期内各周期的进展报告均已报送" in response.content.decode()


def test_review_return_then_accept_updates_the_task(chanye, task6, demo_users, client):
    submit(chanye, task6, status="done", percent="100")
    report = ProgressReport.objects.get(task=task6)
    office = demo_users["office"]
    with pytest.raises(Exception, match="必须填写审核意见"):
        services.report_return(report=report, reviewer=office, version=1, comment=" ")
    services.report_return(report=report, reviewer=office, version=1, comment="请补充佐证")
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("returned", "请补充佐证")
    services.report_save(
        task=task6,
        unit=report.unit,
        author=report.author,
        values={"progress": "已补充"},
        figures=[],
        submit=True,
        report=report,
        version=report.version,
    )
    services.report_accept(report=report, reviewer=office, version=report.version)
    task6.refresh_from_db()
    assert (task6.status, task6.percent, task6.last_reported_on) == (
        "done",
        100,
        report.submitted_on,
    )


def test_return_without_comment_is_refused_on_the_page(chanye, task6, demo_users, client):
    submit(chanye, task6)
    report = ProgressReport.objects.get(task=task6)
    client.force_login(demo_users["office"])
    response = client.post(
        reverse("tasks:return", args=[report.pk]), {"version": "1", "comment": ""}, follow=True
    )
    assert "退回时必须填写审核意见" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_closing_needs_an_accepted_done_report(chanye, task6, demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    url = reverse("tasks:close", args=[task6.pk])
    response = client.post(url, {"version": "1"}, follow=True)
    assert "办结前需要一份已审核" in response.content.decode()
    report = ProgressReport.objects.create(
        task=task6,
        unit=task6.lead_units[0],
        progress="完成",
        status="done",
        percent=100,
        state="accepted",
    )
    client.post(url, {"version": "1"})
    task6.refresh_from_db()
    assert task6.is_closed and task6.status == "done" and task6.percent == 100
    # A closed task takes no more reports.
    response = chanye.get(reverse("tasks:report", args=[task6.pk]), follow=True)
    assert "任务已办结，不再接受进展报告" in response.content.decode()
    client.post(reverse("tasks:reopen", args=[task6.pk]), {"version": task6.version})
    task6.refresh_from_db()
    assert not task6.is_closed and task6.status == "in_progress"
    assert report.pk


def test_a_stale_save_is_refused_with_what_changed(client, demo_users, task6):
    """Two members of 产业处 open the same draft; the second save must not overwrite the first."""
    from units.models import Membership

    colleague = demo_users["zonghe"]
    Membership.objects.create(user=colleague, unit=task6.lead_units[0])
    draft = ProgressReport.objects.create(
        task=task6,
        unit=task6.lead_units[0],
        progress="初稿",
        percent=10,
        period=report_data()["period"],
    )
    url = reverse("tasks:report_edit", args=[draft.pk])
    client.force_login(demo_users["chanye"])
    first = client.post(url, report_data(progress="第一人修改", action="draft", version="1"))
    assert first.status_code == 302
    client.force_login(colleague)
    second = client.post(url, report_data(progress="第二人修改", percent="90", version="1"))
    assert second.status_code == 409
    html = second.content.decode()
    assert "该报告已被他人修改" in html and "第一人修改" in html and "工作进展" in html
    draft.refresh_from_db()
    assert (draft.progress, draft.percent, draft.state) == ("第一人修改", 40, "draft")


def test_a_stale_review_is_refused(demo_users, chanye, task6):
    """Two office staff open the queue; the second decision, made on the old page, fails."""
    submit(chanye, task6)
    report = ProgressReport.objects.get(task=task6)
    stale = ProgressReport.objects.get(pk=report.pk)
    services.report_accept(report=report, reviewer=demo_users["office"], version=1)
    with pytest.raises(services.Conflict):
        services.report_return(
            report=stale, reviewer=demo_users["office"], version=1, comment="晚了"
        )
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("accepted", "")


PDF = pdf_bytes()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_evidence_is_uploaded_and_served_only_to_who_may_see_it(chanye, task6, demo_users, client):
    response = submit(chanye, task6, action="draft", attachments=[upload("会议纪要.pdf", PDF)])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "会议纪要.pdf" and attachment.size == len(PDF)
    url = attachment.get_absolute_url()
    download = chanye.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    client.force_login(demo_users["lvhong"])  # another unit: a draft is not its business
    assert client.get(url).status_code == 404
    client.force_login(demo_users["leader"])
    assert client.get(url).status_code == 200
    assert "/media/" not in str(url)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ", "类型不支持"),
        ("fake.pdf", b"<html>", "内容与扩展名不符"),
        ("fake.docx", PDF, "内容与扩展名不符"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "超过10MB"),
    ],
)
def test_bad_evidence_is_refused(chanye, task6, name, content, message):
    response = submit(chanye, task6, attachments=[upload(name, content)])
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not ProgressReport.objects.filter(task=task6).exists()


def test_the_task_page_shows_history_with_changed_fields(chanye, task6, demo_users, client):
    submit(chanye, task6, status="done", percent="100")
    report = ProgressReport.objects.get(task=task6)
    services.report_accept(report=report, reviewer=demo_users["office"], version=1)
    html = chanye.get(task6.get_absolute_url()).content.decode()
    assert "状态、完成进度" in html and "最近填报" in html


def daily_refresh():
    call_command("refresh_standing", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_unit_page_shows_what_is_owed(chanye, task6, time_machine):
    time_machine.move_to("2023-02-10 10:00 +0800", tick=False)
    daily_refresh()
    unit = task6.lead_units[0]
    html = chanye.get(unit.get_absolute_url()).content.decode()
    assert html.count("2023年第1季度待报") == 5  # 产业处 leads 4 tasks and supports 1
    assert "2023-04-05前" in html
    submit(chanye, task6, action="draft")
    html = chanye.get(unit.get_absolute_url()).content.decode()
    assert "待完成的报告" in html
    chanye.post(
        reverse("tasks:report_edit", args=[ProgressReport.objects.get(task=task6).pk]),
        report_data(version="1"),
    )
    html = chanye.get(unit.get_absolute_url()).content.decode()
    assert html.count("2023年第1季度待报") == 4 and "已报" in html
    assert "待完成的报告" not in html


def test_a_missed_report_turns_overdue_after_the_grace_days(chanye, task6, time_machine):
    unit = task6.lead_units[0]
    time_machine.move_to("2023-04-08 10:00 +0800", tick=False)  # due 04-05, 3 grace days
    daily_refresh()
    assert "2023年第1季度待报" in chanye.get(unit.get_absolute_url()).content.decode()
    time_machine.move_to("2023-04-09 10:00 +0800", tick=False)
    daily_refresh()
    assert "2023年第1季度逾期未报" in chanye.get(unit.get_absolute_url()).content.decode()


def test_a_post_without_its_version_is_refused_not_crashed(chanye, task6, demo_users):
    submit(chanye, task6, action="draft")
    draft = ProgressReport.objects.get(task=task6)
    response = chanye.post(
        reverse("tasks:report_edit", args=[draft.pk]), report_data(progress="无版本")
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.progress != "无版本"
    office = Client()
    office.force_login(demo_users["office"])
    chanye.post(reverse("tasks:report_edit", args=[draft.pk]), report_data(version=draft.version))
    response = office.post(reverse("tasks:accept", args=[draft.pk]), follow=True)
    assert "已被他人处理" in response.content.decode()
