"""Reporting periods: each responsible unit owes one report per task per period.

A period is stored as its first day (`ProgressReport.period`). The plan's cycle says how long
a period is (a month, a quarter, or every N months), and its due day when the report is due:
on that day of the month after the period ends (5 → 次月5日前).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

MAX_PERIODS = 120  # ten years of monthly reports is more than any plan runs


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    deadline: date
    months: int

    @property
    def label(self):
        if self.months == 1:
            return _("%(year)d年%(month)d月") % {"year": self.start.year, "month": self.start.month}
        if self.months == 3:
            quarter = (self.start.month - 1) // 3 + 1
            return _("%(year)d年第%(quarter)d季度") % {"year": self.start.year, "quarter": quarter}
        return _("%(year)d年%(first)d–%(last)d月") % {
            "year": self.start.year,
            "first": self.start.month,
            "last": self.end.month,
        }


def months_in(plan) -> int:
    """A plan's period in months (`Plan.Cycle`: monthly, quarterly, or every N months)."""
    if plan.reporting_cycle == "monthly":
        return 1
    if plan.reporting_cycle == "custom" and plan.cycle_months:
        return plan.cycle_months
    return 3


def period_containing(plan, day: date) -> Period:
    months = months_in(plan)
    # Periods are aligned on the calendar year: a half-year runs Jan–Jun and Jul–Dec.
    start = date(day.year, (day.month - 1) // months * months + 1, 1)
    following = add_months(start, months)
    return Period(
        start=start,
        end=following - timedelta(days=1),
        deadline=following + timedelta(days=plan.report_due_day - 1),
        months=months,
    )


def previous_period(plan, period: Period) -> Period:
    return period_containing(plan, period.start - timedelta(days=1))


def in_plan(plan, period: Period) -> bool:
    """Whether the period falls within the plan's period (执行期), even in part."""
    return period.end >= plan.starts_on and (plan.ends_on is None or period.start <= plan.ends_on)


def plan_periods(plan, until: date, limit=MAX_PERIODS) -> list[Period]:
    """The plan's periods from its start to the one containing `until` (or its end, if
    earlier), newest first: the periods a report may be for."""
    last = min(until, plan.ends_on) if plan.ends_on else until
    periods = []
    period = period_containing(plan, last)
    while period.end >= plan.starts_on and len(periods) < limit:
        periods.append(period)
        period = previous_period(plan, period)
    return periods


def reporting_periods(plan, today: date):
    """(the last period that has ended, the period under way), within the plan's period;
    either is None where there is none. After the plan's end, its last period is the last."""
    current = period_containing(plan, today)
    previous = previous_period(plan, current)
    if plan.ends_on and current.start > plan.ends_on:
        previous, current = period_containing(plan, plan.ends_on), None
    return tuple(p if p and in_plan(plan, p) else None for p in (previous, current))


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
