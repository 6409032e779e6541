from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reform.views import safe_next
from tasks import once, services
from tasks.access import (
    get_report_or_404,
    get_task_or_404,
    reporting_units,
    require_manages,
)
from tasks.models import Attachment, ProgressReport, Task
from tasks.pages.selectors import reported_periods, review_queue, unit_draft
from tasks.reporting.forms import FigureFormSet, ReportForm
from tasks.reporting.reminders import reminders_due, reminders_send
from tasks.standing.lights import proposed_period
from units.models import Unit
from units.roles import office_required

REVIEW_PAGE = 20


def reporting_unit(user, task, requested=None):
    """The user's unit that answers for the task as 牵头 or 配合 (the one asked for, if
    several); else 403. The task was read with its units: no query."""
    mine = reporting_units(user, task)
    if requested:
        mine = [u for u in mine if str(u.pk) == requested]
    if not mine:
        raise PermissionDenied
    return mine[0]


@login_required
def report_create(request, task_id):
    task = get_task_or_404(request.user, task_id)
    unit = reporting_unit(request.user, task, request.GET.get("unit"))
    token = once.sent_token(request)
    if (sent := once.submitted(request, token)) is not None:
        return report_sent_again(request, task, unit, sent)
    draft = unit_draft(task, unit)
    if draft is not None:
        return redirect("tasks:report_edit", report_id=draft.pk)
    if task.report_refusal:
        messages.error(request, task.report_refusal)
        return redirect(task)
    new = ProgressReport(task=task, unit=unit)
    taken = reported_periods(task, unit)
    if request.method != "POST":  # a new form proposes the period still owed
        period = proposed_period(task, taken, timezone.localdate())
        if period is None:
            messages.info(
                request,
                _("本单位在方案执行期内各周期的进展报告均已报送（或方案尚未开始），无需再填报。"),
            )
            return redirect(task)
        if token is None:  # in the form's address, so that Back finds the form it left
            query = urlencode({**request.GET.dict(), once.FIELD: once.new_token()})
            return redirect(f"{request.path}?{query}")
        new.period = period.start
    return report_form(request, task, unit, new, taken, token=token)


def report_sent_again(request, task, unit, sent):
    """A report form whose token was used: sent again, it creates nothing; shown again (Back),
    it shows what was sent, or opens the draft it saved."""
    report = sent.report
    if report is None:
        raise Http404
    if request.method == "POST":
        if report.is_editable:
            return once.already(request, sent, _("这份报告已保存为草稿，未重复创建。"))
        return once.already(request, sent, _("这份报告已提交，未重复提交。"))
    if report.is_editable:
        return redirect("tasks:report_edit", report_id=report.pk)
    taken = reported_periods(task, unit, besides=report)
    return report_form(request, task, unit, report, taken, sent=sent)


@login_required
def report_edit(request, report_id):
    report = get_report_or_404(request.user, report_id)
    if not ProgressReport.objects.editable_by(request.user).filter(pk=report.pk).exists():
        raise PermissionDenied
    task = get_task_or_404(request.user, report.task_id)
    taken = reported_periods(task, report.unit, besides=report)
    return report_form(request, task, report.unit, report, taken)


def report_form(request, task, unit, report, taken, *, token=None, sent=None):
    """The report's form; `taken`: the periods the unit has reported on the task in others;
    `token`: a new report's one-time token; `sent`: what this form sent before."""
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        instance=report,
        task=task,
        today=timezone.localdate(),
        taken=taken,
    )
    figures = FigureFormSet(request.POST or None, prefix="figures", initial=free_figures(report))
    conflict = None
    key = f"report-{task.pk}-{unit.pk}"  # what the browser keeps typed in it (js/forms.js)
    if request.method == "POST" and form.is_valid() and figures.is_valid():
        try:
            saved, earlier = once.once(
                request,
                token,
                lambda: services.report_save(
                    task=task,
                    unit=unit,
                    author=request.user,
                    values=form.report_values(),
                    figures=form.indicator_figures() + figures.rows(),
                    files=form.cleaned_data["attachments"],
                    submit=request.POST.get("action") == "submit",
                    report=report if report.pk else None,
                    version=form.cleaned_data["version"],
                ),
            )
        except services.Conflict as exc:
            conflict = exc.changes
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if earlier is not None:
                return report_sent_again(request, task, unit, earlier)
            if saved.state == ProgressReport.State.SUBMITTED:
                messages.success(request, _("进展报告已提交，等待产改办审核。"), extra_tags=key)
                return redirect(task)
            messages.success(request, _("草稿已保存。"), extra_tags=key)
            return redirect("tasks:report_edit", report_id=saved.pk)
    ctx = {
        "task": task,
        "unit": unit,
        "report": report,
        "form": form,
        "figures": figures,
        "conflict": conflict,
        "sent": sent,
        "draft_key": key,
    }
    return render(request, "tasks/report_form.html", ctx, status=200 if conflict is None else 409)


def free_figures(report):
    if not report.pk:
        return []
    return [
        {"name": f.name, "value": f.value, "unit": f.unit, "is_approximate": f.is_approximate}
        for f in report.figures.all()
        if f.indicator_id is None
    ]


@login_required
@office_required
@require_safe
def review_list(request):
    """The office's queue, oldest first, a page at a time however long it grows."""
    page = review_queue(request.user, request.GET.get("page"), REVIEW_PAGE)
    return render(request, "tasks/review_list.html", {"page": page, "reports": page.object_list})


def attempt(request, action, *, done, stale):
    """Runs an office action; says in a message whether it worked, and why not."""
    try:
        action()
    except services.Conflict:
        messages.error(request, stale)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


@login_required
@office_required
@require_POST
def report_review(request, report_id, decision):
    report = get_report_or_404(request.user, report_id)
    require_manages(request.user, report.task.plan)
    review = services.report_accept if decision == "accept" else services.report_return
    done = _("已审核通过：%(report)s") if decision == "accept" else _("已退回：%(report)s")
    attempt(
        request,
        lambda: review(
            report=report,
            reviewer=request.user,
            version=int_or_none(request.POST.get("version")),
            comment=request.POST.get("comment", ""),
        ),
        done=done % {"report": report},
        stale=_("该报告已被他人处理，请刷新后再试。"),
    )
    return redirect(safe_next(request, request.POST.get("next") or reverse("tasks:review")))


@login_required
@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_close(request, task_id):
    """办结: asked for (what closing means, and the report it rests on), then confirmed."""
    task = get_task_or_404(request.user, task_id)
    require_manages(request.user, task.plan)
    if request.method == "POST":
        return task_change(request, task, services.task_close, _("任务已办结。"))
    done = task.reports.filter(state=ProgressReport.State.ACCEPTED, status=Task.Status.DONE)
    ctx = {"task": task, "done": done.select_related("unit").order_by("-period").first()}
    return render(request, "tasks/task_close.html", ctx)


@login_required
@office_required
@require_POST
def task_reopen(request, task_id):
    task = get_task_or_404(request.user, task_id)
    require_manages(request.user, task.plan)
    return task_change(request, task, services.task_reopen, _("任务已重新打开。"))


def task_change(request, task, change, done):
    attempt(
        request,
        lambda: change(
            task=task, user=request.user, version=int_or_none(request.POST.get("version"))
        ),
        done=done,
        stale=_("任务已被他人修改，请刷新后再试。"),
    )
    return redirect(task)


@login_required
@require_safe
def attachment_download(request, attachment_id):
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=attachment_id)
    get_report_or_404(request.user, attachment.report_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@office_required
@require_POST
def remind_task(request, task_id):
    """催办 for one task: every responsible unit whose report is due or overdue."""
    task = get_task_or_404(request.user, task_id)
    require_manages(request.user, task.plan)
    items = reminders_due(Task.objects.filter(pk=task.pk).with_units(), timezone.localdate())
    return reminded(request, items, redirect_to=request.POST.get("next") or task.get_absolute_url())


@login_required
@office_required
@require_POST
def remind_unit(request, unit_id):
    """催办 for one unit: all its due or overdue reports (in one plan, if given)."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)
    tasks = Task.objects.managed_by(request.user)
    tasks = tasks.filter(responsibilities__unit=unit, closed_at=None)
    plan_id = int_or_none(request.POST.get("plan"))
    if plan_id:
        tasks = tasks.filter(plan_id=plan_id)
    items = reminders_due(tasks.with_units(), timezone.localdate(), unit=unit)
    return reminded(request, items, redirect_to=request.POST.get("next") or unit.get_absolute_url())


def reminded(request, items, *, redirect_to):
    """Says whom 催办 reached, by name and address, and which units it could not reach."""
    sent = reminders_send(items, today=timezone.localdate(), sent_by=request.user)
    if sent.reminders:
        units = "、".join(dict.fromkeys(r.unit.display_name for r in sent.reminders))
        messages.success(
            request,
            _("已催办%(count)d项：%(units)s（各单位页面已显示催办提醒）。")
            % {"count": len(sent.reminders), "units": units},
        )
    if sent.reached:
        people = "；".join(
            f"{unit.display_name}：{'、'.join(f'{name} {address}' for name, address in who)}"
            for unit, who in sent.reached.items()
        )
        messages.success(request, _("催办邮件已发送至 %(people)s。") % {"people": people})
    if sent.unreachable:
        messages.error(
            request,
            _(
                "%(units)s没有成员登记电子邮箱，未发送邮件，只能在单位页面看到提醒。"
                "请在“账号”页为其成员填写邮箱，或电话通知。"
            )
            % {"units": "、".join(u.display_name for u in sent.unreachable)},
        )
    if not items:
        messages.info(request, _("没有到期或逾期的进展报告，无需催办。"))
    elif not sent.reminders:
        messages.info(request, _("今天已催办过，不再重复发送。"))
    return redirect(safe_next(request, redirect_to))
