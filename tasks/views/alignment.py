"""对照上级方案 and 覆盖情况: each task linked to the higher plan's measure it implements, and
seen from above, each measure against the offices below that carry it out."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tasks.access import get_plan_or_404, manages, require_manages
from tasks.documents.alignment import align
from tasks.models import Plan, Task
from tasks.pages.coverage import coverage
from tasks.views.reports import int_or_none
from units.roles import reads_below


class ParentForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=gettext_lazy("上级方案"), queryset=Plan.objects.none(), required=False
    )

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            Plan.objects.visible_to(user).exclude(pk=plan.pk).defer("source_text")
        )


@login_required
def plan_alignment(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    if not reads_below(request.user):
        raise PermissionDenied
    if request.method == "POST":
        require_manages(request.user, plan)
        save_alignment(request, plan)
        return redirect("tasks:alignment", plan_id=plan.pk)
    rows, uncovered = align(plan)
    ctx = {
        "plan": plan,
        "rows": rows,
        "uncovered": uncovered,
        "parent_form": ParentForm(initial={"parent": plan.parent_id}, plan=plan, user=request.user),
        "can_edit": manages(request.user, plan),
    }
    return render(request, "tasks/plan_alignment.html", ctx)


def save_alignment(request, plan):
    if "parent" in request.POST:
        form = ParentForm(request.POST, plan=plan, user=request.user)
        if form.is_valid():
            plan.parent = form.cleaned_data["parent"]
            plan.save(update_fields=["parent"])
            messages.success(request, _("已设置上级方案。"))
        else:
            messages.error(request, _("请选择有效的上级方案。"))
        return
    task = Task.objects.filter(pk=int_or_none(request.POST.get("task")), plan=plan).first()
    if task is None:
        messages.error(request, _("请选择本方案的任务。"))
        return
    chosen = int_or_none(request.POST.get("parent_task"))
    higher = Task.objects.filter(pk=chosen, plan=plan.parent_id).first() if chosen else None
    if chosen and higher is None:
        messages.error(request, _("所选措施不属于上级方案。"))
        return
    task.parent_task = higher
    task.save(update_fields=["parent_task"])
    messages.success(request, _("已更新“%(task)s”的对应措施。") % {"task": task.title})


@login_required
@require_safe
def plan_coverage(request, plan_id):
    """覆盖情况: for each measure, the offices below whose plan carries it out, how far."""
    plan = get_plan_or_404(request.user, plan_id)
    if not reads_below(request.user):
        raise PermissionDenied
    offices, rows = coverage(plan, request.user)
    ctx = {"plan": plan, "offices": offices, "rows": rows}
    return render(request, "tasks/plan_coverage.html", ctx)
