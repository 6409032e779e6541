"""Access helpers used by every view: return the object or answer 404 / 403.

An object outside the user's scope answers 404 (its existence is not confirmed); an action the
user's role lacks answers 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reform.prepared import Prepared
from tasks.models import Plan, ProgressReport, Task
from tasks.selectors import tasks_with_units
from units.roles import is_office, unit_ids

# No page shows a plan's source document, which runs to tens of thousands of characters.
PLAN = Prepared(lambda pk: Plan.objects.defer("source_text").filter(pk=pk))


def readable(model, user):
    """Whether the model's `visible_to` rule lets the user read any of its rows (plans and
    tasks: every signed-in user reads them all), asked without a query."""
    return not model.objects.visible_to(user).query.is_empty()


def get_plan_or_404(user, plan_id):
    plan = readable(Plan, user) and PLAN.first(plan_id)
    if not plan:
        raise Http404
    return plan


def get_task_or_404(user, task_id):
    """The task with its plan, section and units (as `with_units()` reads them)."""
    task = readable(Task, user) and tasks_with_units([task_id]).get(task_id)
    if not task:
        raise Http404
    return task


def reporting_units(user, task):
    """The user's units that answer for the task (read with its units), lead first."""
    mine = unit_ids(user)
    return [u for u in task.lead_units + task.support_units if u.pk in mine]


def get_report_or_404(user, report_id):
    reports = ProgressReport.objects.visible_to(user).with_task().select_related("unit")
    return get_object_or_404(reports, pk=report_id)


def office_required(view):
    """Office staff only: others get 403 (anonymous users are sent to log in first)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
