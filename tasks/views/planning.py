"""The office's actions on a plan after its period: archive, restore, carry over (结转)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tasks import once, planning
from tasks.access import managed_plan_or_404
from tasks.models import Plan
from units.roles import office_required


class ArchiveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("归档说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写归档说明。")},
    )


class CarryOverForm(forms.Form):
    into = forms.ModelChoiceField(
        label=gettext_lazy("结转到已有方案"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=gettext_lazy("（新建方案）"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("或新建方案的年度"), min_value=1990, max_value=2100, required=False
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # The plans of later years of the same office, the ones a carry-over goes into.
        self.fields["into"].queryset = (
            Plan.objects.current()
            .filter(year__gt=plan.year, office=plan.office)
            .only("pk", "title", "year")
            .order_by("year", "title")
        )
        self.fields["year"].initial = plan.year + 1

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("into") and not cleaned.get("year"):
            raise ValidationError(_("请选择结转到的方案，或填写新方案的年度。"))
        if cleaned.get("into"):
            cleaned["year"] = None
        return cleaned

    def preview(self):
        """What the carry-over would move (the form valid), or None with the error added."""
        try:
            return planning.carry_over_preview(self.plan, **self.target())
        except ValidationError as exc:
            self.add_error(None, exc)
            return None

    def target(self):
        return {"into": self.cleaned_data["into"], "year": self.cleaned_data["year"]}


@login_required
@office_required
def plan_carry_over(request, plan_id):
    """结转: choose the plan to carry into, see what moves, then confirm."""
    plan = managed_plan_or_404(request.user, plan_id)
    data = request.POST if request.method == "POST" else request.GET or None
    form = CarryOverForm(data, plan=plan)
    preview = form.preview() if form.is_valid() else None
    if preview is not None and request.method == "POST":
        try:
            result, earlier = once.once(
                request,
                once.sent_token(request),
                lambda: planning.plan_carry_over(plan=plan, user=request.user, **form.target()),
                url=lambda result: result.target.get_absolute_url(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if earlier is not None:
                return once.already(request, earlier, _("这批任务已结转，未重复结转。"))
            messages.success(
                request,
                _("已结转 %(count)d 项未完成任务至“%(title)s”。")
                % {"count": len(result.created), "title": result.target.title},
            )
            return redirect(result.target)
    ctx = {"plan": plan, "form": form, "preview": preview}
    return render(request, "tasks/plan_carry_over.html", ctx)


@login_required
@office_required
@require_POST
def plan_archive(request, plan_id):
    plan = managed_plan_or_404(request.user, plan_id)
    form = ArchiveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        planning.plan_archive(plan=plan, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("方案已归档。"))
    return redirect(plan)


@login_required
@office_required
@require_POST
def plan_unarchive(request, plan_id):
    plan = managed_plan_or_404(request.user, plan_id)
    try:
        planning.plan_unarchive(plan=plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("方案已恢复，重新计入总览和各列表。"))
    return redirect(plan)
