from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from tasks.filters import TaskFilter
from tasks.lights import assess_tasks
from tasks.models import Task

PAGE_SIZE = 50


@login_required
def task_list(request):
    tasks = Task.objects.visible_to(request.user).order_by("plan__year", "plan_id", "seq")
    filterset = TaskFilter(request.GET or None, queryset=tasks, user=request.user)
    page = Paginator(filterset.qs.with_units(), PAGE_SIZE).get_page(request.GET.get("page"))
    tasks = assess_tasks(page.object_list, timezone.localdate())
    ctx = {"filter": filterset, "page": page, "tasks": tasks}
    return render(request, "tasks/task_list.html", ctx)
