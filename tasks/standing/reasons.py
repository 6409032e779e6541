"""Why a task has its light, stored with it as (code, params) and read in the reader's
language (the rules that give them: tasks/standing/lights.py)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from tasks.standing.periods import period_containing

REASONS = {
    "late": _("逾期未完成（完成时限%(date)s）"),
    "deadline_near": _("临近完成时限（%(date)s）"),
    "report_overdue": _("%(unit)s%(period)s进展逾期未报"),
    "report_due": _("%(unit)s%(period)s进展应于%(date)s前报送"),
    "behind_pace": _("%(name)s低于序时进度"),
}


class Reason(str):
    """Why a task has its light, in the reader's language; stored with the light as
    (code, params) (`Task.light_reasons`), with dates and periods as ISO dates."""

    def __new__(cls, code, params, plan):
        shown = dict(params)
        if "period" in shown:
            shown["period"] = period_containing(plan, date.fromisoformat(shown["period"])).label
        reason = super().__new__(cls, str(REASONS[code]) % shown)
        reason.code, reason.params = code, params
        return reason

    def stored(self):
        return [self.code, self.params]
