from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tasks.models.fields import user_field
from tasks.models.plans import Plan
from units.models import Unit


class ScoreRulesQuerySet(models.QuerySet):
    def in_force(self, office, plan, day):
        """The version in force on `day` for a plan (its own rules, else the office's
        default), or for the office's year (`plan=None`: the default)."""
        rules = self.filter(office=office, effective_from__lte=day)
        rules = rules.filter(Q(plan=plan) | Q(plan=None)) if plan else rules.filter(plan=None)
        # A plan's own rules win over the default: nulls (the default) sort after a plan.
        return rules.order_by(
            models.F("plan").asc(nulls_last=True), "-effective_from", "-version"
        ).first()


class ScoreRules(models.Model):
    """考核评分办法: what an office scores units on, one version in force from a date.

    A version is never changed once saved: editing the rules saves the next version, so that
    a score worked out for a past period keeps the rules it was worked out with.
    `items`: [{"item": kind, "points": "30", "roles": "all"|"lead", "cap": "10"}] with the
    kinds of tasks.scoring.rules.ITEMS, in their order.
    """

    office = models.ForeignKey(
        Unit,
        verbose_name=_("产改办"),
        on_delete=models.CASCADE,
        limit_choices_to={"is_office": True},
        related_name="score_rules",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("适用方案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="score_rules",
        help_text=_("空表示本办所有方案的默认规则"),
    )
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("起用日期"))
    items = models.JSONField(_("评分项"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    created_by = user_field(_("保存人"))

    objects = ScoreRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分规则")
        verbose_name_plural = _("评分规则")
        ordering = ["office", "plan", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "version"],
                condition=Q(plan=None),
                name="%(app_label)s_%(class)s_default_version",
            ),
            models.UniqueConstraint(
                fields=["plan", "version"], name="%(app_label)s_%(class)s_plan_version"
            ),
        ]

    def __str__(self):
        return _("%(scope)s · 第%(n)d版（%(day)s起）") % {
            "scope": self.plan.title if self.plan_id else _("默认"),
            "n": self.version,
            "day": f"{self.effective_from:%Y-%m-%d}",
        }


class ScoreAdjustmentQuerySet(models.QuerySet):
    def within(self, office, plan, first, last):
        """An office's adjustments dated within [first, last]: those given on the plan, or
        (for a year) all of the office's."""
        rows = self.filter(office=office, given_on__range=(first, last))
        return rows.filter(plan=plan) if plan else rows


class ScoreAdjustment(models.Model):
    """加减分: points an office gives a unit, with the reason (经验被省级推广)."""

    office = models.ForeignKey(
        Unit, verbose_name=_("产改办"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="score_adjustments"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="score_adjustments",
        help_text=_("空表示只计入年度得分"),
    )
    given_on = models.DateField(_("日期"))
    points = models.DecimalField(
        _("分值"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(-100)), MaxValueValidator(Decimal(100))],
        help_text=_("加分为正，扣分为负"),
    )
    reason = models.CharField(_("事由"), max_length=300)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    created_by = user_field(_("录入人"))

    objects = ScoreAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.unit} {self.points:+}（{self.reason}）"

    def clean(self):
        if self.points == 0:
            raise ValidationError({"points": _("分值不能为0。")})


class ScorePublication(models.Model):
    """A ranking the office has published: departments then read every unit's score in it,
    as of the date published, and not only their own."""

    office = models.ForeignKey(
        Unit, verbose_name=_("产改办"), on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    as_of = models.DateField(_("截至日期"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = user_field(_("发布人"))

    class Meta:
        verbose_name = _("排名发布")
        verbose_name_plural = _("排名发布")
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(year__isnull=False),
                name="%(app_label)s_%(class)s_plan_or_year",
            ),
        ]

    def __str__(self):
        return f"{self.plan or self.year} · {self.as_of:%Y-%m-%d}"
