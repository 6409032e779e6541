from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from tasks.models import Plan, ProgressReport, Task


def get_plan_or_404(user, plan_id):
    return get_object_or_404(Plan.objects.visible_to(user), pk=plan_id)


def get_task_or_404(user, task_id):
    tasks = Task.objects.visible_to(user).with_units().select_related("parent_task__plan")
    return get_object_or_404(tasks, pk=task_id)


@login_required
def home(request):
    return redirect("tasks:plans")


@login_required
def plan_list(request):
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("issuing_unit")
        .annotate(task_count=Count("tasks"))
    )
    return render(request, "tasks/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    tasks = Task.objects.filter(plan=plan).with_units()
    sections = plan.sections.prefetch_related(Prefetch("tasks", queryset=tasks))
    unsectioned = tasks.filter(section=None)
    ctx = {"plan": plan, "sections": sections, "unsectioned": unsectioned}
    return render(request, "tasks/plan_detail.html", ctx)


@login_required
def task_detail(request, task_id):
    task = get_task_or_404(request.user, task_id)
    reports = (
        ProgressReport.objects.filter(task=task)
        .select_related("unit", "author")
        .prefetch_related("figures")
    )
    history = task.history.select_related("history_user").order_by("-history_date")[:50]
    ctx = {
        "task": task,
        "indicators": task.indicators.all(),
        "reports": reports,
        "history": history,
    }
    return render(request, "tasks/task_detail.html", ctx)
