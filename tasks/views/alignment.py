"""对照上级方案: link each task to the higher plan's measure it implements."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.access import get_plan_or_404
from tasks.documents.alignment import align
from tasks.models import Plan, Task
from tasks.views.reports import int_or_none
from units.roles import is_office, reads_everything


class ParentForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=gettext_lazy("上级方案"), queryset=Plan.objects.none(), required=False
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Plan.objects.exclude(pk=plan.pk)


@login_required
def plan_alignment(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    if not reads_everything(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not is_office(request.user):
            raise PermissionDenied
        save_alignment(request, plan)
        return redirect("tasks:alignment", plan_id=plan.pk)
    rows, uncovered = align(plan)
    ctx = {
        "plan": plan,
        "rows": rows,
        "uncovered": uncovered,
        "parent_form": ParentForm(initial={"parent": plan.parent_id}, plan=plan),
        "can_edit": is_office(request.user),
    }
    return render(request, "tasks/plan_alignment.html", ctx)


def save_alignment(request, plan):
    if "parent" in request.POST:
        form = ParentForm(request.POST, plan=plan)
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
