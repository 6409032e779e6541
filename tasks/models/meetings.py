from django.conf import settings
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reform.lookups import AnyOf
from tasks.models.plans import Light, Plan, Task
from tasks.models.reports import ProgressReport
from units.models import Unit
from units.roles import jurisdiction, reads_below


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of the offices in the user's tree: office staff and leaders read them."""
        if user.is_superuser:
            return self
        if not reads_below(user):
            return self.none()
        return self.filter(AnyOf(F("office"), jurisdiction(user)))


class Meeting(models.Model):
    """督查会: a supervision meeting, and the standing of its plans' tasks frozen when it was
    recorded (`TaskSnapshot`)."""

    office = models.ForeignKey(
        Unit, verbose_name=_("产改办"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    plans = models.ManyToManyField(Plan, verbose_name=_("督查方案"), related_name="meetings")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查会")
        verbose_name_plural = _("督查会")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("tasks:meeting", args=[self.pk])


class TaskSnapshot(models.Model):
    """A task's standing when a meeting was recorded, stored as the ledger printed it then:
    never recomputed, so the meeting's ledger prints the same years later."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("督查会"), on_delete=models.CASCADE, related_name="snapshots"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    seq = models.PositiveIntegerField(_("顺序"))
    section = models.CharField(_("板块"), max_length=220, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Task.Status)
    percent = models.PositiveSmallIntegerField(_("完成进度"))
    light = models.CharField(_("红黄绿灯"), max_length=10, choices=Light)
    reasons = models.JSONField(_("原因"), default=list)
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("最新已审核报告"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    figures = models.JSONField(_("指标完成"), default=list)  # [{"indicator", "actual"}]
    units = models.JSONField(_("责任单位"), default=list)  # [[name, role]] in document order
    row = models.JSONField(_("台账行"))  # the ledger's row, as printed

    class Meta:
        verbose_name = _("任务快照")
        verbose_name_plural = _("任务快照")
        ordering = ["meeting", "plan", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "task"], name="%(app_label)s_%(class)s_once_a_meeting"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.row[2] if self.row else self.task_id}"
