"""The office's forms: a new version of the rules, a 加减分, and the as-of date of a score."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reform.forms import DATE_ERRORS, date_input
from tasks.models import Plan, ScoreAdjustment, ScoreRules
from tasks.scoring.rules import ADJUSTMENTS, ITEMS, PER_EVENT, ROLE_CHOICES, SUGGESTED, RuleItem
from tasks.scoring.rules import rule_items as items_of

MAX_POINTS = Decimal(1000)


def date_field(label, example, **kwargs):
    return forms.DateField(
        label=label, widget=date_input(example), error_messages=DATE_ERRORS, **kwargs
    )


def points_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_POINTS,
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": gettext_lazy("请填写数字。"),
            "min_value": gettext_lazy("分值不能为负数。"),
            "max_value": gettext_lazy("分值不能超过1000。"),
            "max_decimal_places": gettext_lazy("分值最多两位小数。"),
        },
        **kwargs,
    )


class AsOfForm(forms.Form):
    as_of = date_field(gettext_lazy("截至日期"), "2023-12-31", required=False)


class RulesForm(forms.Form):
    """A new version of the rules, for one plan or as the office's default: per item its
    points (empty or 0: not scored), whom it counts (牵头 only, or 配合 too) and its cap."""

    plan = forms.ModelChoiceField(
        label=gettext_lazy("适用范围"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=gettext_lazy("本办所有方案（默认规则）"),
    )
    effective_from = date_field(gettext_lazy("起用日期"), "2023-01-01")
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=200, required=False)

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        plans = Plan.objects.filter(office=office).defer("source_text").order_by("-year", "title")
        self.fields["plan"].queryset = plans
        self.initial.setdefault("effective_from", timezone.localdate())
        for key, kind in ITEMS.items():
            if kind.measure != ADJUSTMENTS:
                label = _("每次扣分") if kind.measure == PER_EVENT else _("满分")
                self.fields[f"{key}_points"] = points_field(label)
            else:
                self.fields[f"{key}_on"] = forms.BooleanField(label=_("计入"), required=False)
            if kind.by_role:
                self.fields[f"{key}_roles"] = forms.ChoiceField(
                    label=_("计分单位"), choices=ROLE_CHOICES, required=False
                )
            if kind.measure != "rate":
                self.fields[f"{key}_cap"] = points_field(_("上限（空为不设）"))

    def start_from(self, rules):
        """Fills the items from a version of the rules (or the suggested ones)."""
        items = items_of(rules) if rules else [RuleItem.read(row) for row in SUGGESTED]
        for item in items:
            self.initial[f"{item.item}_points"] = item.points_text
            self.initial[f"{item.item}_on"] = True
            self.initial[f"{item.item}_roles"] = item.roles
            self.initial[f"{item.item}_cap"] = item.cap_text

    def item_rows(self):
        """The item fields by item, for the template's table."""
        return [
            {
                "label": kind.label,
                "explain": kind.explain,
                "fields": [f for f in self if f.name.startswith(f"{key}_")],
            }
            for key, kind in ITEMS.items()
        ]

    def clean(self):
        cleaned = super().clean()
        items = []
        for key, kind in ITEMS.items():
            points = cleaned.get(f"{key}_points") or Decimal(0)
            if kind.measure == ADJUSTMENTS and not cleaned.get(f"{key}_on"):
                continue
            if kind.measure != ADJUSTMENTS and not points:
                continue
            cap = cleaned.get(f"{key}_cap") or None
            roles = cleaned.get(f"{key}_roles") or "all"
            items.append(RuleItem(key, points, roles, cap).stored())
        if not items:
            raise ValidationError(_("请至少设定一个评分项的分值。"))
        cleaned["items"] = items
        return cleaned

    @transaction.atomic
    def save(self, user) -> ScoreRules:
        plan = self.cleaned_data["plan"]
        versions = ScoreRules.objects.select_for_update().filter(office=self.office, plan=plan)
        latest = versions.aggregate(n=Max("version"))["n"] or 0
        rules = ScoreRules(
            office=self.office,
            plan=plan,
            version=latest + 1,
            effective_from=self.cleaned_data["effective_from"],
            items=self.cleaned_data["items"],
            note=self.cleaned_data["note"],
            created_by=user,
        )
        rules.full_clean()
        rules.save()
        return rules


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = ScoreAdjustment
        fields = ["unit", "plan", "given_on", "points", "reason"]
        widgets = {
            "given_on": date_input("2023-11-20"),
            "reason": forms.TextInput(
                attrs={"placeholder": gettext_lazy("如：经验做法被省级推广")}
            ),
        }
        error_messages = {
            "given_on": DATE_ERRORS,
            "points": {"invalid": gettext_lazy("请填写数字，加分为正，扣分为负。")},
        }

    def __init__(self, *args, office, units, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.office = office
        self.fields["unit"].queryset = units
        self.fields["plan"].queryset = plans
        self.fields["plan"].empty_label = _("不限方案（只计入年度得分）")
        self.initial.setdefault("given_on", timezone.localdate())
