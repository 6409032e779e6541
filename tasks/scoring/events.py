"""The events a score is made of, each dated and linked to the page that shows it.

What is scored (`Scope`) is either one plan, or an office's year (every plan of the office
whose period falls in the year, and only the events dated in it). Nothing after the as-of
date counts, so the same data and as-of date always give the same events. Eight queries,
however many tasks, reports and meetings there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import (
    Instruction,
    Light,
    Plan,
    ProgressReport,
    Responsibility,
    ScoreAdjustment,
    Task,
    TaskSnapshot,
)
from tasks.standing.lights import SENT
from tasks.standing.periods import period_containing
from tasks.standing.refresh import closed_periods, owed_reports
from units.models import Unit


@dataclass
class Scope:
    """A plan's score (`plan`), or the year's score of an office's plans (`year`)."""

    office: Unit
    plans: list
    as_of: date
    plan: Plan | None = None
    year: int | None = None

    @property
    def first(self):
        return date(self.year, 1, 1) if self.year else date.min

    @property
    def last(self):
        """The last day that counts: the as-of date, or the year's end if earlier."""
        return min(self.as_of, date(self.year, 12, 31)) if self.year else self.as_of

    @property
    def rules_day(self):
        """The day whose rules apply: the end of the scored period, or the as-of date."""
        ends = self.plan.ends_on if self.plan else None
        return min(self.last, ends) if ends else self.last

    def within(self, day):
        """Whether something that happened on `day` counts: in the period, by the as-of date."""
        return day is not None and self.first <= day <= self.last

    def due_within(self, day):
        """Whether something due on `day` belongs to the scope: in its year, whenever that is
        (a task finished early counts before its deadline)."""
        return day is not None and (not self.year or day.year == self.year)

    @property
    def path(self):
        """The score page's path."""
        if self.plan:
            return reverse("tasks:scores", args=[self.plan.pk])
        return reverse("tasks:year_scores", args=[self.office.pk, self.year])


def plan_scope(plan, as_of):
    return Scope(office=plan.office, plans=[plan], as_of=as_of, plan=plan)


def year_scope(office, year, as_of):
    """Every plan of the office whose period reaches into the year."""
    plans = Plan.objects.filter(office=office, starts_on__lte=date(year, 12, 31))
    plans = plans.exclude(ends_on__lt=date(year, 1, 1)).defer("source_text").order_by("pk")
    return Scope(office=office, plans=list(plans), as_of=as_of, year=year)


@dataclass(frozen=True)
class Event:
    """Something a unit did or failed to do, counted toward one item of its score."""

    item: str
    kind: str
    date: date
    text: str
    url: str
    counts: bool = False  # for a rate: among those that earn the points
    role: str | None = None  # the unit's role on the task, where the item may ask
    points: Decimal | None = None  # for 加减分

    @property
    def effect(self):
        """Whether it gains the unit points ("earned") or costs it ("lost")."""
        gains = self.points > 0 if self.points is not None else self.counts
        return "earned" if gains else "lost"


def path_of(name):
    """A function giving the path of the view `name` for an id, reversed once: a county's
    year holds thousands of events, and `reverse` takes 14 µs each (this, 0.15 µs)."""
    path = reverse(name, args=[987654321])
    return lambda pk: path.replace("987654321", str(pk))


# What events are made of: a task's name, its deadline and whether and when it was finished.
TASK_FIELDS = ["plan_id", "code", "title", "due_on", "status", "closed_at", "latest_report"]


@dataclass
class Found:
    """What the scope's events are read from."""

    scope: Scope
    events: dict = field(default_factory=lambda: defaultdict(list))  # unit id → [Event]
    units: dict = field(default_factory=dict)  # unit id → Unit
    task_path: object = field(default_factory=lambda: path_of("tasks:task"))

    @cached_property
    def tasks(self):
        """The scope's tasks by id, each with its plan (one of the scope's, not read again)
        and its responsible units as (unit id, role) in document order (`answered`). A
        year of a county's plans holds thousands of rows: they are read as values, only the
        tasks as models."""
        plans = {plan.pk: plan for plan in self.scope.plans}
        tasks = Task.objects.filter(plan__in=plans).select_related("latest_report")
        tasks = tasks.only(*TASK_FIELDS, "latest_report__submitted_on")
        found = {}
        for task in tasks:
            task.plan = plans[task.plan_id]
            task.answered = []
            found[task.pk] = task
        rows = Responsibility.objects.filter(task__plan__in=plans).order_by(
            "task_id", "role", "seq"
        )
        for task_id, unit_id, role in rows.values_list("task_id", "unit_id", "role"):
            found[task_id].answered.append((unit_id, role))
        return found

    def add(self, unit_id, event):
        self.events[unit_id].append(event)

    def name(self, task):
        return _("任务%(code)s“%(title)s”") % {"code": task.code, "title": task.title}


def scope_events(scope) -> Found:
    """Every unit responsible in the scope, and its events."""
    found = Found(scope)
    answering = {unit_id for task in found.tasks.values() for unit_id, _role in task.answered}
    found.units.update(Unit.objects.in_bulk(answering))
    reports(found)
    completion(found)
    red_lights(found)
    returns(found)
    instructions(found)
    adjustments(found)
    return found


def reports(found):
    """按时报送: each report owed for a period whose due date has passed (`owed_reports`),
    sent on time, late or not at all by the as-of date."""
    scope = found.scope
    rows = ProgressReport.objects.filter(
        task__plan__in=scope.plans, state__in=SENT, period__isnull=False
    ).order_by()
    sent = {
        (task_id, unit_id, period): (sent_on, pk)
        for task_id, unit_id, period, sent_on, pk in rows.values_list(
            "task_id", "unit_id", "period", "submitted_on", "pk"
        )
        if sent_on is not None and sent_on <= scope.as_of  # sent later: not yet, as of then
    }
    periods = {
        plan.pk: [p for p in closed_periods(plan, scope.as_of) if scope.within(p.start)]
        for plan in scope.plans
    }
    for task in found.tasks.values():
        for unit_id, role in task.answered:
            for period, report in owed_reports(task, unit_id, periods[task.plan_id], sent):
                owed_report(found, task, unit_id, role, period, report)


def owed_report(found, task, unit_id, role, period, sent):
    sent_on, pk = sent or (None, None)
    what = {"period": period.label, "task": found.name(task)}
    if sent_on is None:
        kind, day, text = "missing", period.deadline, _("%(period)s %(task)s 未报送") % what
    elif sent_on <= period.deadline:
        kind, day, text = "on_time", sent_on, _("%(period)s %(task)s 按时报送") % what
    else:
        kind, day, text = "late", sent_on, _("%(period)s %(task)s 逾期报送") % what
    url = found.task_path(task.pk) + (f"#report-{pk}" if pk else "")
    event = Event("on_time", kind, day, text, url, counts=kind == "on_time", role=role)
    found.add(unit_id, event)


def finished_on(task):
    """When the task was finished: the day it was 办结, else the day the accepted report that
    said it was done was sent (an office may close it later)."""
    if task.closed_at:
        return timezone.localdate(task.closed_at)
    if task.status == Task.Status.DONE and task.latest_report:
        return task.latest_report.submitted_on
    return None


def completion(found):
    """任务完成: each task due in the scope (or finished in it, if it has no deadline):
    finished by its deadline, late, or not finished by the as-of date though due."""
    scope = found.scope
    for task in found.tasks.values():
        closed, deadline = finished_on(task), task.deadline
        if closed is not None and closed > scope.as_of:
            closed = None
        if not scope.due_within(deadline or closed) or (closed is None and deadline >= scope.as_of):
            continue
        what = {"task": found.name(task), "deadline": deadline}
        if closed is None:
            kind, day, text = "not_done", deadline, _("%(task)s 完成时限%(deadline)s已过，未完成")
        elif deadline is None or closed <= deadline:
            kind, day, text = "done", closed, _("%(task)s 按期完成")
        else:
            kind, day, text = "done_late", closed, _("%(task)s 逾期完成（时限%(deadline)s）")
        for unit_id, role in task.answered:
            event = Event(
                "completion",
                kind,
                day,
                text % what,
                found.task_path(task.pk),
                counts=kind == "done",
                role=role,
            )
            found.add(unit_id, event)


def red_lights(found):
    """红灯: each red task in the snapshot of a meeting held in the scope, for each unit the
    snapshot names on it (as it stood at the meeting)."""
    scope = found.scope
    snapshots = TaskSnapshot.objects.filter(
        plan__in=scope.plans,
        light=Light.RED,
        meeting__held_on__range=(scope.first, scope.last),
    ).values_list("meeting_id", "meeting__title", "meeting__held_on", "task_id", "units", "row")
    snapshots = list(snapshots)
    names = {name for *_rest, units, _row in snapshots for name, _role in units}
    by_name = dict(Unit.objects.filter(name__in=names).values_list("name", "pk"))
    meeting_path = path_of("tasks:meeting")
    for meeting_id, title, held_on, task_id, units, row in snapshots:
        what = {"meeting": title, "task": row[0], "title": row[2]}
        text = _("%(meeting)s：任务%(task)s“%(title)s”红灯") % what
        url = meeting_path(meeting_id) + (f"#task-{task_id}" if task_id else "")
        for name, role in units:
            if name in by_name:
                event = Event("red_light", "red_light", held_on, text, url, role=role)
                found.add(by_name[name], event)


def returns(found):
    """退回: each time the office returned one of the unit's reports, from the reports'
    history (a report returned twice counts twice)."""
    scope = found.scope
    rows = (
        ProgressReport.history.filter(
            task__plan__in=scope.plans, state=ProgressReport.State.RETURNED
        )
        .exclude(reviewed_at=None)
        .order_by()
        .values_list("id", "reviewed_at", "unit_id", "task_id", "period", "review_comment")
        .distinct()
    )
    seen = set()
    for pk, reviewed_at, unit_id, task_id, period, comment in rows:
        day = timezone.localdate(reviewed_at)
        if (pk, reviewed_at) in seen or not scope.within(day) or task_id not in found.tasks:
            continue
        seen.add((pk, reviewed_at))
        task = found.tasks[task_id]
        label = period_containing(task.plan, period).label if period else _("不定期报送")
        what = {"task": found.name(task), "period": label, "comment": comment}
        text = _("%(task)s %(period)s报告被退回：%(comment)s") % what
        url = found.task_path(task_id) + f"#report-{pk}"
        found.add(unit_id, Event("returned", "returned", day, text, url))


def instructions(found):
    """批示办理: each instruction to the unit due in the scope, answered by its due date,
    late, or not answered by the as-of date though due."""
    scope = found.scope
    rows = (
        Instruction.units.through.objects.filter(instruction__task__plan__in=scope.plans)
        .order_by()
        .values_list(
            "unit_id",
            "instruction__task_id",
            "instruction__leader",
            "instruction__due_on",
            "instruction__answered_on",
        )
    )
    for unit_id, task_id, leader, due_on, answered_on in rows:
        if answered_on is not None and answered_on > scope.as_of:
            answered_on = None
        if not scope.due_within(due_on) or (answered_on is None and due_on >= scope.as_of):
            continue
        what = {"leader": leader, "task": found.name(found.tasks[task_id]), "due": due_on}
        if answered_on is None:
            kind, day, text = "unanswered", due_on, _("%(leader)s批示（%(task)s）逾期未办理")
        elif answered_on <= due_on:
            kind, day, text = "answered", answered_on, _("%(leader)s批示（%(task)s）按期办理")
        else:
            kind, day, text = "answered_late", answered_on, _("%(leader)s批示（%(task)s）逾期办理")
        url = found.task_path(task_id) + "#instructions"
        event = Event("instructions", kind, day, text % what, url, counts=kind == "answered")
        found.add(unit_id, event)


def adjustments(found):
    """加减分 the office gave in the scope: on the plan, or (for a year) any of its own."""
    scope = found.scope
    rows = ScoreAdjustment.objects.within(scope.office, scope.plan, scope.first, scope.last)
    for row in rows.select_related("unit"):
        found.units.setdefault(row.unit_id, row.unit)
        url = f"{scope.path}#adjustment-{row.pk}"
        event = Event("adjustment", "adjustment", row.given_on, row.reason, url, points=row.points)
        found.add(row.unit_id, event)
