from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from tasks.access import get_plan_or_404
from tasks.filters import TaskFilter
from tasks.ledger import export_ledger, plan_workbook
from tasks.models import Task
from tasks.pages import cached_body, list_version
from tasks.selectors import page_of_ids
from tasks.standing import refresh_stale
from units.roles import unit_ids

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def task_list(request):
    def filtered():
        """The filter set, made only for a page not cached, or the export."""
        # Plan by plan in document order: the (plan, seq) index serves any first page.
        tasks = Task.objects.visible_to(request.user).order_by("plan_id", "seq")
        return TaskFilter(request.GET or None, queryset=tasks, user=request.user)

    if request.GET.get("export") == "xlsx":
        return task_list_export(filtered())
    today = timezone.localdate()

    # Every signed-in user reads every task; the reader's units are in the key all the same.
    scope = sorted(unit_ids(request.user))
    query = sorted(request.GET.lists())

    def context():
        filterset = filtered()

        def filter_form():
            # A plan chosen by its id where plans are found by title shows as its title.
            chosen = filterset.form.is_valid() and filterset.form.cleaned_data.get("plan")
            return {"filter": filterset, "chosen_plan": chosen}

        page, task_ids = list_page(filterset.qs, request.GET.get("page"), today)
        # The form lists plans and units: it changes when they do, not with every report.
        form_key = [query, scope, filterset.catalog]
        form = cached_body(form_key, "tasks/_task_filter.html", filter_form, request=request)
        return {"filter_form": form, "page": page, "task_ids": task_ids}

    body = cached_body(
        [today, scope, query],
        "tasks/_task_list.html",
        context,
        request=request,
        state=lambda: list_version(request.GET),
    )
    return render(request, "tasks/task_list.html", {"body": body})


def list_page(tasks, number, today):
    """A page of task ids, those of its tasks older than today refreshed first (the daily
    refresh has not run yet); the template reads their rows (marks.task_rows_by_id). With
    the plans joined before the sort, PostgreSQL walked every plan in order to find the
    first fifty of a unit's tasks."""
    page, ids = page_of_ids(tasks, number, PAGE_SIZE)
    refresh_stale(Task.objects.filter(pk__in=ids), today)
    return page, ids


def task_list_export(filterset):
    """Exactly the tasks the list shows (every page): 汇总 and 台账."""
    today = timezone.localdate()
    refresh_stale(filterset.qs, today)
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
    response.write(plan_workbook(plan, today=today))
    return response
