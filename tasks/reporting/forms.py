from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tasks.models import ProgressReport, ReportFigure, Task
from tasks.reporting.uploads import MultipleFileField
from tasks.standing.periods import plan_periods


class ReportForm(forms.ModelForm):
    """The report a responsible unit fills in: texts, status, percent and indicator values."""

    period = forms.TypedChoiceField(
        label=_("填报周期"),
        coerce=date.fromisoformat,
        error_messages={
            "invalid_choice": _("请选择列出的填报周期：只能填报方案执行期内尚未报送的周期。")
        },
    )
    percent = forms.IntegerField(
        label=_("完成进度（%）"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        error_messages={"invalid": _("请输入0到100之间的整数。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachments = MultipleFileField(label=_("佐证材料"), required=False)

    class Meta:
        model = ProgressReport
        fields = ["status", "percent", "progress", "problems", "next_steps"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"progress": {"required": _("请填写工作进展。")}}

    def __init__(self, *args, task: Task, today, taken=frozenset(), **kwargs):
        """`taken`: the periods the unit has reported on the task in other reports."""
        super().__init__(*args, **kwargs)
        self.task = task
        periods = plan_periods(task.plan, today)
        self.fields["period"].choices = [
            (p.start.isoformat(), p.label) for p in periods if p.start not in taken
        ]
        if sent := [p.label for p in periods if p.start in taken]:
            self.fields["period"].help_text = _("已报送：%(periods)s") % {
                "periods": "、".join(sent)
            }
        if self.instance.period:
            self.initial["period"] = self.instance.period.isoformat()
        self.indicators = list(task.indicators.all())
        current = (
            {f.indicator_id: f.value for f in self.instance.figures.all()}
            if (self.instance.pk)
            else {}
        )
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name,
                help_text=_("目标：%(target)s") % {"target": indicator},
                required=False,
                min_value=0,
                max_digits=16,
                decimal_places=2,
                initial=current.get(indicator.pk),
            )
        self.fields["status"].choices = [
            c for c in Task.Status.choices if c[0] != Task.Status.NOT_STARTED
        ]
        self.initial.setdefault("version", self.instance.version if self.instance.pk else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Task.Status.DONE and cleaned.get("percent") not in (None, 100):
            self.add_error("percent", _("状态为“已完成”时，完成进度应为100%。"))
        return cleaned

    def report_values(self):
        return {k: self.cleaned_data[k] for k in [*self.Meta.fields, "period"]}

    def indicator_figures(self):
        return [
            {
                "indicator": indicator,
                "name": indicator.name,
                "value": self.cleaned_data[f"indicator_{indicator.pk}"],
                "unit": indicator.unit,
            }
            for indicator in self.indicators
            if self.cleaned_data.get(f"indicator_{indicator.pk}") is not None
        ]


class FigureForm(forms.ModelForm):
    """A free figure: a number the report states that no indicator asks for."""

    class Meta:
        model = ReportFigure
        fields = ["name", "value", "unit", "is_approximate"]
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": _("如：培训人次")}),
            "unit": forms.TextInput(attrs={"placeholder": _("如：人次"), "size": 6}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") is not None and not cleaned.get("name"):
            self.add_error("name", _("请填写数据名称。"))
        return cleaned


class BaseFigureFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        names = [row["name"] for row in self.rows()]
        if len(names) != len(set(names)):
            raise ValidationError(_("数据名称不能重复。"))

    def rows(self):
        """The free figures filled in; blank rows are skipped."""
        return [
            {k: form.cleaned_data[k] for k in ("name", "value", "unit", "is_approximate")}
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("value") is not None
        ]


FigureFormSet = forms.formset_factory(
    FigureForm, formset=BaseFigureFormSet, extra=3, max_num=30, validate_max=True
)
