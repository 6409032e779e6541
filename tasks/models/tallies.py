"""Counts per plan, kept beside the rows they count (tasks/standing/tallies.py): the overview
of a reader of thousands of plans adds these up instead of every task and responsibility."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks.models.plans import Light, Plan, PlanScopedQuerySet, Task
from units.models import Unit


class TaskTally(models.Model):
    """A plan's tasks counted by status and by light, and the earliest day one of their
    lights was assessed. The counts are named as `tasks.standing.tallies.TASK_COUNTS`."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("方案"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    tasks = models.PositiveIntegerField(_("任务总数"))
    status_not_started = models.PositiveIntegerField(Task.Status.NOT_STARTED.label)
    status_in_progress = models.PositiveIntegerField(Task.Status.IN_PROGRESS.label)
    status_done = models.PositiveIntegerField(Task.Status.DONE.label)
    status_delayed = models.PositiveIntegerField(Task.Status.DELAYED.label)
    light_red = models.PositiveIntegerField(Light.RED.label)
    light_yellow = models.PositiveIntegerField(Light.YELLOW.label)
    light_green = models.PositiveIntegerField(Light.GREEN.label)
    light_done = models.PositiveIntegerField(Light.DONE.label)
    lights_on = models.DateField(_("灯号计算日"), null=True)

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务统计")
        verbose_name_plural = _("任务统计")

    def __str__(self):
        return f"{self.plan_id}: {self.tasks}"


class UnitTally(models.Model):
    """A unit's responsibilities in one plan: the reports it owes now, those expected and
    sent on time so far, and its red tasks."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    owed = models.PositiveIntegerField(_("待报"))
    expected = models.PositiveIntegerField(_("应报"))
    on_time = models.PositiveIntegerField(_("按时报送"))
    red = models.PositiveIntegerField(_("红灯"))

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位统计")
        verbose_name_plural = _("单位统计")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.unit_id}"
