"""Access helpers used by every view: return the object or answer 404 / 403.

An object outside the user's scope answers 404 (its existence is not confirmed); an action the
user's role lacks answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tasks.models import Plan, ProgressReport, Task
from units.roles import is_office, office_ids, unit_ids


def get_plan_or_404(user, plan_id):
    """The plan without its source document, which no page shows (tens of thousands of
    characters)."""
    plans = Plan.objects.visible_to(user).select_related("office").defer("source_text")
    return get_object_or_404(plans, pk=plan_id)


def get_task_or_404(user, task_id):
    """The task with its plan, section and units, and the report awaiting review if any."""
    tasks = Task.objects.visible_to(user).with_units().select_related("pending_report__unit")
    return get_object_or_404(tasks, pk=task_id)


def manages(user, plan):
    """The user's office manages the plan: its staff review, close, remind, edit."""
    return user.is_superuser or (is_office(user) and plan.office_id in office_ids(user))


def require_manages(user, plan):
    """403 for a plan the user reads but whose office is not theirs."""
    if not manages(user, plan):
        raise PermissionDenied


def managed_plan_or_404(user, plan_id):
    """A plan the user may change: 404 outside what they read, 403 if they only read it."""
    plan = get_plan_or_404(user, plan_id)
    require_manages(user, plan)
    return plan


def reporting_units(user, task):
    """The user's units that answer for the task (read with its units), lead first."""
    mine = unit_ids(user)
    return [u for u in task.lead_units + task.support_units if u.pk in mine]


def get_report_or_404(user, report_id):
    reports = ProgressReport.objects.visible_to(user).with_task().select_related("unit")
    return get_object_or_404(reports, pk=report_id)
