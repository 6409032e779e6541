"""Widgets written in Python: the filter form's select for thousands of plans, and the form
renderer's inputs, textareas and selects. Fast, and printing what Django's own print."""

from datetime import date
from decimal import Decimal

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from reform.widgets import FastSelect, FormRenderer
from tasks.forms import FigureFormSet, ReportForm
from tasks.models import Plan, ProgressReport
from tests.conftest import lvjian_task, make_plan


def test_it_escapes_labels_and_marks_the_choice(db):
    plan = make_plan(title='<script>alert("x")</script>方案')

    class Form(forms.Form):
        plan = forms.ModelChoiceField(
            Plan.objects.all(), empty_label="全部", widget=FastSelect(label_field="title")
        )

    html = str(Form({"plan": plan.pk})["plan"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;方案" in html
    assert f'<option value="{plan.pk}" selected>' in html
    assert '<option value="">全部</option>' in html


def test_it_renders_plain_choices_too():
    widget = FastSelect(choices=[("a", "甲&乙"), ("b", "丙")])
    html = widget.render("kind", "b", attrs={"id": "id_kind"})
    assert html == (
        '<select id="id_kind" name="kind"><option value="a">甲&amp;乙</option>'
        '<option value="b" selected>丙</option></select>'
    )


class Everything(forms.Form):
    """A widget of each kind the Python renderer writes, with values that need escaping."""

    text = forms.CharField(
        initial='a<"b">&\'c',
        help_text="如：培训人次",
        widget=forms.TextInput(attrs={"placeholder": "如：<人次>", "size": 6, "data-on": True}),
    )
    number = forms.IntegerField(initial=1234, min_value=0)
    amount = forms.DecimalField(initial=Decimal("1500.50"), max_digits=16, decimal_places=2)
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on = forms.BooleanField(initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"hidden": False}))
    day = forms.DateField(initial=date(2026, 3, 1), widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    area = forms.CharField(
        initial="第一行\n<第二行> & 第三行", widget=forms.Textarea(attrs={"rows": 3})
    )
    empty = forms.CharField(required=False, widget=forms.Textarea)
    choice = forms.ChoiceField(
        initial="c",
        choices=[
            ("", "—"),
            ("a", "甲<"),
            ("b", mark_safe("<b>乙</b>")),  # noqa: S308 - a constant, to test safe labels
            ("组<", [("c", "丙"), (4, 1234), (5, date(2026, 3, 1))]),
        ],
    )
    several = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")], initial=["1", "2"])


def test_python_widgets_print_what_the_templates_print(db, lvjian):
    stock, fast = DjangoTemplates(), FormRenderer()
    bad = {"text": "<x>", "number": "abc", "amount": "-1", "area": "", "choice": "zzz"}
    for data in (None, bad):
        assert str(Everything(data, renderer=fast)) == str(Everything(data, renderer=stock))
        form = Everything(data, renderer=fast)
        for field in form:
            twin = Everything(data, renderer=stock)[field.name]
            assert (str(field), str(field.errors)) == (str(twin), str(twin.errors))
    task = lvjian_task("5")
    for data in (None, {"period": "x", "percent": "101", "figures-TOTAL_FORMS": "1"}):
        forms_ = [
            ReportForm(
                data,
                instance=ProgressReport(task=task),
                task=task,
                today=date(2023, 5, 20),
                renderer=r,
            )
            for r in (stock, fast)
        ]
        assert str(forms_[0]) == str(forms_[1])
        sets = [
            type("Figures", (FigureFormSet,), {"renderer": r})(data, prefix="figures")
            for r in (stock, fast)
        ]
        assert str(sets[0]) == str(sets[1])


def test_the_python_renderer_is_the_one_forms_use():
    assert isinstance(get_default_renderer(), FormRenderer)
