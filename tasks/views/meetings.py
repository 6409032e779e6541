"""督查会 pages: the office records a meeting; offices and leaders read what changed and
download the meeting's ledger."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from reform.forms import DATE_ERRORS, date_input
from tasks.meetings.bulletin import write_bulletin
from tasks.meetings.changes import counts, meeting_changes
from tasks.meetings.record import meeting_record
from tasks.meetings.workbook import meeting_workbook
from tasks.models import Meeting, Plan
from tasks.views.lists import xlsx_response
from units.roles import is_office, reads_below

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("会议名称"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：2023年第三季度督查推进会")}),
    )
    held_on = forms.DateField(
        label=gettext_lazy("会议日期"),
        widget=date_input("2023-09-30"),
        error_messages=DATE_ERRORS,
    )
    plans = forms.ModelMultipleChoiceField(
        label=gettext_lazy("督查的方案"),
        queryset=Plan.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少选择一个方案。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())
        plans = Plan.objects.managed_by(user).filter(archived_at=None).defer("source_text")
        self.fields["plans"].queryset = plans.order_by("-year", "title")

    def clean_plans(self):
        plans = self.cleaned_data["plans"]
        offices = {plan.office_id for plan in plans}
        if None in offices:
            raise ValidationError(_("所选方案还没有所属的产改办，请先在后台为方案指定产改办。"))
        if len(offices) > 1:
            raise ValidationError(_("一次督查会只能督查同一个产改办的方案。"))
        return plans


def readers_only(user):
    if not reads_below(user):
        raise PermissionDenied


@login_required
def meeting_list(request):
    """The meetings of the reader's offices; office staff record one here."""
    readers_only(request.user)
    form = None
    if is_office(request.user):
        form = MeetingForm(request.POST or None, user=request.user)
    elif request.method == "POST":
        raise PermissionDenied
    if form is not None and form.is_valid():
        data = form.cleaned_data
        meeting = meeting_record(
            office=data["plans"][0].office,
            title=data["title"],
            held_on=data["held_on"],
            plans=data["plans"],
            user=request.user,
        )
        messages.success(request, _("已记录督查会，并保存了各项任务此刻的情况。"))
        return redirect(meeting)
    meetings = Meeting.objects.visible_to(request.user).prefetch_related("plans")
    ctx = {"meetings": meetings.select_related("office")[:100], "form": form}
    return render(request, "tasks/meeting_list.html", ctx)


def meeting_or_404(request, meeting_id):
    readers_only(request.user)
    meetings = Meeting.objects.visible_to(request.user).select_related("office", "recorded_by")
    return get_object_or_404(meetings, pk=meeting_id)


@login_required
@require_safe
def meeting_detail(request, meeting_id):
    meeting = meeting_or_404(request, meeting_id)
    plans = []
    covered = list(meeting.plans.defer("source_text"))
    by_plan = meeting_changes(meeting, covered)
    for plan in covered:
        previous, changes = by_plan[plan.pk]
        moved = [c for c in changes if c.changes]
        found = counts(c.snapshot for c in changes)
        plans.append({"plan": plan, "previous": previous, "changes": moved, "counts": found})
    return render(request, "tasks/meeting_detail.html", {"meeting": meeting, "plans": plans})


@login_required
@require_safe
def meeting_bulletin(request, meeting_id):
    """The meeting's 通报, drafted for the office to edit."""
    meeting = meeting_or_404(request, meeting_id)
    response = HttpResponse(content_type=DOCX)
    filename = f"{meeting.title}-通报.docx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    write_bulletin(meeting, output=response, base_url=request.build_absolute_uri("/")[:-1])
    return response


@login_required
@require_safe
def meeting_ledger(request, meeting_id, plan_id):
    meeting = meeting_or_404(request, meeting_id)
    plan = get_object_or_404(meeting.plans.only("pk", "title"), pk=plan_id)
    response = xlsx_response(f"{plan.title}-{meeting.title}-台账.xlsx")
    meeting_workbook(meeting, plan, output=response)
    return response
