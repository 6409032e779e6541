"""What the plan dashboard and the overview show, each a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from reform.lookups import AnyOf
from tasks.models import (
    Plan,
    ProgressReport,
    Reminder,
    Responsibility,
    ScoreRules,
    Task,
    TaskTally,
    UnitTally,
)
from tasks.models.reports import EXAMPLE_SOURCE
from tasks.scoring.events import year_scope
from tasks.scoring.score import score_units
from tasks.standing.lights import OWING, SENT, Light, indicators_with_actuals
from tasks.standing.periods import period_containing
from tasks.standing.tallies import TASK_COUNTS
from units.models import Membership, Unit
from units.roles import jurisdiction, office_ids

PLANS_PER_PAGE = 20
UNITS_PER_PAGE = 30


@cache
def list_path(script_prefix):
    return reverse("tasks:list")


def task_list_url(**params):
    # A dashboard links hundreds of numbers: the list's path is resolved once per prefix.
    path = list_path(get_script_prefix())
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


@dataclass
class Row:
    """Counts for a section, a unit or a plan, each linked to the filtered task list."""

    label: str
    params: dict
    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    lights: Counter = field(default_factory=Counter)
    owed: int = 0
    led: int = 0
    supported: int = 0
    on_time: int = 0
    expected: int = 0
    obj: object = None
    rank: int | None = None

    def add(self, task):
        self.count(task.status, task.light)

    def count(self, status, light, n=1):
        self.total += n
        self.statuses[status] += n
        self.lights[light] += n

    @property
    def done(self):
        return self.statuses[Task.Status.DONE]

    @property
    def in_progress(self):
        return self.statuses[Task.Status.IN_PROGRESS]

    @property
    def completion(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.expected) if self.expected else None

    def url(self, **extra):
        return task_list_url(**(self.params | extra))

    @property
    def links(self):
        return Links(self)


class Links:
    """A row's links by name, each built when a template asks for it."""

    # A row's 已完成 counts statuses: its link filters the status, not the light "done"
    # (which a task 办结 unfinished has too); that light is "light_done".
    FILTERS = {
        **{light: {"light": light} for light in Light.values},
        "light_done": {"light": Light.DONE},
        "all": {},
        "done": {"status": Task.Status.DONE},
        "in_progress": {"status": Task.Status.IN_PROGRESS},
        "lead": {"role": "lead"},
        "support": {"role": "support"},
    }

    def __init__(self, row):
        self.row = row

    def __getitem__(self, name):
        return self.row.url(**self.FILTERS[name])


def unit_rows(tasks, plan_params):
    """A row per responsible unit of these tasks, from their stored standing."""
    rows = {}
    for task in tasks:
        for resp in task.responsibilities.all():
            unit = resp.unit
            row = rows.get(unit.pk) or rows.setdefault(
                unit.pk, Row(unit.display_name, plan_params | {"unit": unit.pk}, obj=unit)
            )
            row.add(task)
            row.led += resp.role == Responsibility.Role.LEAD
            row.supported += resp.role == Responsibility.Role.SUPPORT
            row.owed += resp.reporting in OWING
            row.expected += resp.reports_expected
            row.on_time += resp.reports_on_time
    return sorted(rows.values(), key=lambda r: (r.obj.sort_order, r.label))


def summary(tasks, params):
    """Totals, and rows per section and per unit, for tasks with `with_units()`."""
    total = Row("", params)
    sections = {}
    for task in tasks:
        total.add(task)
        if task.section_id is not None:
            if task.section_id not in sections:
                section_params = params | {"section": task.section_id}
                sections[task.section_id] = Row(str(task.section), section_params)
            sections[task.section_id].add(task)
    units = unit_rows(tasks, params)
    total.owed = sum(r.owed for r in units)
    return total, list(sections.values()), units


def with_reminders(plan, units):
    """Each unit row with its last 催办 on the plan, and whether 催办 can e-mail it (a member
    with an address): two queries however many units."""
    last = dict(
        Reminder.objects.filter(task__plan=plan)
        .values_list("unit")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    reachable = set(
        Membership.objects.filter(unit__in=[row.obj.pk for row in units], user__is_active=True)
        .exclude(user__email="")
        .values_list("unit_id", flat=True)
    )
    for row in units:
        row.last_reminded = last.get(row.obj.pk)
        row.reachable = row.obj.pk in reachable
    return units


def plan_dashboard(plan):
    tasks = list(Task.objects.with_units().filter(plan=plan).order_by("seq"))
    total, sections, units = summary(tasks, {"plan": plan.pk})
    units = with_reminders(plan, units)
    by_section = defaultdict(list)
    for task in tasks:
        by_section[task.section_id].append(task)
    section_tasks = [(str(t[0].section) if t[0].section else "", t) for t in by_section.values()]
    return {
        "total": total,
        "sections": sections,
        "units": units,
        "tasks": tasks,
        "section_tasks": section_tasks,
        "attention": [t for t in tasks if t.light in (Light.RED, Light.YELLOW)],
        "indicators": indicator_rows(tasks),
        "recent": recent_reports(plan),
        "examples": ProgressReport.objects.filter(task__plan=plan, source=EXAMPLE_SOURCE).count(),
        "charts": charts(total, units, period_reports(plan)),
    }


def indicator_rows(tasks):
    by_task = indicators_with_actuals(tasks)
    rows = []
    for task in tasks:
        for indicator in by_task.get(task.pk, []):
            actual = indicator.actual
            share = 0
            if actual and indicator.target:
                share = min(100, round(100 * actual / indicator.target))
            rows.append({"task": task, "indicator": indicator, "actual": actual, "share": share})
    return rows


def recent_reports(plan, count=8):
    return (
        ProgressReport.objects.filter(task__plan=plan, state__in=SENT)
        .select_related("task", "unit")
        .order_by("-submitted_on", "-pk")[:count]
    )


def period_reports(plan):
    """The reports sent on the plan's tasks, per period: how many on time, how many late."""
    rows = (
        ProgressReport.objects.filter(task__plan=plan, state__in=SENT, period__isnull=False)
        .values("period", "submitted_on")
        .annotate(n=Count("pk"))
        .order_by("period")
    )
    periods = {}
    for row in rows:
        period = period_containing(plan, row["period"])
        counts = periods.setdefault(period.label, Counter())
        late = row["submitted_on"] is None or row["submitted_on"] > period.deadline
        counts["late" if late else "on_time"] += row["n"]
    return periods


def charts(total, units, periods):
    """Chart data for json_script: labels are translated here, numbers counted above."""
    return {
        "status": [
            {"name": str(label), "value": total.statuses[value], "key": value}
            for value, label in Task.Status.choices
        ],
        "lights": [
            {"name": str(label), "value": total.lights[value], "key": value}
            for value, label in Light.choices
        ],
        "units": {
            "names": [r.label for r in units],
            "series": [
                {"name": str(label), "key": value, "data": [r.lights[value] for r in units]}
                for value, label in Light.choices
            ],
        },
        "reports": {
            "periods": list(periods),
            "series": [
                {"name": str(name), "key": key, "data": [c[key] for c in periods.values()]}
                for key, name in [("on_time", _("按时报送")), ("late", _("逾期报送"))]
            ],
        },
    }


# Tasks added up from their plans' tallies (tasks/standing/tallies.py).
PLAN_COUNTS = {name: Coalesce(Sum(name), 0) for name in TASK_COUNTS if name != "lights_on"}


def overview(user, today, *, archived=False, plan_page=None, unit_page=None):
    """Totals over the plans (those archived only if asked), a page of plans, and a page of
    units ranked by on-time reporting, added up from the plans' tallies: the same statements
    however many tasks there are, and as quick for a province's thousands of plans as for a
    county's dozen."""
    plans = Plan.objects.visible_to(user).select_related("office").defer("source_text")
    plans = plans.order_by("-year", "title", "pk")
    tasks = TaskTally.objects.visible_to(user)
    units = UnitTally.objects.visible_to(user)
    if not archived:
        plans = plans.current()
        archived_ids = Plan.objects.archived_ids()
        tasks = tasks.exclude(plan__in=archived_ids)
        units = units.exclude(plan__in=archived_ids)
    counts = tasks.aggregate(**PLAN_COUNTS, as_of=Min("lights_on"))
    total = plan_row(Row("", {}), counts)
    plan_page = Paginator(plans, PLANS_PER_PAGE).get_page(plan_page)
    tallies = {
        row["plan_id"]: row for row in TaskTally.objects.filter(plan__in=list(plan_page)).values()
    }
    plan_rows = [
        plan_row(Row(plan.title, {"plan": plan.pk}, obj=plan), tallies.get(plan.pk))
        for plan in plan_page
    ]
    for row in plan_rows:
        row.state = row.obj.state_on(today)
    scores = office_scores(user, today)
    if scores is not None:
        unit_page = Paginator(scores.units, UNITS_PER_PAGE).get_page(unit_page)
    else:
        # An office ranks the units of its own tree, not those of the higher plan it reads.
        among = None if user.is_superuser else jurisdiction(user)
        unit_page = Paginator(ranking(units, among), UNITS_PER_PAGE).get_page(unit_page)
    return {
        "scores": scores,
        "total": total,
        "archived": archived,
        "plan_page": plan_page,
        "plans": plan_rows,
        "unit_page": unit_page,
        "units": []
        if scores
        else [
            unit_row(unit, counts, rank)
            for rank, (unit, counts) in enumerate(unit_page, start=unit_page.start_index())
        ],
        "as_of": counts["as_of"],
        "today": today,
        "examples": ProgressReport.objects.filter(source=EXAMPLE_SOURCE).exists(),
    }


def office_scores(user, today):
    """The 考核 ranking of the reader's office for its latest year with plans, once the office
    has default rules (the overview then ranks units by it); None before, or for a reader of
    several offices."""
    offices = office_ids(user)
    if len(offices) != 1:
        return None
    (office_id,) = offices
    plans = Plan.objects.filter(office=office_id, year__lte=today.year)
    year = plans.aggregate(year=Max("year"))["year"]
    if year is None or ScoreRules.objects.in_force(office_id, None, today) is None:
        return None
    office = Unit.objects.get(pk=office_id)
    return score_units(year_scope(office, year, today))


def ranking(tallies, among=None):
    """Every unit (of the ids `among`, if given) that has owed reports, from its tallies
    (UnitTally) in the plans counted, best first: the higher on-time rate over the periods it
    owed, then fewer red tasks, then its name (the rule the overview states)."""
    rows = [
        row
        for row in tallies.values("unit_id")
        .annotate(
            owed=Sum("owed"), expected=Sum("expected"), on_time=Sum("on_time"), red=Sum("red")
        )
        .filter(expected__gt=0)
        .order_by()
        if among is None or row["unit_id"] in among
    ]
    # Names as tuples: a province ranks a thousand units and shows thirty.
    names = Unit.objects.filter(AnyOf(F("pk"), [row["unit_id"] for row in rows]))
    units = {unit.pk: unit for unit in names.values_list("pk", "name", "short_name", named=True)}
    ranked = [(units[row["unit_id"]], row) for row in rows]
    ranked.sort(key=lambda r: (-r[1]["on_time"] / r[1]["expected"], r[1]["red"], r[0].name))
    return ranked


def plan_row(row, counts):
    """A row filled from counts named as PLAN_COUNTS, if there are any."""
    if counts:
        row.total = counts["tasks"]
        for status in Task.Status.values:
            row.statuses[status] = counts[f"status_{status}"]
        for light in Light.values:
            row.lights[light] = counts[f"light_{light}"]
    return row


def unit_row(unit, counts, rank):
    """A row of the ranking; `unit` has the pk, name and short name of a unit."""
    row = Row(unit.short_name or unit.name, {"unit": unit.pk}, obj=unit, rank=rank)
    row.expected, row.on_time, row.owed = counts["expected"], counts["on_time"], counts["owed"]
    row.lights[Light.RED] = counts["red"]
    return row
