from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tasks.access import get_plan_or_404, get_task_or_404, manages, reporting_units
from tasks.models import Instruction, Plan, Task
from tasks.pages.dashboard import overview, plan_dashboard
from tasks.pages.selectors import (
    indicator_progress,
    open_reminders,
    task_chain,
    task_reports,
    unit_counts,
    unit_items,
    unit_open_reports,
)
from tasks.reporting.history import history_rows
from tasks.standing.periods import plan_periods
from tasks.views.instructions import shown
from tasks.views.planning import ArchiveForm
from units.models import Unit
from units.roles import reads_below, unit_ids

PLAN_CARDS = 24  # a page of the plan list: full rows of two, three or four cards
# A task's reports shown at once, newest first: half a year of monthly reports. A task reported
# on for years by several units has hundreds; older ones are a page further.
TIMELINE_PAGE = 6


@login_required
@require_safe
def home(request):
    """Department users land on their unit's items; office staff and leaders on the overview."""
    if reads_below(request.user):
        ctx = overview(
            request.user,
            timezone.localdate(),
            archived=request.GET.get("archived") == "1",
            plan_page=request.GET.get("plans"),
            unit_page=request.GET.get("units"),
        )
        return render(request, "tasks/overview.html", ctx)
    mine = sorted(unit_ids(request.user))
    if mine:
        return redirect("tasks:unit", unit_id=mine[0])
    return redirect("tasks:plans")


@login_required
@require_safe
def plan_list(request):
    """The plans, newest year first, a page at a time (a province issues thousands), each
    with its number of tasks counted for the page alone."""
    archived = request.GET.get("archived") == "1"
    plans = (
        Plan.objects.visible_to(request.user)
        .filter(archived_at__isnull=not archived)
        .select_related("issuing_unit", "office")
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
    today = timezone.localdate()
    for plan in page:
        plan.task_count = counts.get(plan.pk, 0)
        plan.state = plan.state_on(today)
    ctx = {"page": page, "plans": page.object_list, "archived": archived}
    return render(request, "tasks/plan_list.html", ctx)


@login_required
@require_safe
def plan_detail(request, plan_id):
    """The plan dashboard: where the plan stands, by section and by unit, and every task."""
    plan = get_plan_or_404(request.user, plan_id)
    today = timezone.localdate()
    ctx = plan_dashboard(plan) | {
        "plan": plan,
        "state": plan.state_on(today),
        "today": today,
        "archive_form": ArchiveForm(),
        "can_manage": manages(request.user, plan),
        "can_remind": manages(request.user, plan) and not plan.is_archived,
        "can_align": reads_below(request.user),
    }
    return render(request, "tasks/plan_detail.html", ctx)


@login_required
@require_safe
def help_lights(request):
    return render(request, "tasks/help_lights.html")


@login_required
@require_safe
def task_detail(request, task_id):
    task = get_task_or_404(request.user, task_id)
    reports = task_reports(task, request.user)
    earlier, later = task_chain(task)
    ctx = {
        "task": task,
        "earlier": earlier,
        "later": later,
        "reporting_units": reporting_units(request.user, task),
        "can_review": manages(request.user, task.plan),
        # The higher plan's task it carries out, if any: read here, not joined to every task.
        "parent": task.parent_task_id
        and Task.objects.with_plan().filter(pk=task.parent_task_id).first(),
        "indicators": indicator_progress(task),
        "reports": Paginator(reports, TIMELINE_PAGE).get_page(request.GET.get("reports")),
        "history": history_rows(task),
        "instructions": shown(task.instructions.all(), request.user, timezone.localdate()),
    }
    return render(request, "tasks/task_detail.html", ctx)


@login_required
@require_safe
def unit_detail(request, unit_id):
    """我的任务: what a unit leads and supports, what it owes this period, what it must finish."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)
    is_member = unit.pk in unit_ids(request.user)
    page = unit_items(unit, request.user, request.GET.get("page"))
    items = page.object_list
    # The plans of the page's items, each with the periods its fill-in template may be for.
    plans = list({i.task.plan_id: i.task.plan for i in items}.values())
    today = timezone.localdate()
    for plan in plans:
        plan.periods = [(p.start.isoformat(), p.label) for p in plan_periods(plan, today)]
    ctx = {
        "unit": unit,
        "counts": unit_counts(unit, request.user),
        "page": page,
        "lead_items": [i for i in items if i.role == "lead"],
        "support_items": [i for i in items if i.role == "support"],
        "plans": plans,
        "today": today,
        "reminders": open_reminders(unit, request.user),
        "instructions": shown(
            Instruction.objects.visible_to(request.user)
            .open()
            .filter(units=unit)
            .select_related("task"),
            request.user,
            today,
        ),
        "open_reports": unit_open_reports(unit, request.user),
        "is_member": is_member,
        "can_import": is_member or Plan.objects.managed_by(request.user).exists(),
    }
    return render(request, "tasks/unit_detail.html", ctx)
