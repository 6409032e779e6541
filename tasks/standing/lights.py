"""红黄绿灯: how a task stands, computed in one place (the rules are on the help page).

- done: the task is done or closed (办结), late or not;
- red: past its deadline (its own, else its plan's end) and not done (逾期未完成), or a
  responsible unit's report for the last period of the plan's period that has ended is still
  missing more than the plan's grace days after its due date;
- yellow: the deadline or a report due date is within the plan's warning window, or an
  indicator is behind pace (序时进度: latest actual below target × elapsed share);
- green: otherwise.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Subquery

from tasks.models import Indicator, Light, ProgressReport, ReportFigure, Responsibility, Task
from tasks.standing.periods import Period, in_plan, plan_periods, reporting_periods
from tasks.standing.reasons import Reason

SENT = (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED)
OWING = (Responsibility.Reporting.DUE, Responsibility.Reporting.OVERDUE)


@dataclass
class Reporting:
    """Where one unit stands with its reports on one task."""

    period: Period | None
    state: str  # "overdue", "due" (owed, not yet late), "sent", or "none" (nothing owed)


@dataclass
class Assessment:
    light: str
    reasons: list = field(default_factory=list)


def owes(task: Task, period: Period | None) -> bool:
    """A report is owed for the periods within the plan's period, while the task is open and
    the plan not archived."""
    return (
        period is not None
        and in_plan(task.plan, period)
        and not task.plan.is_archived
        and not is_finished(task)
    )


def is_finished(task: Task) -> bool:
    return task.status == Task.Status.DONE or task.is_closed


def reporting(task: Task, unit_id, today: date, sent: set) -> Reporting:
    """The report a unit owes now: last period's if still missing, else this period's."""
    previous, current = reporting_periods(task.plan, today)
    grace = timedelta(days=task.plan.grace_days)
    if owes(task, previous) and (unit_id, previous.start) not in sent:
        return Reporting(previous, "overdue" if today > previous.deadline + grace else "due")
    if owes(task, current):
        return Reporting(current, "sent" if (unit_id, current.start) in sent else "due")
    return Reporting(None, "none")


def assess(task: Task, today: date, *, units, sent: set, indicators) -> Assessment:
    """The light of one task. `units`: its responsible units; `sent`: (unit id, period start)
    pairs with a report sent; `indicators`: Indicator rows with `actual` annotated."""
    if is_finished(task):
        return Assessment(Light.DONE)
    plan = task.plan
    red, yellow = [], []
    warning = plan.warning_days
    deadline = task.deadline
    if deadline and deadline < today:
        red.append(Reason("late", {"date": deadline.isoformat()}, plan))
    elif deadline and (deadline - today).days <= warning:
        yellow.append(Reason("deadline_near", {"date": deadline.isoformat()}, plan))
    for unit in units:
        state = reporting(task, unit.pk, today, sent)
        if state.state not in ("overdue", "due"):
            continue
        names = {"unit": unit.display_name, "period": state.period.start.isoformat()}
        if state.state == "overdue":
            red.append(Reason("report_overdue", names, plan))
        elif (state.period.deadline - today).days <= warning:
            names["date"] = state.period.deadline.isoformat()
            yellow.append(Reason("report_due", names, plan))
    yellow += [
        Reason("behind_pace", {"name": ind.name}, plan)
        for ind in indicators
        if behind_pace(task, ind, today)
    ]
    if red:
        return Assessment(Light.RED, red + yellow)
    return Assessment(Light.YELLOW, yellow) if yellow else Assessment(Light.GREEN)


def behind_pace(task: Task, indicator: Indicator, today: date) -> bool:
    """序时进度: the actual should have reached the target times the share of time elapsed."""
    if indicator.comparator != Indicator.Comparator.AT_LEAST:
        return False
    start, end = task.plan.starts_on, task.deadline
    if end is None or today <= start or end <= start:
        return False
    elapsed, total = min(today - start, end - start).days, (end - start).days
    # actual < target × elapsed / total, in whole numbers to keep Decimal exact
    return (indicator.actual or 0) * total < indicator.target * elapsed


def sent_reports(tasks, periods) -> dict:
    """task id → {(unit id, period start)} with a report submitted or accepted (one query)."""
    rows = (
        ProgressReport.objects.filter(
            task__in=[t.pk for t in tasks], state__in=SENT, period__in=periods
        )
        .order_by()  # read into sets: no sorting by plan and task
        .values_list("task_id", "unit_id", "period")
    )
    sent = {}
    for task_id, unit_id, period in rows:
        sent.setdefault(task_id, set()).add((unit_id, period))
    return sent


def with_actuals(indicators):
    latest = ReportFigure.objects.filter(
        indicator=OuterRef("pk"), report__state=ProgressReport.State.ACCEPTED
    ).order_by("-report__submitted_on", "-report__pk")
    return indicators.annotate(
        actual=Subquery(latest.values("value")[:1]),
        actual_on=Subquery(latest.values("report__submitted_on")[:1]),
    )


def indicators_with_actuals(tasks) -> dict:
    """task id → its indicators, each with `actual`: the latest accepted figure (one query)."""
    by_task = {}
    for indicator in with_actuals(Indicator.objects.filter(task__in=[t.pk for t in tasks])):
        by_task.setdefault(indicator.task_id, []).append(indicator)
    return by_task


def relevant_periods(tasks, today):
    """The period starts that lights look at: the last ended and the current, for each plan."""
    starts = set()
    for plan in {t.plan for t in tasks}:
        starts |= {p.start for p in reporting_periods(plan, today) if p}
    return starts


def assess_tasks(tasks, today: date, sent=None):
    """Sets `assessment`, `light` and `sent` on each task; tasks need `with_units()`.
    `sent`: what `sent_reports` gives for them, at least for this period and the last, if
    already read.

    Two queries whatever the number of tasks (one with `sent`).
    """
    tasks = list(tasks)
    if sent is None:
        sent = sent_reports(tasks, relevant_periods(tasks, today))
    indicators = indicators_with_actuals(tasks)
    for task in tasks:
        task.sent = sent.get(task.pk, set())
        task.assessment = assess(
            task,
            today,
            units=task.lead_units + task.support_units,
            sent=task.sent,
            indicators=indicators.get(task.pk, []),
        )
        task.light = task.assessment.light
    return tasks


def owed_period(tasks, unit, today) -> Period | None:
    """The period a unit should report for now on these tasks of one plan: the last period
    while any of its reports is still missing, else the current one (one query)."""
    tasks = list(tasks)
    previous, current = reporting_periods(tasks[0].plan, today)
    if previous is None:
        return current
    sent = set(
        ProgressReport.objects.filter(
            task__in=tasks, unit=unit, period=previous.start, state__in=SENT
        )
        .order_by()  # read into a set: no sorting by plan and task
        .values_list("task_id", flat=True)
    )
    missing = [t for t in tasks if owes(t, previous) and t.pk not in sent]
    return previous if missing or current is None else current


def proposed_period(task, taken, today) -> Period | None:
    """The period a unit's new report on the task proposes, given the periods it has reported
    (`taken`): the one it owes (owed_period), else the latest period of the plan it has not
    reported, else none."""
    previous, _current = reporting_periods(task.plan, today)
    if owes(task, previous) and previous.start not in taken:
        return previous
    return next((p for p in plan_periods(task.plan, today) if p.start not in taken), None)
