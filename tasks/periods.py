"""Reporting periods: each responsible unit owes one report per task per period.

A period is stored as its first day (`ProgressReport.period`); a plan's reporting cycle says
how long it is. Plans with a custom cycle take reports whenever they come (no period).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from tasks.models import Plan


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    cycle: str

    @property
    def label(self):
        if self.cycle == Plan.Cycle.MONTHLY:
            return _("%(year)d年%(month)d月") % {"year": self.start.year, "month": self.start.month}
        quarter = (self.start.month - 1) // 3 + 1
        return _("%(year)d年第%(quarter)d季度") % {"year": self.start.year, "quarter": quarter}


def months_in(cycle):
    return {Plan.Cycle.MONTHLY: 1, Plan.Cycle.QUARTERLY: 3}.get(cycle)


def period_containing(cycle, day):
    """The period of `cycle` that contains `day`, or None for a custom cycle."""
    months = months_in(cycle)
    if months is None:
        return None
    start = date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(start, add_months(start, months) - timedelta(days=1), cycle)


def period_starting(cycle, start):
    if start is None or months_in(cycle) is None:
        return None
    return period_containing(cycle, start)


def recent_periods(cycle, today, count=4):
    """The current period and the ones before it, newest first: what a report may be for."""
    current = period_containing(cycle, today)
    if current is None:
        return []
    months = months_in(cycle)
    return [period_containing(cycle, add_months(current.start, -months * n)) for n in range(count)]


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
