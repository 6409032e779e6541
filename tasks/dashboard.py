"""What the plan dashboard and the overview show, each a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse

from tasks.lights import SENT, Light, assess_tasks, indicators_with_actuals, is_finished, reporting
from tasks.models import ProgressReport, Task
from tasks.periods import period_containing, previous_period

MAX_PERIODS = 120  # ten years of monthly reports is more than any plan runs


def task_list_url(**params):
    return f"{reverse('tasks:list')}?{urlencode({k: v for k, v in params.items() if v})}"


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

    def add(self, task):
        self.total += 1
        self.statuses[task.status] += 1
        self.lights[task.light] += 1

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

    def links(self):
        return {
            "all": self.url(),
            "done": self.url(status=Task.Status.DONE),
            "in_progress": self.url(status=Task.Status.IN_PROGRESS),
            "lead": self.url(role="lead"),
            "support": self.url(role="support"),
            **{light: self.url(light=light) for light in Light.values},
        }


def closed_periods(plan, today):
    """The plan's periods whose report due date has passed, newest first."""
    periods = []
    period = previous_period(plan, period_containing(plan, today))
    while period.end >= plan.starts_on and len(periods) < MAX_PERIODS:
        if period.deadline < today:
            periods.append(period)
        period = previous_period(plan, period)
    return periods


def sent_history(tasks):
    """(task, unit, period) → date sent, for every report sent on these tasks (one query)."""
    rows = ProgressReport.objects.filter(
        task__in=[t.pk for t in tasks], state__in=SENT, period__isnull=False
    ).values_list("task_id", "unit_id", "period", "submitted_on")
    return {(t, u, p): sent_on for t, u, p, sent_on in rows}


def count_on_time(row, task, unit, periods, history):
    """On-time reporting: of the reports owed whose due date has passed, those sent by then."""
    for period in periods:
        sent_on = history.get((task.pk, unit.pk, period.start))
        if sent_on is None and is_finished(task):
            continue  # nothing is owed for a finished task
        row.expected += 1
        row.on_time += sent_on is not None and sent_on <= period.deadline


def unit_rows(tasks, today, plan_params):
    history = sent_history(tasks)
    periods = {}
    rows = {}
    for task in tasks:
        if task.plan_id not in periods:
            periods[task.plan_id] = closed_periods(task.plan, today)
        for resp in task.responsibilities.all():
            unit = resp.unit
            row = rows.get(unit.pk) or rows.setdefault(
                unit.pk, Row(unit.display_name, plan_params | {"unit": unit.pk}, obj=unit)
            )
            row.add(task)
            row.led += resp.role == "lead"
            row.supported += resp.role == "support"
            row.owed += reporting(task, unit.pk, today, task.sent).state in ("due", "overdue")
            count_on_time(row, task, unit, periods[task.plan_id], history)
    return sorted(rows.values(), key=lambda r: (r.obj.sort_order, r.label))


def summary(tasks, today, params):
    """Totals, and rows per section and per unit, for assessed tasks."""
    total = Row("", params)
    sections = {}
    for task in tasks:
        total.add(task)
        if task.section_id is not None:
            if task.section_id not in sections:
                section_params = params | {"section": task.section_id}
                sections[task.section_id] = Row(str(task.section), section_params)
            sections[task.section_id].add(task)
    units = unit_rows(tasks, today, params)
    total.owed = sum(r.owed for r in units)
    return total, list(sections.values()), units


def plan_dashboard(plan, today):
    tasks = assess_tasks(Task.objects.filter(plan=plan).with_units(), today)
    total, sections, units = summary(tasks, today, {"plan": plan.pk})
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
        "charts": charts(total, units, monthly_reports(plan)),
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


def monthly_reports(plan):
    return list(
        ProgressReport.objects.filter(task__plan=plan, state__in=SENT, submitted_on__isnull=False)
        .annotate(month=TruncMonth("submitted_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )


def charts(total, units, months):
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
            "months": [m["month"].strftime("%Y-%m") for m in months],
            "counts": [m["n"] for m in months],
        },
    }


def overview(plans, today):
    """Every plan's completion and lights, and units ranked by on-time reporting."""
    tasks = assess_tasks(Task.objects.filter(plan__in=plans).with_units(), today)
    by_plan = defaultdict(list)
    for task in tasks:
        by_plan[task.plan_id].append(task)
    plan_rows = []
    for plan in plans:
        row = Row(plan.title, {"plan": plan.pk}, obj=plan)
        for task in by_plan[plan.pk]:
            row.add(task)
        plan_rows.append(row)
    units = unit_rows(tasks, today, {})
    ranked = sorted(
        (u for u in units if u.expected),
        key=lambda u: (-u.on_time_rate, -u.expected, u.label),
    )
    return {"plans": plan_rows, "units": ranked}
