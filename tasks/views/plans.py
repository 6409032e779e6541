from functools import cache

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from tasks.access import get_plan_or_404, get_task_or_404, reporting_units
from tasks.dashboard import overview, plan_dashboard
from tasks.history import history_rows
from tasks.models import Plan, Task
from tasks.pages import (
    all_versions,
    cached_bodies,
    cached_body,
    field_values,
    plan_version,
    unit_version,
)
from tasks.selectors import (
    indicator_progress,
    open_reminders,
    task_report_heads,
    unit_counts,
    unit_items,
    unit_open_reports,
)
from tasks.standing import refresh_stale
from units.models import Unit
from units.roles import is_office, reads_everything, unit_ids

PLAN_CARDS = 24  # a page of the plan list: full rows of two, three or four cards
# A task's reports shown at once, newest first: half a year of monthly reports. A task reported
# on for years by several units has hundreds; older ones are a page further.
TIMELINE_PAGE = 6
# Where a task page's body takes its reports. User text cannot forge it: "<" is escaped.
REPORTS_SLOT = "<!-- reports -->"
# What the standing refresh writes on a task (tasks.standing.refresh_chunk).
LIGHT_FIELDS = ("light", "light_reasons", "light_on")


@login_required
@require_safe
def home(request):
    """Department users land on their unit's items; office staff and leaders on the overview."""
    if reads_everything(request.user):
        today = timezone.localdate()
        body = cached_body(
            [today, sorted(request.GET.lists())],
            "tasks/_overview.html",
            lambda: overview(
                request.user,
                today,
                plan_page=request.GET.get("plans"),
                unit_page=request.GET.get("units"),
            ),
            request=request,
            state=all_versions,
        )
        return render(request, "tasks/overview.html", {"body": body})
    mine = sorted(unit_ids(request.user))
    if mine:
        return redirect("tasks:unit", unit_id=mine[0])
    return redirect("tasks:plans")


@login_required
@require_safe
def plan_list(request):
    """The plans, newest year first, a page at a time (a province issues thousands), each
    with its number of tasks counted for the page alone."""
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("issuing_unit")
        .defer("source_text")
        .order_by("-year", "title", "pk")
    )
    page = Paginator(plans, PLAN_CARDS).get_page(request.GET.get("page"))
    counts = dict(
        Task.objects.filter(plan__in=[plan.pk for plan in page])
        .values_list("plan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for plan in page:
        plan.task_count = counts.get(plan.pk, 0)
    return render(request, "tasks/plan_list.html", {"page": page, "plans": page.object_list})


@login_required
@require_safe
def plan_detail(request, plan_id):
    """The plan dashboard: where the plan stands, by section and by unit, and every task."""
    plan = get_plan_or_404(request.user, plan_id)
    today = timezone.localdate()
    flags = {"can_review": is_office(request.user), "can_align": reads_everything(request.user)}

    def state():
        refresh_stale(Task.objects.filter(plan=plan), today)
        return plan_version(plan)

    body = cached_body(
        [plan.pk, today, flags],
        "tasks/_plan_dashboard.html",
        lambda: plan_dashboard(plan, today) | {"plan": plan, **flags},
        state=state,
    )
    return render(request, "tasks/plan_detail.html", {"plan": plan, "body": body, **flags})


@login_required
@require_safe
def help_lights(request):
    return render(request, "tasks/help_lights.html")


@login_required
@require_safe
def task_detail(request, task_id):
    task = get_task_or_404(request.user, task_id)
    mine = unit_ids(request.user)
    ctx = {
        "task": task,
        "reporting_units": reporting_units(request.user, task),
        "can_review": is_office(request.user),
        # The higher plan's task it carries out, if any: read here, not joined to every task.
        "parent": task.parent_task_id
        and Task.objects.with_plan().filter(pk=task.parent_task_id).first(),
    }

    # The reports this reader may see (by role and units: ProgressReport.visible_to).
    heads = task_report_heads(task, request.user)
    reports = Paginator(heads, TIMELINE_PAGE).get_page(request.GET.get("reports"))

    def facts():
        return {"task": task, "indicators": indicator_progress(task), "history": history_rows(task)}

    # What the task says, its indicators and its history, the same for every reader, move with
    # its own fields (each edit moves `version` or `updated_at`, an accepted report its latest
    # report), not with the light every report and each day's refresh compute again.
    key = [task.pk, field_values(task, *LIGHT_FIELDS)]
    # Its reports move with each report's head, and who may edit them with the reader.
    roles = [reads_everything(request.user), ctx["can_review"]]
    reports_key = [task.pk, reports.object_list, reports.number, len(heads), sorted(mine), roles]
    body, timeline = cached_bodies(
        (key, "tasks/_task_body.html", facts, None),
        (reports_key, "tasks/_task_reports.html", lambda: ctx | {"reports": reports}, None),
    )
    body = mark_safe(body.replace(REPORTS_SLOT, timeline))  # noqa: S308 - both rendered by us
    return render(request, "tasks/task_detail.html", ctx | {"body": body})


@login_required
@require_safe
def unit_detail(request, unit_id):
    """我的任务: what a unit leads and supports, what it owes this period, what it must finish."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)
    today = timezone.localdate()
    refresh_stale(Task.objects.filter(responsibilities__unit=unit), today)
    flags = {"is_member": unit.pk in unit_ids(request.user), "is_office": is_office(request.user)}
    number = request.GET.get("page")

    @cache
    def context():
        page, items = unit_items(unit, number)
        return {
            "unit": unit,
            "counts": unit_counts(unit),
            "page": page,
            "lead_items": [i for i in items if i.role == "lead"],
            "support_items": [i for i in items if i.role == "support"],
            # The plans of the page's items, for their templates' links (id and title).
            "plans": [
                Plan(pk=pk, title=title)
                for pk, title in {i.task__plan_id: i.task__plan__title for i in items}.items()
            ],
            "can_import": flags["is_member"] or flags["is_office"],
            **flags,
        }

    def notices():
        return {"reminders": open_reminders(unit), "open_reports": unit_open_reports(unit)}

    # Every write to the unit's reports and every 催办 sent to it moves the unit's version.
    key = [unit.pk, unit_version(unit), today, number, flags]
    head, notices, items = cached_bodies(
        (key, "tasks/_unit_head.html", context, None),
        (key, "tasks/_unit_notices.html", notices, None),
        (key, "tasks/_unit_page.html", context, request),
    )
    ctx = {"unit": unit, "head": head, "notices": notices, "items": items, **flags}
    return render(request, "tasks/unit_detail.html", ctx)
