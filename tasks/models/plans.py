from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.lookups import AnyOf
from tasks.models.fields import user_field
from tasks.standing.periods import period_containing
from tasks.standing.reasons import Reason
from units.models import Unit
from units.roles import is_office, jurisdiction, office_ids, unit_ids

PERCENT_VALIDATORS = [MaxValueValidator(100)]


def readable_plan_ids(user):
    """The ids of the plans a user reads (`PlanQuerySet.visible_to`), read once a request.

    Pages filter by these ids rather than by a subquery: a county's dozen plans then come
    along the indexes, where a subquery in every statement made the database scan every
    task of the province.
    """
    if not hasattr(user, "_plan_ids"):
        answered = Task.objects.filter(units__in=unit_ids(user)).values("plan_id")
        below = AnyOf(F("office_id"), jurisdiction(user))
        own = Plan.objects.filter(below | Q(pk__in=answered))
        pairs = own.values_list("pk", "parent_id").order_by()
        user._plan_ids = frozenset(pk for pair in pairs for pk in pair if pk is not None)
    return user._plan_ids


class PlanScopedQuerySet(models.QuerySet):
    """Rows scoped by the plan they belong to (DESIGN: scope), found along `plan_path`."""

    plan_path = "plan"

    def visible_to(self, user):
        """Rows of the plans a user may read: those of the offices in the subtree of their
        own office (office staff and leaders), those their units answer for (departments),
        and the higher plan each of these implements. IT's superusers read every plan."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(AnyOf(F(self.plan_path), readable_plan_ids(user)))

    def managed_by(self, user):
        """Rows of the plans a user may change, review and remind on: their own office's
        (office staff); every plan for IT's superusers."""
        if user.is_superuser:
            return self
        if not is_office(user):
            return self.none()
        office = "office" if self.plan_path == "pk" else f"{self.plan_path}__office"
        return self.filter(AnyOf(F(office), office_ids(user)))


class PlanQuerySet(PlanScopedQuerySet):
    plan_path = "pk"

    def current(self):
        """Plans not archived: what pages show unless asked for the archive."""
        return self.filter(archived_at__isnull=True)

    def archived_ids(self):
        """The ids of the archived plans: pages leave their rows out by them, not by joining
        every task or responsibility to its plan."""
        return list(self.filter(archived_at__isnull=False).values_list("pk", flat=True))


class Plan(models.Model):
    """One issued document: a 方案 or 实施意见 whose items become tracked tasks."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县（市、区）级")
        PARK = "park", _("园区")
        STREET = "street", _("街道/乡镇")
        ENTERPRISE = "enterprise", _("企业")

    class State(models.TextChoices):
        ACTIVE = "active", _("执行中")
        ENDED = "ended", _("已到期")
        ARCHIVED = "archived", _("已归档")

    class Cycle(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        CUSTOM = "custom", _("自定义")

    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=50, blank=True)
    issuing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("印发单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    # The office (产改办) that tracks the plan: its staff manage it, the offices above read it.
    office = models.ForeignKey(
        Unit,
        verbose_name=_("产改办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"is_office": True},
        related_name="office_plans",
        help_text=_("方案归属的产改办：其督办员管理本方案，上级产改办可查看"),
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    year = models.PositiveIntegerField(_("年度"))
    # The plan's period (执行期): reports are owed only within it, and a task without a
    # deadline of its own is due at its end. Filled from the year when left empty: a yearly
    # 工作要点 runs through its calendar year (tasks.documents.dates.plan_period).
    starts_on = models.DateField(
        _("执行起始"), null=True, blank=True, help_text=_("空则为年度1月1日")
    )
    ends_on = models.DateField(
        _("执行截止"), null=True, blank=True, help_text=_("空表示长期执行，不设截止")
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)
    archived_by = user_field(_("归档人"), editable=False)
    archive_note = models.CharField(_("归档说明"), max_length=500, blank=True, editable=False)
    level = models.CharField(_("层级"), max_length=20, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    source_text = models.TextField(_("原文"), blank=True)
    reporting_cycle = models.CharField(
        _("填报周期"), max_length=20, choices=Cycle, default=Cycle.QUARTERLY
    )
    cycle_months = models.PositiveSmallIntegerField(
        _("自定义周期（月）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("自定义周期时每几个月报送一次，如半年填6"),
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("报送截止日"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每期结束后次月几日前报送"),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("宽限天数"), default=3, help_text=_("截止后超过宽限天数未报送即亮红灯")
    )
    warning_days = models.PositiveSmallIntegerField(
        _("预警天数"), default=15, help_text=_("距完成时限或报送截止不足该天数即亮黄灯")
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("方案")
        verbose_name_plural = _("方案")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year"], name="%(app_label)s_%(class)s_unique_title_year"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.starts_on is None:
            self.starts_on = date(self.year, 1, 1)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tasks:plan", args=[self.pk])

    def clean(self):
        if self.reporting_cycle == self.Cycle.CUSTOM and not self.cycle_months:
            raise ValidationError({"cycle_months": _("自定义周期请填写每几个月报送一次。")})
        if self.year and self.starts_on is None:
            self.starts_on = date(self.year, 1, 1)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("执行截止不能早于执行起始。")})
        if self.office_id and not self.office.is_office:
            raise ValidationError({"office": _("所选单位不是产改办。")})

    def state_on(self, today) -> str:
        """执行中, 已到期 (its end has passed) or 已归档 (the office archived it)."""
        if self.archived_at:
            return self.State.ARCHIVED
        if self.ends_on and self.ends_on < today:
            return self.State.ENDED
        return self.State.ACTIVE

    @property
    def is_archived(self):
        return self.archived_at is not None

    def responsibilities(self):
        return Responsibility.objects.filter(task__plan=self)


class Section(models.Model):
    """A heading (一、二、…) that groups the tasks of a plan."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("编号"), max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    seq = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("板块")
        verbose_name_plural = _("板块")
        ordering = ["plan_id", "seq"]  # the column: no join to the plan
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "seq"], name="%(app_label)s_%(class)s_unique_plan_seq"
            ),
        ]

    def __str__(self):
        return self.heading(self.code, self.title)

    @staticmethod
    def heading(code, title):
        if not code:
            return title
        # "一" is printed "一、…"; a bracketed code such as "（一）" stands alone.
        separator = "" if code.endswith(("）", ")")) else "、"
        return f"{code}{separator}{title}"


class Light(models.TextChoices):
    """红黄绿灯 (the rules: tasks/standing/lights.py and the help page)."""

    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    DONE = "done", _("已完成")


class TaskQuerySet(PlanScopedQuerySet):
    def with_plan(self):
        # A plan's source document can run to tens of thousands of characters; no task shows it.
        return self.select_related("plan", "section").defer("plan__source_text")

    def with_units(self):
        return self.with_plan().prefetch_related(
            models.Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("unit").order_by("role", "seq"),
            )
        )


class Task(models.Model):
    """One numbered item of a plan (任务 / 工作要点)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        DELAYED = "delayed", _("滞后")

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("板块"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    code = models.CharField(_("编号"), max_length=20, help_text=_("按原文，如“5”或“（二）”"))
    seq = models.PositiveIntegerField(_("顺序"))
    title = models.CharField(_("任务"), max_length=200)
    content = models.TextField(_("主要内容"), blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=PERCENT_VALIDATORS
    )
    # 结转: the task of an earlier plan this one continues, and the first task of that chain
    # (so that the whole chain is read in one query).
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("承接自"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="carried_into",
    )
    origin = models.ForeignKey(
        "self",
        verbose_name=_("最初任务"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent_task = models.ForeignKey(
        "self",
        verbose_name=_("落实上级任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementing_tasks",
    )
    units = models.ManyToManyField(
        Unit, through="Responsibility", verbose_name=_("责任部门"), related_name="tasks"
    )
    last_reported_on = models.DateField(_("最近填报"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    closed_by = user_field(_("办结人"), editable=False)
    # Bumped on every save through the services; a form posted from an older version is
    # refused (no lost updates). Kept in the history so a conflict can show what changed.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    # The light as last computed (tasks/standing/refresh.py), so that lists filter and
    # dashboards count lights in SQL; refreshed on every change to the task or its reports,
    # and daily.
    light = models.CharField(
        _("红黄绿灯"), max_length=10, choices=Light, default=Light.GREEN, editable=False
    )
    light_on = models.DateField(_("灯号计算日"), null=True, blank=True, editable=False)
    # Why: [code, params] pairs (tasks.standing.lights.Reason), shown in the reader's language.
    light_reasons = models.JSONField(_("灯号原因"), default=list, blank=True, editable=False)
    # The latest accepted report, kept with the light so that lists and the ledger read its
    # texts through a join rather than a subquery per task.
    latest_report = models.ForeignKey(
        "tasks.ProgressReport",
        verbose_name=_("最新报告"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The latest report sent and not yet reviewed (待审核), shown beside the accepted state.
    pending_report = models.ForeignKey(
        "tasks.ProgressReport",
        verbose_name=_("待审核报告"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(
        excluded_fields=["light", "light_on", "light_reasons", "latest_report", "pending_report"]
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "seq"], name="%(app_label)s_%(class)s_unique_plan_seq"
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="%(app_label)s_%(class)s_percent_range"
            ),
        ]
        indexes = [
            # A plan's tasks counted by light and status from the index alone (its tally).
            models.Index(fields=["plan", "light", "status"], name="tasks_task_plan_light"),
            models.Index(fields=["light_on"], name="tasks_task_light_on"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def get_absolute_url(self):
        return reverse("tasks:task", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        task = super().from_db(db, field_names, values)
        # The plan it was read in: a task moved to another plan leaves that plan's counts too.
        task.loaded_plan_id = task.__dict__.get("plan_id")
        return task

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def pending_period(self):
        """The period of the report awaiting review (待审核), if any (with `pending_report`)."""
        report = self.pending_report
        return report and report.period and period_containing(self.plan, report.period)

    @property
    def report_refusal(self):
        """Why the task takes no report now, or None: the one rule for the form, the service
        and every import."""
        if self.is_closed:
            return _("任务已办结，不再接受进展报告。")
        if self.plan.is_archived:
            return _("方案已归档，不再接受进展报告。")
        return None

    @property
    def deadline(self):
        """When the task is due: its own deadline, else its plan's end (none if neither)."""
        return self.due_on or self.plan.ends_on

    @property
    def reasons(self):
        """Why the task has its stored light, in the reader's language."""
        return [Reason(code, params, self.plan) for code, params in self.light_reasons]

    def units_in_role(self, role):
        """Units in one role, in document order; uses prefetched responsibilities."""
        return [r.unit for r in self.responsibilities.all() if r.role == role]

    @property
    def lead_units(self):
        return self.units_in_role(Responsibility.Role.LEAD)

    @property
    def support_units(self):
        return self.units_in_role(Responsibility.Role.SUPPORT)


class ResponsibilityQuerySet(PlanScopedQuerySet):
    """Scoped by the plan stored with each row's standing: no join to its task."""


class Responsibility(models.Model):
    """Which unit answers for a task: 牵头 (lead) or 配合 (support)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        SUPPORT = "support", _("配合")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities"
    )

    class Reporting(models.TextChoices):
        OVERDUE = "overdue", _("逾期未报")
        DUE = "due", _("待报")
        SENT = "sent", _("已报")
        NONE = "none", _("无需报送")

    role = models.CharField(_("职责"), max_length=10, choices=Role)
    seq = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # Where the unit stands with its reports on the task, stored with the task's light
    # (tasks/standing/refresh.py): the report it owes now, and its on-time record so far.
    reporting = models.CharField(
        _("报送情况"), max_length=10, choices=Reporting, default=Reporting.NONE, editable=False
    )
    # The period that report is for (none when nothing is owed).
    reporting_period = models.DateField(_("应报周期"), null=True, blank=True, editable=False)
    reports_expected = models.PositiveIntegerField(_("应报"), default=0, editable=False)
    # The task's light, kept here too so that a unit's red tasks are counted without a join.
    light = models.CharField(
        _("红黄绿灯"), max_length=10, choices=Light, default=Light.GREEN, editable=False
    )
    reports_on_time = models.PositiveIntegerField(_("按时报送"), default=0, editable=False)
    # Its plan is archived: counts leave it out without joining the task and the plan.
    archived = models.BooleanField(_("方案已归档"), default=False, editable=False)
    # Its task's plan, stored with its standing: a reader's scope (the plans they read) and
    # the counts per unit filter on it without joining every row to its task.
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # in the unit counts' index
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任部门")
        verbose_name_plural = _("责任部门")
        ordering = ["task_id", "role", "seq"]  # the column: no join to the task and plan
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"], name="%(app_label)s_%(class)s_unique_task_unit"
            ),
        ]
        indexes = [
            # A plan's units counted from the index alone (their tallies), and a reader's
            # rows found along it by plan.
            models.Index(
                fields=[
                    "plan",
                    "unit",
                    "archived",
                    "reporting",
                    "light",
                    "reports_expected",
                    "reports_on_time",
                ],
                name="tasks_resp_unit_counts",
            ),
        ]

    def __str__(self):
        return f"{self.unit}（{self.get_role_display()}）"

    def save(self, *args, **kwargs):
        if self.plan_id is None and self.task_id:
            self.plan_id = self.task.plan_id
        super().save(*args, **kwargs)

    @property
    def owed_period(self):
        """The period of the report the unit owes, as the last refresh stored it."""
        start = self.reporting_period
        return start and period_containing(self.task.plan, start)


class Indicator(models.Model):
    """A quantified target in a task (量化指标), e.g. 年度开展培训 ≥ 2000 人次."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "≥"
        AT_MOST = "<=", "≤"
        EQUAL = "=", "="

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标"), max_length=100)
    comparator = models.CharField(
        _("比较"), max_length=2, choices=Comparator, default=Comparator.AT_LEAST
    )
    target = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    seq = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")
        ordering = ["task_id", "seq"]  # the column: no join to the task and plan
        constraints = [
            models.UniqueConstraint(
                fields=["task", "name"], name="%(app_label)s_%(class)s_unique_task_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.get_comparator_display()} {self.target.normalize():f}{self.unit}"
