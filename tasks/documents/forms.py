"""Forms of the plan import: the document, then the parsed plan to correct before saving."""

import json
import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tasks.documents.files import MAX_DOCUMENT
from tasks.documents.names import NAME_SPLIT
from tasks.documents.plan import ParsedPlan, ParsedSection, ParsedTask
from tasks.documents.targets import ParsedIndicator
from tasks.models import Plan
from units.models import Unit
from units.roles import office_ids

INDICATOR_LINE = re.compile(
    r"^(?P<name>.+?)\s*(?P<cmp>≥|>=|≤|<=|=)\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>\S{0,20})$"
)
COMPARATORS = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", "=": "="}
SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}
# A date input takes ISO dates only, whatever the language's display format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanSettingsForm(forms.Form):
    SETTINGS = ("office", "level", "issuing_unit", "parent")  # carried into the preview

    office = forms.ModelChoiceField(
        label=_("产改办"),
        queryset=Unit.objects.none(),
        help_text=_("方案归属的产改办：其督办员管理本方案"),
        error_messages={"required": _("请选择方案归属的产改办。")},
    )
    level = forms.ChoiceField(label=_("层级"), choices=Plan.Level.choices, initial=Plan.Level.PARK)
    issuing_unit = forms.ModelChoiceField(
        label=_("印发单位"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    parent = forms.ModelChoiceField(
        label=_("上级方案"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("设置后可对照上级方案，找出尚未落实的措施"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = Unit.objects.offices()
        if not user.is_superuser:
            offices = offices.filter(pk__in=office_ids(user))
        self.fields["office"].queryset = offices
        # One office: it is the plan's, chosen without asking.
        self.only_office = offices[0] if len(offices) == 1 else None
        if self.only_office:
            self.fields["office"].required = False
            self.fields["office"].empty_label = None
        self.fields["parent"].queryset = Plan.objects.visible_to(user).defer("source_text")

    def clean_office(self):
        return self.cleaned_data["office"] or self.only_office


class PlanSourceForm(PlanSettingsForm):
    text = forms.CharField(
        label=_("粘贴方案全文"),
        required=False,
        strip=False,  # kept exactly as issued: it is stored as the plan's source text
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    file = forms.FileField(label=_("或上传文件（.txt / .docx / .pdf）"), required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and upload.size > MAX_DOCUMENT:
            self.add_error("file", _("文件超过10MB。"))
        if not upload and not (cleaned.get("text") or "").strip():
            raise ValidationError(_("请粘贴方案全文，或上传方案文件。"))
        return cleaned


class PlanPreviewForm(PlanSettingsForm):
    title = forms.CharField(label=_("方案标题"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    doc_number = forms.CharField(label=_("文号"), max_length=50, required=False)
    issued_on = forms.DateField(label=_("印发日期"), required=False, widget=DATE_INPUT)
    starts_on = forms.DateField(
        label=_("执行起始"), required=False, widget=DATE_INPUT, help_text=_("空则为年度1月1日")
    )
    ends_on = forms.DateField(
        label=_("执行截止"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("年度工作要点为当年12月31日；空表示长期执行"),
    )
    source = forms.CharField(widget=forms.HiddenInput, strip=False)
    structure = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("执行截止不能早于执行起始。"))
        return cleaned

    def clean_structure(self):
        try:
            sections = json.loads(self.cleaned_data["structure"])
            return [(s["code"], s["title"], int(s["tasks"])) for s in sections]
        except (ValueError, KeyError, TypeError):
            raise ValidationError(_("预览数据已损坏，请重新解析。")) from None


class TaskPreviewForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=20)
    title = forms.CharField(label=_("任务"), max_length=200)
    lead = forms.CharField(label=_("牵头"), required=False, max_length=500)
    support = forms.CharField(label=_("配合"), required=False, max_length=1000)
    due = forms.DateField(label=_("完成时限"), required=False, widget=DATE_INPUT)
    # A deadline that is no date (长期坚持, 每季度): no 完成时限; the words go into the content.
    due_text = forms.CharField(
        label=_("时限说明"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("如：长期坚持")}),
    )
    indicators = forms.CharField(
        label=_("量化指标"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    content = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_indicators(self):
        rows = []
        for line in self.cleaned_data["indicators"].splitlines():
            if not line.strip():
                continue
            match = INDICATOR_LINE.match(line.strip())
            if not match:
                raise ValidationError(
                    _("“%(line)s”格式不对，应为：名称 ≥ 数值 计量单位"), params={"line": line}
                )
            rows.append(
                ParsedIndicator(
                    match["name"][:100],
                    COMPARATORS[match["cmp"]],
                    Decimal(match["value"]),
                    match["unit"],
                )
            )
        return rows


def names(text):
    return [n for n in NAME_SPLIT.split(text or "") if n]


TaskPreviewFormSet = forms.formset_factory(TaskPreviewForm, extra=0, max_num=500, validate_max=True)


def preview_initial(parsed: ParsedPlan):
    plan = {
        "title": parsed.title,
        "year": parsed.year or date.today().year,
        "doc_number": parsed.doc_number,
        "issued_on": parsed.issued_on,
        "starts_on": parsed.starts_on,
        "ends_on": parsed.ends_on,
        "structure": json.dumps(
            [{"code": s.code, "title": s.title, "tasks": len(s.tasks)} for s in parsed.sections],
            ensure_ascii=False,
        ),
    }
    tasks = [
        {
            "code": t.code,
            "title": t.title,
            "lead": "、".join(t.lead),
            "support": "、".join(t.support),
            "due": t.due,
            "due_text": t.due_text,
            "indicators": "\n".join(
                f"{i.name} {SYMBOLS[i.comparator]} {i.value.normalize():f} {i.unit}".strip()
                for i in t.indicators
            ),
            "content": t.content,
        }
        for t in parsed.tasks
    ]
    return plan, tasks


def edited_plan(plan_form, task_formset) -> ParsedPlan:
    """The plan as corrected in the preview (both forms valid)."""
    data = plan_form.cleaned_data
    forms_iter = iter(task_formset.forms)
    sections = []
    for code, title, count in data["structure"]:
        section = ParsedSection(code, title)
        for _n in range(count):
            form = next(forms_iter, None)
            if form is None:
                raise ValidationError(_("预览数据已损坏，请重新解析。"))
            task = form.cleaned_data
            section.tasks.append(
                ParsedTask(
                    code=task["code"],
                    title=task["title"],
                    content=task["content"],
                    lead=names(task["lead"]),
                    support=names(task["support"]),
                    due=task["due"],
                    indicators=task["indicators"],
                    due_text=task["due_text"],
                )
            )
        sections.append(section)
    return ParsedPlan(
        title=data["title"],
        year=data["year"],
        sections=sections,
        doc_number=data["doc_number"],
        issued_on=data["issued_on"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
