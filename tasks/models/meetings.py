from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reform.lookups import AnyOf
from tasks.models.fields import user_field
from tasks.models.plans import Light, Plan, PlanScopedQuerySet, Task
from tasks.models.reports import ProgressReport
from units.models import Unit
from units.roles import jurisdiction, reads_below

WARNING_DAYS = 7  # an instruction's light turns yellow this many days before it is due


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
    recorded_by = user_field(_("记录人"))

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
    instructions = models.JSONField(_("领导批示"), default=list)  # Instruction.as_noted()
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


class InstructionQuerySet(PlanScopedQuerySet):
    plan_path = "task__plan"

    def open(self):
        return self.filter(answered_on=None)


class Instruction(models.Model):
    """领导批示: a leader's instruction on a task, the units to act on it, and their answer.
    Until answered it has a light of its own: red past its due date, yellow within a week."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="instructions"
    )
    leader = models.CharField(_("批示领导"), max_length=100)
    text = models.TextField(_("批示内容"))
    given_on = models.DateField(_("批示日期"))
    due_on = models.DateField(_("办理时限"))
    units = models.ManyToManyField(Unit, verbose_name=_("办理单位"), related_name="instructions")
    recorded_by = user_field(_("记录人"))
    answer = models.TextField(_("办理情况"), blank=True)
    answered_on = models.DateField(_("办理日期"), null=True, blank=True)
    answered_by = user_field(_("办理人"))

    objects = InstructionQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.leader}批示（{self.given_on:%Y-%m-%d}）"

    def light(self, today):
        if self.answered_on:
            return Light.DONE
        if today > self.due_on:
            return Light.RED
        return Light.YELLOW if (self.due_on - today).days <= WARNING_DAYS else Light.GREEN

    def as_noted(self):
        """What a meeting's snapshot keeps of it."""
        return {
            "id": self.pk,
            "name": str(self),
            "due_on": self.due_on.isoformat(),
            "answered_on": self.answered_on and self.answered_on.isoformat(),
        }
