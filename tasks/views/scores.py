"""考核 pages: a plan's or an office's year ranking with every point's events; the office sets
the rules, gives 加减分 and publishes a ranking to the departments."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tasks.access import get_plan_or_404
from tasks.models import Plan, Responsibility, ScoreAdjustment, ScorePublication, ScoreRules
from tasks.scoring.events import plan_scope, year_scope
from tasks.scoring.forms import AdjustmentForm, AsOfForm, RulesForm
from tasks.scoring.rules import rule_items
from tasks.scoring.score import TIE_RULE, score_units
from tasks.scoring.workbook import write_scores
from tasks.views.lists import xlsx_response
from units.models import Unit
from units.roles import is_office, jurisdiction, office_ids, reads_below, unit_ids

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a plan may be scored for


@dataclass
class Viewer:
    """What a user may do with an office's scores."""

    manages: bool  # the office's own staff: rules, 加减分, publishing
    reads_all: bool  # every unit's score (its staff, leaders, offices above)
    units: frozenset  # otherwise: their own units' only, until a ranking is published


def viewer_of(user, office) -> Viewer:
    if user.is_superuser:
        return Viewer(True, True, frozenset())
    manages = is_office(user) and office.pk in office_ids(user)
    reads_all = reads_below(user) and office.pk in jurisdiction(user)
    return Viewer(manages, manages or reads_all, unit_ids(user))


def serves(viewer, office):
    """The viewer's units answer for a task of one of the office's plans."""
    mine = Responsibility.objects.filter(unit__in=viewer.units, plan__office=office)
    return mine.exists()


def office_or_404(user, office_id):
    """An office whose scores the user reads (404 otherwise), and what they may do."""
    office = get_object_or_404(Unit, pk=office_id, is_office=True)
    viewer = viewer_of(user, office)
    if not viewer.reads_all and not serves(viewer, office):
        raise Http404
    return office, viewer


def managed_office_or_404(user, office_id):
    """An office whose scoring the user manages: 404 if they do not read it, else 403."""
    office, viewer = office_or_404(user, office_id)
    if not viewer.manages:
        raise PermissionDenied
    return office


def publication_of(scope):
    rows = ScorePublication.objects.filter(office=scope.office)
    rows = rows.filter(plan=scope.plan) if scope.plan else rows.filter(plan=None, year=scope.year)
    return rows.select_related("published_by").first()


@login_required
@require_safe
def plan_scores(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    if plan.office is None:
        raise Http404
    return scores_page(request, plan.office, lambda as_of: plan_scope(plan, as_of))


@login_required
@require_safe
def year_scores(request, office_id, year):
    office, _viewer = office_or_404(request.user, office_id)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return scores_page(request, office, lambda as_of: year_scope(office, year, as_of))


def scores_page(request, office, make_scope):
    viewer = viewer_of(request.user, office)
    form = AsOfForm(request.GET or None)
    as_of = form.is_valid() and form.cleaned_data["as_of"] or timezone.localdate()
    scope = make_scope(as_of)
    published = publication_of(scope)
    everyone = viewer.reads_all or published is not None
    if published and not viewer.reads_all:
        scope = make_scope(published.as_of)  # departments read the ranking as published
    ranking = score_units(scope)
    if not everyone:
        ranking.units = [s for s in ranking.units if s.unit.pk in viewer.units]
    if request.GET.get("export") == "xlsx":
        response = xlsx_response(f"{title_of(scope)}-{scope.as_of:%Y%m%d}.xlsx")
        base_url = request.build_absolute_uri("/")[:-1]
        write_scores(ranking, title=title_of(scope), output=response, base_url=base_url)
        return response
    ctx = {
        "scope": scope,
        "title": title_of(scope),
        "ranking": ranking,
        "viewer": viewer,
        "everyone": everyone,
        "published": published,
        "form": form,
        "tie_rule": TIE_RULE,
        "reads_meetings": reads_below(request.user),
    }
    if viewer.manages:
        ctx |= management(scope, ranking)
    return render(request, "tasks/scores.html", ctx)


def title_of(scope):
    if scope.plan:
        return _("%(plan)s 考核评分") % {"plan": scope.plan.title}
    return _("%(office)s %(year)d年度考核评分") % {
        "office": scope.office.display_name,
        "year": scope.year,
    }


def management(scope, ranking):
    """What the office's own staff see besides the ranking: the 加减分 and their form."""
    adjustments = ScoreAdjustment.objects.within(scope.office, scope.plan, scope.first, scope.last)
    plans = Plan.objects.filter(pk__in=[p.pk for p in scope.plans]).defer("source_text")
    units = Unit.objects.filter(pk__in=[s.unit.pk for s in ranking.units])
    form = AdjustmentForm(
        office=scope.office,
        units=units,
        plans=plans,
        initial={"plan": scope.plan and scope.plan.pk},
    )
    return {
        "adjustments": adjustments.select_related("unit", "plan", "created_by"),
        "adjustment_form": form,
    }


@login_required
@require_POST
def adjustment_add(request, office_id):
    office = managed_office_or_404(request.user, office_id)
    plans = Plan.objects.filter(office=office).defer("source_text")
    units = Unit.objects.filter(
        Q(responsibilities__plan__office=office) | Q(score_adjustments__office=office)
    ).distinct()
    form = AdjustmentForm(request.POST, office=office, units=units, plans=plans)
    if form.is_valid():
        form.instance.created_by = request.user
        adjustment = form.save()
        messages.success(request, _("已录入加减分：%(row)s") % {"row": adjustment})
    else:
        errors = "；".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, _("加减分未录入：%(errors)s") % {"errors": errors})
    return redirect(back_to(request, office))


@login_required
@require_POST
def adjustment_delete(request, adjustment_id):
    adjustment = get_object_or_404(ScoreAdjustment, pk=adjustment_id)
    office = managed_office_or_404(request.user, adjustment.office_id)
    adjustment.delete()
    messages.success(request, _("已删除加减分：%(row)s") % {"row": adjustment})
    return redirect(back_to(request, office))


def back_to(request, office):
    """The score page the form was sent from (a plan's or the office's year)."""
    plan_id = request.POST.get("back_plan", "")
    if plan_id.isdigit() and Plan.objects.filter(pk=plan_id, office=office).exists():
        return reverse("tasks:scores", args=[int(plan_id)])
    year = request.POST.get("back_year", "")
    year = int(year) if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else None
    year = year or timezone.localdate().year
    return reverse("tasks:year_scores", args=[office.pk, year])


@login_required
@require_POST
def score_publish(request, office_id):
    """Publishes the ranking as of a date to the departments, or withdraws it."""
    office = managed_office_or_404(request.user, office_id)
    plan_id, year = request.POST.get("back_plan", ""), request.POST.get("back_year", "")
    plan = get_object_or_404(Plan, pk=plan_id, office=office) if plan_id.isdigit() else None
    year = None if plan or not year.isdigit() else int(year)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        year = None
    if plan is None and year is None:
        messages.error(request, _("请从方案或年度的考核评分页发布排名。"))
        return redirect(back_to(request, office))
    ScorePublication.objects.filter(office=office, plan=plan, year=year).delete()
    if request.POST.get("action") == "withdraw":
        messages.success(request, _("已撤回排名，各部门只能看到本单位得分。"))
        return redirect(back_to(request, office))
    form = AsOfForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["as_of"]:
        messages.error(request, _("请按 2023-09-30 的格式填写截至日期。"))
        return redirect(back_to(request, office))
    ScorePublication.objects.create(
        office=office,
        plan=plan,
        year=year,
        as_of=form.cleaned_data["as_of"],
        published_by=request.user,
    )
    messages.success(request, _("已发布排名，各部门可以看到所有单位的得分。"))
    return redirect(back_to(request, office))


@login_required
def score_rules(request, office_id):
    """The office's rules: every version kept, a new one saved from the form."""
    office = managed_office_or_404(request.user, office_id)
    form = RulesForm(request.POST or None, office=office)
    if form.is_valid():
        rules = form.save(request.user)
        messages.success(request, _("已保存评分规则：%(rules)s") % {"rules": rules})
        return redirect("tasks:score_rules", office_id=office.pk)
    if request.method != "POST":
        # Opened from a plan's scores: that plan's own rules if it has any, else the default.
        saved = ScoreRules.objects.filter(office=office).order_by("-version")
        plan_id = request.GET.get("plan", "")
        own = plan_id.isdigit() and saved.filter(plan_id=plan_id).first()
        latest = own or saved.filter(plan=None).first()
        form.initial["plan"] = latest and latest.plan_id
        form.start_from(latest)
    versions = ScoreRules.objects.filter(office=office).select_related("plan", "created_by")
    versions = list(versions.defer("plan__source_text").order_by("plan_id", "-version"))
    for rules in versions:
        rules.rule_list = rule_items(rules)
    ctx = {"office": office, "form": form, "versions": versions, "today": timezone.localdate()}
    return render(request, "tasks/score_rules.html", ctx)
