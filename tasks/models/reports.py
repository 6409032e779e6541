from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.lookups import AnyOf
from tasks.models.fields import user_field
from tasks.models.plans import PERCENT_VALIDATORS, Indicator, PlanScopedQuerySet, Task
from tasks.standing.periods import period_containing
from units.models import Unit
from units.roles import jurisdiction, unit_ids

# The source of the demo scenario's reports (tasks.documents.demo), which pages say are there.
EXAMPLE_SOURCE = "示例数据"


class ProgressReportQuerySet(PlanScopedQuerySet):
    plan_path = "task__plan"

    def visible_to(self, user):
        """Reports on the tasks a user may read: every one in their office's subtree (office
        staff and leaders); elsewhere their units' own and others' sent ones.

        Another unit's draft or returned report is its own business and stays hidden.
        """
        reports = super().visible_to(user)
        if user.is_superuser:
            return reports
        below = AnyOf(F("task__plan__office"), jurisdiction(user))
        return reports.filter(below | self.seen_by(unit_ids(user)))

    @staticmethod
    def seen_by(units):
        """What members of these units see: their units' reports, and others' sent ones."""
        sent = [ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED]
        return Q(unit__in=units) | Q(state__in=sent)

    def editable_by(self, user):
        """Drafts and returned reports of the user's own units."""
        return self.filter(unit__in=unit_ids(user), state__in=ProgressReport.EDITABLE_STATES)

    def with_task(self):
        """Each report's task and plan, without the plan's source document (a plan's whole
        text, tens of thousands of characters, which no report shows)."""
        return self.select_related("task__plan").defer("task__plan__source_text")

    def with_article(self):
        """What a report's article (templates/tasks/_report.html) shows besides its fields,
        figures and files: its unit and people, its plan's reporting cycle (for the period's
        name)."""
        return self.with_task().select_related("unit", "author", "reviewed_by")

    def awaiting_review(self):
        return self.filter(state=ProgressReport.State.SUBMITTED)


class ProgressReport(models.Model):
    """A unit's update on a task for a period (进展填报)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已审核")
        RETURNED = "returned", _("已退回")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.DateField(
        _("填报周期"), null=True, blank=True, help_text=_("周期的第一天；空表示不定期报送")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Task.Status, default=Task.Status.IN_PROGRESS
    )
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    progress = models.TextField(_("工作进展"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    state = models.CharField(_("审核状态"), max_length=20, choices=State, default=State.DRAFT)
    review_comment = models.TextField(_("审核意见"), blank=True)
    source = models.CharField(
        _("来源"), max_length=200, blank=True, help_text=_("如专报期号或报道标题")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    reviewed_by = user_field(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["task", "-submitted_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period"],
                condition=Q(period__isnull=False),
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("本单位该周期的进展报告已存在，请在原报告上修改。"),
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="%(app_label)s_%(class)s_percent_range"
            ),
        ]
        indexes = [
            # The review queue, in the order it is worked through, and its count in the menu.
            models.Index(
                fields=["submitted_on", "id"],
                condition=Q(state="submitted"),
                name="tasks_report_awaiting_review",
            ),
            # A unit's drafts and returned reports, on its page.
            models.Index(
                fields=["unit"],
                condition=Q(state__in=["draft", "returned"]),
                name="tasks_report_unfinished",
            ),
            # The demo scenario's reports, found without reading every report.
            models.Index(
                fields=["task"], condition=Q(source=EXAMPLE_SOURCE), name="tasks_report_examples"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.task}"

    def get_absolute_url(self):
        return f"{self.task.get_absolute_url()}#report-{self.pk}"

    @property
    def period_label(self):
        """The period the report is for, as people name it (2024年第1季度)."""
        if self.period is None:
            return _("不定期报送")
        return period_containing(self.task.plan, self.period).label

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    def validate_constraints(self, exclude=None):
        """Meta's constraints in one query at most: the unit's one report a period, by
        looking for another; the percent's range is its field's validators' (`full_clean`
        runs them first) and the database's. Django asks the database about each constraint,
        three statements each inside a transaction: six of a submission's queries."""
        if self.period is None or {"task", "unit", "period"} & set(exclude or ()):
            return
        others = ProgressReport.objects.filter(
            task_id=self.task_id, unit_id=self.unit_id, period=self.period
        )
        if others.exclude(pk=self.pk).exists() if self.pk else others.exists():
            one_per_period = next(
                c for c in self._meta.constraints if isinstance(c, models.UniqueConstraint)
            )
            raise ValidationError({NON_FIELD_ERRORS: one_per_period.get_violation_error_message()})


class ReportFigure(models.Model):
    """A number stated in a report (培训 1000 人次), tied to the task's indicator if any."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="figures"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("对应指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
    )
    name = models.CharField(_("名称"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    is_approximate = models.BooleanField(
        _("约数"), default=False, help_text=_("原文为“超、余、近、多”等约数")
    )
    seq = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("报告数据")
        verbose_name_plural = _("报告数据")
        ordering = ["report_id", "seq"]  # the column: no join to the report, task and plan
        constraints = [
            models.UniqueConstraint(
                fields=["report", "name"], name="%(app_label)s_%(class)s_unique_report_name"
            ),
        ]

    def __str__(self):
        approx = "约" if self.is_approximate else ""
        return f"{self.name} {approx}{self.value.normalize():f}{self.unit}"


def attachment_path(instance, filename):
    # The stored name never comes from the user: only the checked extension is kept.
    return f"attachments/{instance.report_id}/{instance.token}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """Evidence for a report (photo, PDF, Word, Excel), served only through a checked view."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    token = models.CharField(max_length=32, editable=False)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report_id", "uploaded_at"]  # the column: no joins

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:attachment", args=[self.pk])


class Reminder(models.Model):
    """催办: a notice to a unit that its report on a task is due or overdue; one per day."""

    class Kind(models.TextChoices):
        DUE = "due", _("即将到期")
        OVERDUE = "overdue", _("已逾期")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="reminders"
    )
    period = models.DateField(_("填报周期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind)
    sent_on = models.DateField(_("催办日期"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    sent_by = user_field(_("催办人"), help_text=_("空表示系统自动催办"))
    recipients = models.TextField(_("收件人"), blank=True)

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period", "sent_on"],
                name="%(app_label)s_%(class)s_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.task} · {self.sent_on}"


class Submission(models.Model):
    """A form that created something, by its one-time token: sent again, it creates nothing."""

    token = models.UUIDField(_("表单令牌"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    url = models.CharField(_("所建内容的地址"), max_length=300, blank=True)
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
