from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from tasks.access import get_plan_or_404
from tasks.excel.ledger import export_ledger
from tasks.meetings.workbook import plan_workbook
from tasks.models import Task
from tasks.pages.filters import TaskFilter
from tasks.pages.selectors import tasks_page

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def task_list(request):
    # Plan by plan in document order: the (plan, seq) index serves any first page.
    tasks = Task.objects.visible_to(request.user).order_by("plan_id", "seq")
    filterset = TaskFilter(request.GET, queryset=tasks, user=request.user)
    if request.GET.get("export") == "xlsx":
        return task_list_export(filterset)
    # Every task the reader reads: counted by estimate where there are many (共约 100,000 项).
    whole = set(request.GET) <= {"page", "o"} and not filterset.archived_plans
    page = tasks_page(filterset.qs, request.GET.get("page"), PAGE_SIZE, whole=whole)
    ctx = {"filter": filterset, "page": page, "tasks": page.object_list}
    return render(request, "tasks/task_list.html", ctx)


def task_list_export(filterset):
    """Exactly the tasks the list shows (every page): 汇总 and 台账."""
    today = timezone.localdate()
    response = xlsx_response(f"任务台账-{today:%Y%m%d}.xlsx")
    export_ledger(
        filterset.qs, title="任务台账（筛选结果）", today=today, output=response, unit_sheets=False
    )
    return response


def xlsx_response(filename):
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_safe
def plan_ledger(request, plan_id):
    """The plan's supervision workbook (台账), as the office takes it to the 督查会."""
    plan = get_plan_or_404(request.user, plan_id)
    today = timezone.localdate()
    response = xlsx_response(f"{plan.title}-台账-{today:%Y%m%d}.xlsx")
    plan_workbook(plan, today=today, output=response)
    return response
