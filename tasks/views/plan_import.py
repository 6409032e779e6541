"""Plan documents in: paste or upload, correct the parsed plan, confirm."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tasks import once
from tasks.documents.create import match_units, plan_create, plan_names, unit_names
from tasks.documents.files import document_text
from tasks.documents.forms import (
    PlanPreviewForm,
    PlanSourceForm,
    TaskPreviewFormSet,
    edited_plan,
    preview_initial,
)
from tasks.documents.parser import parse_plan
from tasks.documents.plan import ParseError
from units.roles import office_required


@login_required
@office_required
def plan_import(request):
    if request.method == "POST" and "structure" in request.POST:
        return preview_step(request)
    form = PlanSourceForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            text = source_text(form.cleaned_data)
            parsed = parse_plan(text, known=unit_names())
        except ParseError as exc:
            form.add_error(None, str(exc))
        else:
            plan, tasks = preview_initial(parsed)
            settings = {k: form.cleaned_data[k] for k in PlanSourceForm.SETTINGS}
            initial = plan | settings | {"source": text}
            plan_form = PlanPreviewForm(initial=initial, user=request.user)
            formset = TaskPreviewFormSet(initial=tasks, prefix="task")
            return render_preview(request, plan_form, formset, parsed)
    return render(request, "tasks/plan_import.html", {"form": form})


def source_text(data):
    upload = data.get("file")
    if upload:
        return document_text(upload.name, upload.read())
    return data["text"]


def preview_step(request):
    plan_form = PlanPreviewForm(request.POST, user=request.user)
    formset = TaskPreviewFormSet(request.POST, prefix="task")
    if not (plan_form.is_valid() and formset.is_valid()):
        return render_preview(request, plan_form, formset, None)
    try:
        parsed = edited_plan(plan_form, formset)
    except ValidationError as exc:
        plan_form.add_error(None, exc)
        return render_preview(request, plan_form, formset, None)
    if request.POST.get("action") != "confirm":
        return render_preview(request, plan_form, formset, parsed)
    data = plan_form.cleaned_data
    try:
        plan, earlier = once.once(
            request,
            once.sent_token(request),
            lambda: plan_create(
                parsed=parsed,
                level=data["level"],
                source_text=data["source"],
                office=data["office"],
                issuing_unit=data["issuing_unit"],
                parent=data["parent"],
            ),
        )
    except ValidationError as exc:
        plan_form.add_error(None, exc)
        return render_preview(request, plan_form, formset, parsed)
    if earlier is not None:
        return once.already(request, earlier, _("这份方案已创建，未重复创建。"))
    messages.success(
        request,
        _("已创建方案“%(title)s”，共%(count)d项任务。")
        % {"title": plan.title, "count": len(parsed.tasks)},
    )
    return redirect(plan)


def render_preview(request, plan_form, formset, parsed):
    new_units = match_units(plan_names(parsed))[1] if parsed else []
    read = as_read(plan_form)
    sentences = [[i.sentence for i in t.indicators] for t in read.tasks] if read else []
    for form, found in zip(formset.forms, sentences, strict=False):
        form.sentences = [s for s in dict.fromkeys(found) if s]
    ctx = {
        "plan_form": plan_form,
        "formset": formset,
        "sections": section_rows(plan_form, formset),
        "new_units": new_units,
        "unused": read.unused if read else [],
        "task_count": len(formset.forms),
    }
    return render(request, "tasks/plan_preview.html", ctx)


def as_read(plan_form):
    """The plan as read from the document, before the office's corrections: what it left
    out, and the sentence each target came from."""
    try:
        return parse_plan(plan_form["source"].value() or "")
    except ParseError:
        return None


def section_rows(plan_form, formset):
    """The task forms grouped under their section headings, for display."""
    try:
        structure = json.loads(plan_form["structure"].value() or "[]")
    except ValueError:
        structure = []
    forms = iter(formset.forms)
    rows = []
    for section in structure if isinstance(structure, list) else []:
        try:
            count = int(section.get("tasks", 0))
        except (TypeError, ValueError, AttributeError):
            break
        title = f"{section.get('code', '')} {section.get('title', '')}".strip()
        rows.append((title, [f for f in (next(forms, None) for _n in range(count)) if f]))
    return rows
