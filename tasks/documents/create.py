"""A parsed plan into the database: units matched by name, everything in one transaction."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tasks.documents.plan import ParsedPlan
from tasks.models import Indicator, Plan, Responsibility, Section, Task
from tasks.standing.refresh import refreshing
from units.models import Unit


def name_key(name):
    """How names compare: without spaces, full-width and half-width alike (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def match_units(names):
    """name → existing Unit (exact name first, then ignoring spaces and width); and the names
    that match nothing, which would be created."""
    names = list(dict.fromkeys(n for n in names if n))
    exact = {u.name: u for u in Unit.objects.filter(name__in=names)}
    loose = {}
    if len(exact) < len(names):
        loose = {name_key(u.name): u for u in Unit.objects.only("pk", "name")}
    found, new = {}, []
    for name in names:
        unit = exact.get(name) or loose.get(name_key(name))
        if unit:
            found[name] = unit
        else:
            new.append(name)
    return found, new


def unit_names():
    """The names of the units there are: a name broken in a document is repaired to one."""
    return frozenset(Unit.objects.values_list("name", flat=True))


def plan_names(parsed: ParsedPlan):
    return [n for t in parsed.tasks for n in t.lead + t.support]


@refreshing()
def plan_create(
    *,
    parsed: ParsedPlan,
    level,
    source_text,
    office=None,
    issuing_unit=None,
    parent=None,
    doc_number="",
    issued_on=None,
) -> Plan:
    """Creates the plan with its sections, tasks, departments and targets, or nothing."""
    if Plan.objects.filter(title=parsed.title, year=parsed.year).exists():
        raise ValidationError(_("已有同名同年度的方案：%(title)s") % {"title": parsed.title})
    plan = Plan(
        title=parsed.title,
        year=parsed.year,
        level=level,
        source_text=source_text,
        office=office,
        issuing_unit=issuing_unit,
        parent=parent,
        doc_number=doc_number or parsed.doc_number,
        issued_on=issued_on or parsed.issued_on,
        starts_on=parsed.starts_on,
        ends_on=parsed.ends_on,
    )
    plan.full_clean()
    plan.save()
    # New units are placed under the plan's office, so that its staff see them.
    units = units_for(plan_names(parsed), parent=office or issuing_unit)
    seq = 0
    for section_seq, parsed_section in enumerate(parsed.sections, start=1):
        section = Section.objects.create(
            plan=plan, code=parsed_section.code, title=parsed_section.title[:200], seq=section_seq
        )
        for parsed_task in parsed_section.tasks:
            seq += 1
            task_create(plan, section, seq, parsed_task, units)
    return plan


def units_for(names, parent):
    found, new = match_units(names)
    for name in new:
        unit = Unit(name=name[:100], parent=parent, kind=Unit.Kind.DEPARTMENT)
        unit.full_clean()
        unit.save()
        found[name] = unit
    return found


def with_due_text(parsed):
    """The task's content, with a 完成时限 that is no date (长期坚持) kept in its words."""
    if not parsed.due_text or parsed.due_text in parsed.content:
        return parsed.content
    return f"{parsed.content}\n完成时限：{parsed.due_text}"


def task_create(plan, section, seq, parsed, units):
    task = Task(
        plan=plan,
        section=section,
        seq=seq,
        code=parsed.code[:20],
        title=parsed.title[:200] or parsed.content[:40],
        content=with_due_text(parsed),
        due_on=parsed.due,
    )
    task.full_clean()
    task.save()
    roles = [(n, Responsibility.Role.LEAD) for n in parsed.lead]
    roles += [(n, Responsibility.Role.SUPPORT) for n in parsed.support]
    seen = set()
    for order, (name, role) in enumerate(roles):
        unit = units[name]
        if unit.pk not in seen:
            seen.add(unit.pk)
            Responsibility.objects.create(task=task, unit=unit, role=role, seq=order)
    for order, indicator in enumerate(parsed.indicators):
        Indicator.objects.create(
            task=task,
            name=indicator.name[:100],
            comparator=indicator.comparator,
            target=indicator.value,
            unit=indicator.unit,
            seq=order,
        )
    return task
