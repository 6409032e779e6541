"""The fill-in round trip in the browser: download a unit's template, upload it filled in."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tasks import once, services
from tasks.access import get_plan_or_404, manages
from tasks.excel import pending
from tasks.excel.progress import MAX_UPLOAD, Refused, read_progress
from tasks.excel.template import write_template
from tasks.standing.lights import owed_period
from tasks.standing.periods import plan_periods
from tasks.views.lists import xlsx_response
from units.models import Unit
from units.roles import is_leader, unit_ids


@login_required
@require_safe
def fill_template(request, unit_id, plan_id):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)
    plan = get_plan_or_404(request.user, plan_id)
    tasks = list(plan.tasks.filter(responsibilities__unit=unit).with_plan())
    if not tasks:
        raise Http404
    today = timezone.localdate()
    period = chosen_period(plan, request.GET.get("period"), today) or owed_period(
        tasks, unit, today
    )
    if period is None:
        messages.info(request, _("方案尚未开始执行，暂无需要填报的周期。"))
        return redirect("tasks:unit", unit_id=unit.pk)
    response = xlsx_response(f"{unit.display_name}-进展填报-{period.label}.xlsx")
    write_template(plan=plan, unit=unit, period=period, output=response)
    return response


def chosen_period(plan, value, today):
    """The period asked for, if it is one of the plan's up to today (else none)."""
    return next((p for p in plan_periods(plan, today) if p.start.isoformat() == value), None)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的填报模板（.xlsx）"))
    accept = forms.BooleanField(
        label=gettext_lazy("导入后直接审核通过（仅产改办）"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _(
                    "请上传.xlsx文件：.xls、.ods或.csv请先在Excel或WPS中“另存为”Excel工作簿（.xlsx）。"
                )
            )
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过5MB。"))
        return upload


@login_required
def progress_import(request, plan_id):
    """Preview, then confirm: nothing is written until the preview shows no error."""
    plan = get_plan_or_404(request.user, plan_id)
    # The plan's office, or a member of a unit that answers for its tasks (leaders change
    # nothing).
    answers = plan.responsibilities().filter(unit__in=unit_ids(request.user)).exists()
    if not (manages(request.user, plan) or answers and not is_leader(request.user)):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    ctx = {"plan": plan, "form": form, "can_accept": manages(request.user, plan)}
    token = request.POST.get(once.FIELD, "")  # the waiting upload's, and the form's one-time
    if request.method == "POST" and request.POST.get("cancel"):
        pending.discard(token)
        messages.info(request, _("已取消，未导入任何数据。"))
        return redirect("tasks:import", plan_id=plan.pk)
    if request.method == "POST" and request.POST.get("confirm"):
        return confirm_import(request, plan, token)
    if request.method == "POST" and form.is_valid():
        token = pending.keep(form.cleaned_data["file"])
        ctx |= preview(request, plan, token)
        accept = form.cleaned_data["accept"] and ctx["can_accept"]
        ctx |= {"token": token, "accept": accept}
    return render(request, "tasks/progress_import.html", ctx)


def preview(request, plan, token):
    """What the waiting file would do; the file is kept only if it can be confirmed."""
    try:
        with pending.pending_path(token).open("rb") as file:
            result = read_progress(file, user=request.user, plan=plan)
    except Refused as exc:
        pending.discard(token)
        return {"refused": str(exc)}
    if result.errors or not result.writes:
        pending.discard(token)
    return {"result": result}


def confirm_import(request, plan, token):
    if (sent := once.submitted(request, once.sent_token(request))) is not None:
        return once.already(request, sent, _("这批进展报告已导入，未重复导入。"))
    path = pending.pending_path(token)
    if path is None or not path.exists():
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("tasks:import", plan_id=plan.pk)
    ctx = preview(request, plan, token)
    result = ctx.get("result")
    if result is None or result.errors or not result.writes:
        return render(
            request,
            "tasks/progress_import.html",
            ctx | {"plan": plan, "form": UploadForm(), "can_accept": manages(request.user, plan)},
        )
    accept = request.POST.get("accept") == "1" and manages(request.user, plan)
    try:
        saved, earlier = once.once(
            request,
            once.sent_token(request),
            lambda: services.reports_import(
                result=result, user=request.user, accept=accept, today=timezone.localdate()
            ),
            url=lambda saved: plan.get_absolute_url(),
        )
    except services.Conflict:
        messages.error(request, _("导入期间报告已被他人修改，未导入任何数据，请重新上传。"))
        return redirect("tasks:import", plan_id=plan.pk)
    finally:
        pending.discard(token)
    if earlier is not None:
        return once.already(request, earlier, _("这批进展报告已导入，未重复导入。"))
    messages.success(
        request,
        _("已导入%(count)d份进展报告（%(unit)s）。") % {"count": len(saved), "unit": result.unit},
    )
    return redirect(plan)
