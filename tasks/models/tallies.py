from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks.models.plans import Light, Plan, Task
from units.models import Unit

# Every signed-in user reads every plan (Task.visible_to), so one tally serves all readers.


class PlanTally(models.Model):
    """A plan's tasks counted by status and by light, kept with the stored standing
    (tasks/standing.py), so that the overview reads a row per plan."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("方案"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    status_not_started = models.PositiveIntegerField(default=0)
    status_in_progress = models.PositiveIntegerField(default=0)
    status_done = models.PositiveIntegerField(default=0)
    status_delayed = models.PositiveIntegerField(default=0)
    light_red = models.PositiveIntegerField(default=0)
    light_yellow = models.PositiveIntegerField(default=0)
    light_green = models.PositiveIntegerField(default=0)
    light_done = models.PositiveIntegerField(default=0)
    # Counts the refreshes of the plan's standing: the key of its cached dashboard.
    version = models.PositiveBigIntegerField(default=0)

    COUNTS = [
        "total",
        *(f"status_{s}" for s in Task.Status.values),
        *(f"light_{v}" for v in Light.values),
    ]

    class Meta:
        verbose_name = _("方案统计")
        verbose_name_plural = _("方案统计")

    def __str__(self):
        return str(self.plan)


class UnitTally(models.Model):
    """A unit's responsibilities counted across every plan: what it leads and supports, the
    reports it owes and its on-time record, and its tasks with a red light."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("单位"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    led = models.PositiveIntegerField(default=0)
    supported = models.PositiveIntegerField(default=0)
    owed = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    # Counts the refreshes of the unit's standing: the key of its cached page.
    version = models.PositiveBigIntegerField(default=0)

    COUNTS = ["led", "supported", "owed", "expected", "on_time", "red"]

    class Meta:
        verbose_name = _("单位统计")
        verbose_name_plural = _("单位统计")

    def __str__(self):
        return str(self.unit)


class StandingClock(models.Model):
    """One row counting every recount of any tally: the key of pages that show many plans
    (a sum of the plans' versions could come back to an earlier value when a plan is deleted)."""

    version = models.PositiveBigIntegerField(default=0)
    # The day every task's standing was last refreshed at once (the daily refresh): pages
    # then need not look for stale lights among their tasks.
    refreshed_on = models.DateField(_("全部刷新日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计时钟")
        verbose_name_plural = _("统计时钟")

    def __str__(self):
        return str(self.version)
