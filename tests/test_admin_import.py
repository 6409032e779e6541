"""Admin XLSX import of tasks names plans, sections and units the way people write them."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tasks.models import Responsibility, Task
from tests.conftest import LVJIAN

REPORT_HEADER = [
    "方案",
    "任务编号",
    "填报单位",
    "填报周期",
    "状态",
    "完成进度",
    "工作进展",
    "存在问题",
    "下步计划",
    "审核状态",
    "报送日期",
]
HEADER = ["方案", "板块", "顺序", "编号", "任务", "主要内容", "牵头部门", "配合部门", "完成时限"]
SECTION = "二、聚焦素质提升，拓宽产业工人成长空间"[2:]


def xlsx(*rows, header=HEADER):
    """An uploaded workbook: the header, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "upload.xlsx"
    return buffer


def upload(client, file):
    return client.post(
        reverse("admin:tasks_task_import"),
        {"resource": "0", "format": "0", "import_file": file},
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(reverse("admin:tasks_task_process_import"), form.initial, follow=True)


@pytest.fixture
def office_client(client, demo_users):
    client.force_login(demo_users["office"])
    return client


def test_it_imports_a_task_with_units_named_by_name(office_client, lvjian):
    file = xlsx(
        [
            LVJIAN,
            SECTION,
            20,
            "20",
            "建设技能人才库",
            "新增内容。",
            "产业处",
            "综合处、中欧办",
            "2023-12-31",
        ]
    )
    response = upload(office_client, file)
    assert response.status_code == 200
    assert not Task.objects.filter(plan=lvjian, seq=20).exists()  # a preview writes nothing
    response = confirm(office_client, response)
    assert response.status_code == 200
    task = Task.objects.with_units().get(plan=lvjian, seq=20)
    assert (task.title, task.section.title, str(task.due_on)) == (
        "建设技能人才库",
        SECTION,
        "2023-12-31",
    )
    assert [u.name for u in task.lead_units] == ["产业处"]
    assert [u.name for u in task.support_units] == ["综合处", "中欧办"]


def test_it_updates_the_units_of_an_existing_task(office_client, lvjian):
    row = [LVJIAN, SECTION, 6, "6", "完善创新激励机制", "内容", "产业处", "绿弘公司", None]
    confirm(office_client, upload(office_client, xlsx(row)))
    task = Task.objects.with_units().get(plan=lvjian, seq=6)
    assert [u.name for u in task.support_units] == ["绿弘公司"]
    assert Task.objects.filter(plan=lvjian).count() == 19


def test_it_refuses_a_file_with_an_unknown_unit_and_writes_nothing(office_client, lvjian):
    before = (Task.objects.count(), Responsibility.objects.count())
    file = xlsx(
        [LVJIAN, SECTION, 20, "20", "新任务", "内容。", "产业处", "", None],
        [LVJIAN, SECTION, 21, "21", "另一任务", "内容。", "不存在的处", "综合处", None],
    )
    response = upload(office_client, file)
    assert response.status_code == 200
    assert "未知单位：不存在的处" in response.content.decode()
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert (Task.objects.count(), Responsibility.objects.count()) == before


def test_it_exports_tasks_with_unit_names(office_client, lvjian):
    response = office_client.post(
        reverse("admin:tasks_task_export"),
        {
            "resource": "0",
            "format": "0",
            **{
                f"taskresource_{f}": "on"
                for f in (
                    "plan",
                    "section",
                    "seq",
                    "code",
                    "title",
                    "content",
                    "lead",
                    "support",
                    "due_on",
                )
            },
        },
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    task5 = next(r for r in rows if r[0] == LVJIAN and r[3] == "5")
    assert (task5[6], task5[7]) == ("综合处", "中欧办、绿弘公司")


def test_admin_exports_keep_formulas_as_text(office_client, lvjian):
    Task.objects.filter(plan=lvjian, code="1").update(title='=HYPERLINK("http://evil.example")')
    response = office_client.post(
        reverse("admin:tasks_task_export"),
        {
            "resource": "0",
            "format": "0",
            **{f"taskresource_{f}": "on" for f in ("plan", "code", "title")},
        },
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for c in sheet["C"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def report_xlsx(*rows):
    return xlsx(*rows, header=REPORT_HEADER)


def preview_reports(client, file):
    """The admin's report import, up to its preview."""
    return client.post(
        reverse("admin:tasks_progressreport_import"),
        {"resource": "0", "format": "0", "import_file": file},
    )


def test_admin_imports_progress_reports_naming_task_and_unit(office_client, lvjian):
    from tasks.models import ProgressReport

    file = report_xlsx(
        [
            LVJIAN,
            "6",
            "产业处",
            "2023-01-01",
            "in_progress",
            30,
            "已部署",
            "",
            "",
            "submitted",
            "2023-04-01",
        ]
    )
    response = preview_reports(office_client, file)
    confirm_url = reverse("admin:tasks_progressreport_process_import")
    office_client.post(confirm_url, response.context["confirm_form"].initial)
    report = ProgressReport.objects.get(task__plan=lvjian, task__code="6")
    assert (report.unit.name, report.percent, report.progress) == ("产业处", 30, "已部署")


def test_admin_progress_import_refuses_an_unknown_task(office_client, lvjian):
    from tasks.models import ProgressReport

    before = ProgressReport.objects.count()
    file = report_xlsx(
        [
            LVJIAN,
            "99",
            "产业处",
            "2023-01-01",
            "in_progress",
            30,
            "x",
            "",
            "",
            "submitted",
            "2023-04-01",
        ]
    )
    response = preview_reports(office_client, file)
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert ProgressReport.objects.count() == before


def test_the_report_resource_is_scoped_to_the_users_units(demo_users, lvjian):
    from tasks.excel.resources import ProgressReportResource
    from tasks.models import ProgressReport

    task6 = Task.objects.with_units().get(plan=lvjian, code="6")
    ProgressReport.objects.create(task=task6, unit=task6.lead_units[0], progress="草稿")
    chanye_sees = ProgressReportResource(user=demo_users["chanye"]).get_queryset()
    zonghe_sees = ProgressReportResource(user=demo_users["zonghe"]).get_queryset()
    assert chanye_sees.filter(progress="草稿").exists()
    assert not zonghe_sees.filter(progress="草稿").exists()  # another unit's draft
    dataset = tablib_rows(
        [
            LVJIAN,
            "6",
            "产业处",
            "2023-04-01",
            "in_progress",
            30,
            "越权",
            "",
            "",
            "submitted",
            "2023-04-01",
        ]
    )
    result = ProgressReportResource(user=demo_users["zonghe"]).import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    assert "无权为该单位导入进展报告" in str(result.invalid_rows[0].error_dict)


def tablib_rows(*rows):
    import tablib

    return tablib.Dataset(*rows, headers=REPORT_HEADER)


def test_admin_progress_import_refuses_a_closed_task(office_client, lvjian):
    """The same rule as the form: a closed (办结) task takes no report from any source."""
    from django.utils import timezone

    from tasks.models import ProgressReport

    Task.objects.filter(plan=lvjian, code="6").update(closed_at=timezone.now(), status="done")
    row = [
        LVJIAN,
        "6",
        "产业处",
        "2023-01-01",
        "delayed",
        10,
        "x",
        "",
        "",
        "submitted",
        "2023-04-01",
    ]
    response = preview_reports(office_client, report_xlsx(row))
    assert "任务已办结，不再接受进展报告" in response.content.decode()
    assert not ProgressReport.objects.filter(task__plan=lvjian, task__code="6").exists()
    task = Task.objects.get(plan=lvjian, code="6")
    assert (task.status, task.percent) != ("delayed", 10)


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        ("综合处", "2023-01-01", "不是这项任务的责任部门"),  # task 6 is 产业处's alone
        ("产业处", "2000-01-01", "不在方案执行期内"),
        ("产业处", "2099-10-01", "不在方案执行期内"),
    ],
)
def test_admin_progress_import_keeps_the_reporting_rules(
    office_client, lvjian, unit, period, message
):
    """The same rules as the form and the template: the unit answers for the task, and the
    period is one of the plan's up to today."""
    from tasks.models import ProgressReport

    row = [LVJIAN, "6", unit, period, "in_progress", 10, "x", "", "", "submitted", "2023-04-01"]
    response = preview_reports(office_client, report_xlsx(row))
    assert message in response.content.decode()
    assert not ProgressReport.objects.filter(task__plan=lvjian, task__code="6").exists()
