"""A plan after its period: archiving it (归档) and carrying its unfinished tasks into the
next plan (结转), each new task linked to the task it continues."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tasks.models import Indicator, Plan, Responsibility, Section, Task
from tasks.standing.refresh import refreshing, touched

# What a new plan of another year takes from the plan it continues.
PLAN_SETTINGS = [
    "doc_number",
    "issuing_unit_id",
    "office_id",
    "level",
    "parent_id",
    "reporting_cycle",
    "cycle_months",
    "report_due_day",
    "grace_days",
    "warning_days",
]


@refreshing()
def plan_archive(*, plan: Plan, user, note: str) -> Plan:
    """归档: the office files a plan away with a short closing note; its tasks owe nothing
    more, and pages leave it out unless asked."""
    if plan.is_archived:
        raise ValidationError(_("方案已归档。"))
    if not note.strip():
        raise ValidationError(_("请填写归档说明。"))
    plan.archived_at, plan.archived_by, plan.archive_note = timezone.now(), user, note.strip()
    plan.save(update_fields=["archived_at", "archived_by", "archive_note"])
    return plan


@refreshing()
def plan_unarchive(*, plan: Plan) -> Plan:
    """Takes a plan out of the archive, as it was before."""
    if not plan.is_archived:
        raise ValidationError(_("方案未归档。"))
    plan.archived_at, plan.archived_by, plan.archive_note = None, None, ""
    plan.save(update_fields=["archived_at", "archived_by", "archive_note"])
    return plan


@dataclass
class CarryOver:
    """What a carry-over moves: `moving` into `target` (unsaved if it is still to be made),
    and `carried`, the unfinished tasks that an earlier carry-over already moved."""

    source: Plan
    target: Plan
    moving: list = field(default_factory=list)
    carried: list = field(default_factory=list)
    created: list = field(default_factory=list)


def next_plan(source: Plan, year: int) -> Plan:
    """The plan of `year` that continues `source`: the one with its title for that year if it
    exists, else a new one (unsaved) with the same settings over that calendar year."""
    year_text = str(source.year)
    if year_text in source.title:
        title = source.title.replace(year_text, str(year))
    else:
        title = _("%(title)s（%(year)d年结转）") % {"title": source.title, "year": year}
    title = title[:200]
    existing = Plan.objects.filter(title=title, year=year).first()
    if existing is not None:
        return existing
    plan = Plan(title=title, year=year, starts_on=date(year, 1, 1))
    plan.ends_on = date(year, 12, 31) if source.ends_on else None
    for name in PLAN_SETTINGS:
        setattr(plan, name, getattr(source, name))
    return plan


def carry_over_preview(source: Plan, *, into: Plan | None = None, year=None) -> CarryOver:
    """What `plan_carry_over` would do, without writing anything."""
    if into is None and year is None:
        raise ValidationError(_("请选择结转到的方案，或填写新方案的年度。"))
    if into is not None and into.pk == source.pk:
        raise ValidationError(_("不能结转到本方案。"))
    if year is not None and year <= source.year:
        raise ValidationError(_("新方案的年度应晚于%(year)d年。") % {"year": source.year})
    target = into or next_plan(source, year)
    if target.is_archived:
        raise ValidationError(_("目标方案已归档，不能结转到该方案。"))
    unfinished = (
        source.tasks.exclude(status=Task.Status.DONE)
        .filter(closed_at__isnull=True)
        .select_related("section", "carried_into__plan")
        .order_by("seq")
    )
    result = CarryOver(source, target)
    for task in unfinished:
        carried = getattr(task, "carried_into", None)
        (result.carried if carried else result.moving).append(task)
    return result


@refreshing()
def plan_carry_over(*, plan: Plan, into: Plan | None = None, year=None, user) -> CarryOver:
    """结转: each unfinished task of `plan` not carried before becomes a task of the target
    plan (made if need be), with its units and targets, linked to the task it continues.
    Run again, it moves nothing twice."""
    result = carry_over_preview(plan, into=into, year=year)
    if not result.moving:
        return result
    target = result.target
    if target.pk is None:
        target.full_clean()
        target.save()
    sections = target_sections(target, [t.section for t in result.moving if t.section])
    last = target.tasks.aggregate(seq=Max("seq"))["seq"] or 0
    new_tasks = [
        continued(task, target, sections.get(task.section_id), last + n)
        for n, task in enumerate(result.moving, start=1)
    ]
    result.created = bulk_create_with_history(new_tasks, Task, default_user=user)
    copy_units_and_targets(result.moving, result.created)
    touched(*[t.pk for t in result.created])  # written in bulk: no signals
    return result


def target_sections(target: Plan, sections) -> dict:
    """Source section id → the target's section of the same title, made where missing."""
    found = {s.title: s for s in target.sections.all()}
    last = max((s.seq for s in found.values()), default=0)
    by_source = {}
    for section in sections:
        if section.title not in found:
            last += 1
            found[section.title] = Section.objects.create(
                plan=target, code=section.code, title=section.title, seq=last
            )
        by_source[section.pk] = found[section.title]
    return by_source


def continued(task: Task, target: Plan, section, seq) -> Task:
    """The new task that continues `task` in `target`: due at the target's end, started
    where it stands."""
    started = task.status in (Task.Status.IN_PROGRESS, Task.Status.DELAYED)
    return Task(
        plan=target,
        section=section,
        seq=seq,
        code=str(seq),
        title=task.title,
        content=task.content,
        status=Task.Status.IN_PROGRESS if started else Task.Status.NOT_STARTED,
        percent=task.percent,
        parent_task_id=task.parent_task_id,
        carried_from=task,
        origin_id=task.origin_id or task.pk,
    )


def copy_units_and_targets(old_tasks, new_tasks):
    new_of = {old.pk: new for old, new in zip(old_tasks, new_tasks, strict=True)}
    Responsibility.objects.bulk_create(
        Responsibility(
            task=new_of[r.task_id],
            plan_id=new_of[r.task_id].plan_id,
            unit_id=r.unit_id,
            role=r.role,
            seq=r.seq,
        )
        for r in Responsibility.objects.filter(task__in=list(new_of))
    )
    Indicator.objects.bulk_create(
        Indicator(
            task=new_of[i.task_id],
            name=i.name,
            comparator=i.comparator,
            target=i.target,
            unit=i.unit,
            seq=i.seq,
        )
        for i in Indicator.objects.filter(task__in=list(new_of))
    )
