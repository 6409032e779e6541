"""Reporting periods: each responsible unit owes one report per task per period.

A period is stored as its first day (`ProgressReport.period`). The plan's cycle says how long
a period is (a month, a quarter, or every N months), and its due day when the report is due:
on that day of the month after the period ends (5 → 次月5日前).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _


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


def recent_periods(plan, today: date, count=4) -> list[Period]:
    """The current period and the ones before it, newest first: what a report may be for."""
    periods = [period_containing(plan, today)]
    while len(periods) < count:
        periods.append(previous_period(plan, periods[-1]))
    return periods


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
