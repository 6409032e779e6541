"""The light rules, table-driven, with the dates at their edges."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tasks.models import Indicator, Plan, Task
from tasks.standing.lights import Light, assess
from tasks.standing.periods import period_containing, plan_periods, reporting_periods
from units.models import Unit

UNIT = Unit(pk=1, name="产业处")
Q1, Q2 = date(2024, 1, 1), date(2024, 4, 1)


def light(today, *, sent=(), status="in_progress", due=None, closed=False, indicators=(), **plan):
    year = {"year": 2024, "starts_on": date(2024, 1, 1), "ends_on": date(2024, 12, 31)}
    plan = Plan(**(year | {"reporting_cycle": "quarterly"} | plan))
    task = Task(plan=plan, status=status, due_on=due)
    if closed:
        task.closed_at = datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    sent = {(UNIT.pk, period) for period in sent}
    return assess(task, today, units=[UNIT], sent=sent, indicators=list(indicators)).light


def indicator(actual, target=2000, comparator=">="):
    ind = Indicator(name="年度开展培训", comparator=comparator, target=Decimal(target), unit="人次")
    ind.actual = None if actual is None else Decimal(actual)
    return ind


@pytest.mark.parametrize(
    ("today", "kwargs", "expected"),
    [
        # reports: Q1 2024 is due on 04-05, with 3 grace days
        (date(2024, 2, 10), {}, Light.GREEN),  # the Q1 due date is far away
        (date(2024, 3, 21), {}, Light.YELLOW),  # 15 days before the due date
        (date(2024, 3, 20), {}, Light.GREEN),  # 16 days before
        (date(2024, 3, 25), {"sent": [Q1]}, Light.GREEN),
        (date(2024, 3, 31), {}, Light.YELLOW),  # last day of the period
        (date(2024, 4, 1), {}, Light.YELLOW),  # period boundary: Q1 now the last period
        (date(2024, 4, 5), {}, Light.YELLOW),  # due today
        (date(2024, 4, 8), {}, Light.YELLOW),  # last grace day
        (date(2024, 4, 9), {}, Light.RED),  # grace over
        (date(2024, 4, 9), {"sent": [Q1]}, Light.GREEN),
        (date(2024, 4, 9), {"sent": [Q2]}, Light.RED),  # a later report does not excuse Q1
        (date(2024, 6, 21), {"sent": [Q1]}, Light.YELLOW),  # Q2 due 07-05
        # deadlines
        (date(2024, 6, 30), {"sent": [Q1, Q2], "due": date(2024, 6, 30)}, Light.YELLOW),
        (date(2024, 7, 1), {"sent": [Q1, Q2], "due": date(2024, 6, 30)}, Light.RED),
        (date(2024, 6, 15), {"sent": [Q1, Q2], "due": date(2024, 6, 30)}, Light.YELLOW),
        (date(2024, 6, 14), {"sent": [Q1, Q2], "due": date(2024, 7, 1)}, Light.GREEN),
        # done, late or not, and closed tasks show as done
        (date(2024, 9, 1), {"status": "done", "due": date(2024, 6, 30)}, Light.DONE),
        (date(2024, 9, 1), {"closed": True}, Light.DONE),
        # monthly: February is due 03-05
        (
            date(2024, 3, 8),
            {"reporting_cycle": "monthly", "sent": [date(2024, 3, 1)]},
            Light.YELLOW,
        ),
        (date(2024, 3, 9), {"reporting_cycle": "monthly", "sent": [date(2024, 3, 1)]}, Light.RED),
        # custom: half-yearly, H1 due 07-05
        (date(2024, 7, 9), {"reporting_cycle": "custom", "cycle_months": 6}, Light.RED),
        (
            date(2024, 7, 9),
            {"reporting_cycle": "custom", "cycle_months": 6, "sent": [date(2024, 1, 1)]},
            Light.GREEN,
        ),
        # a plan starting mid-year owes nothing for the periods before it
        (date(2024, 8, 1), {"starts_on": date(2024, 7, 15)}, Light.GREEN),
        # after its end: unfinished is red (逾期未完成), with no period after the end owed
        (date(2024, 12, 31), {"sent": [Q1, Q2, date(2024, 7, 1)]}, Light.YELLOW),
        (date(2025, 1, 1), {"sent": [Q1, Q2, date(2024, 7, 1)]}, Light.RED),
        (date(2026, 12, 6), {"status": "done"}, Light.DONE),
        # the plan's own settings: due day 20, grace 0, warning 5
        (date(2024, 4, 21), {"report_due_day": 20, "grace_days": 0}, Light.RED),
        (date(2024, 4, 20), {"report_due_day": 20, "grace_days": 0}, Light.YELLOW),
        (date(2024, 3, 20), {"warning_days": 5, "sent": []}, Light.GREEN),
    ],
)
def test_light(today, kwargs, expected):
    assert light(today, **kwargs) == expected


@pytest.mark.parametrize(
    ("actual", "comparator", "expected"),
    [
        ("500", ">=", Light.YELLOW),  # at 07-01 about half the year is gone: 1000 expected
        ("1100", ">=", Light.GREEN),
        (None, ">=", Light.YELLOW),  # nothing reported yet
        ("500", "<=", Light.GREEN),  # a ceiling (不超过) has no pace
    ],
)
def test_indicator_pace(actual, comparator, expected):
    today = date(2024, 7, 1)
    ind = indicator(actual, comparator=comparator)
    assert light(today, sent=[Q1, Q2], indicators=[ind]) == expected


def test_pace_is_measured_to_the_deadline():
    # Due 2024-03-01: by 02-01 about half the time is gone.
    ind = indicator("900")
    assert light(date(2024, 2, 1), due=date(2024, 3, 1), indicators=[ind]) == Light.YELLOW
    ind = indicator("1100")
    assert light(date(2024, 2, 1), due=date(2024, 3, 1), indicators=[ind]) == Light.GREEN


@pytest.mark.parametrize(
    ("cycle", "months", "day", "label", "deadline"),
    [
        ("monthly", None, date(2024, 12, 31), "2024年12月", date(2025, 1, 5)),
        ("quarterly", None, date(2024, 5, 17), "2024年第2季度", date(2024, 7, 5)),
        ("custom", 6, date(2024, 12, 1), "2024年7–12月", date(2025, 1, 5)),
        ("custom", 12, date(2024, 3, 1), "2024年1–12月", date(2025, 1, 5)),
    ],
)
def test_periods(cycle, months, day, label, deadline):
    plan = Plan(year=2024, reporting_cycle=cycle, cycle_months=months)
    period = period_containing(plan, day)
    assert (period.label, period.deadline) == (label, deadline)
    assert period.start <= day <= period.end


def test_a_plan_s_periods_run_from_its_start_to_today_or_its_end():
    plan = Plan(year=2023, starts_on=date(2023, 5, 10), reporting_cycle="quarterly")
    starts = [p.start for p in plan_periods(plan, date(2024, 2, 1))]
    assert starts == [date(2024, 1, 1), date(2023, 10, 1), date(2023, 7, 1), date(2023, 4, 1)]
    plan.ends_on = date(2023, 12, 31)
    starts = [p.start for p in plan_periods(plan, date(2026, 12, 6))]
    assert starts == [date(2023, 10, 1), date(2023, 7, 1), date(2023, 4, 1)]
    assert plan_periods(plan, date(2023, 1, 15)) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2022, 12, 20), (None, None)),  # before the plan starts
        (date(2023, 2, 1), (None, date(2023, 1, 1))),  # its first period
        (date(2023, 8, 15), (date(2023, 4, 1), date(2023, 7, 1))),
        (date(2024, 1, 3), (date(2023, 10, 1), None)),  # ended: its last period is the last
        (date(2026, 12, 6), (date(2023, 10, 1), None)),
    ],
)
def test_the_periods_reported_on_stay_within_the_plan(today, expected):
    plan = Plan(year=2023, starts_on=date(2023, 1, 1), ends_on=date(2023, 12, 31))
    periods = reporting_periods(plan, today)
    assert tuple(p and p.start for p in periods) == expected
