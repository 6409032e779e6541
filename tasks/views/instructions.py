"""领导批示: the office records a leader's instruction on a task; the units named answer it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reform.forms import DATE_ERRORS, date_input
from reform.views import safe_next
from tasks.access import get_task_or_404, require_manages
from tasks.models import Instruction
from units.roles import office_required, unit_ids


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["leader", "text", "given_on", "due_on", "units"]
        widgets = {
            "leader": forms.TextInput(attrs={"placeholder": gettext_lazy("如：区委书记")}),
            "text": forms.Textarea(attrs={"rows": 4}),
            "given_on": date_input("2023-09-30"),
            "due_on": date_input("2023-10-31"),
            "units": forms.CheckboxSelectMultiple,
        }
        error_messages = {"given_on": DATE_ERRORS, "due_on": DATE_ERRORS}

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = task.units.all()
        self.initial.setdefault("given_on", timezone.localdate())
        self.initial.setdefault("units", [u.pk for u in task.lead_units])

    def clean(self):
        cleaned = super().clean()
        given, due = cleaned.get("given_on"), cleaned.get("due_on")
        if given and due and due < given:
            raise ValidationError(_("办理时限不能早于批示日期。"))
        return cleaned


def shown(instructions, user, today):
    """The instructions with their light today, and whether the user may answer each (a
    member of a unit named): one query."""
    named = Instruction.units.through.objects.filter(
        instruction=OuterRef("pk"), unit__in=list(unit_ids(user))
    )
    shown = list(instructions.annotate(can_answer=Exists(named)))
    for instruction in shown:
        instruction.shown_light = instruction.light(today)
    return shown


@login_required
@office_required
def instruction_add(request, task_id):
    task = get_task_or_404(request.user, task_id)
    require_manages(request.user, task.plan)
    form = InstructionForm(request.POST or None, task=task)
    if form.is_valid():
        form.instance.task = task
        form.instance.recorded_by = request.user
        form.save()
        messages.success(request, _("已记录领导批示，办理单位在本单位页面可以看到并回复。"))
        return redirect(f"{task.get_absolute_url()}#instructions")
    return render(request, "tasks/instruction_form.html", {"task": task, "form": form})


@login_required
@require_POST
def instruction_answer(request, instruction_id):
    """A unit named in the instruction says how it was carried out."""
    instructions = Instruction.objects.visible_to(request.user).select_related("task")
    instruction = get_object_or_404(instructions, pk=instruction_id)
    if not instruction.units.filter(pk__in=unit_ids(request.user)).exists():
        raise PermissionDenied
    back = safe_next(request, request.POST.get("next") or instruction.task.get_absolute_url())
    answer = request.POST.get("answer", "").strip()
    if instruction.answered_on:
        messages.info(request, _("该批示已办理。"))
    elif not answer:
        messages.error(request, _("请填写办理情况后再提交。"))
    else:
        Instruction.objects.filter(pk=instruction.pk, answered_on=None).update(
            answer=answer, answered_on=timezone.localdate(), answered_by=request.user
        )
        messages.success(request, _("已回复领导批示的办理情况。"))
    return redirect(back)
