from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# A date typed in a text box (a date input speaks the browser's language): what a wrong one says.
DATE_ERRORS = {"invalid": _("请按 2023-09-30 的格式填写日期。")}


def date_input(example):
    """A text box for a date, with an example of how to type it (如 2023-09-30)."""
    return forms.TextInput(attrs={"placeholder": format_lazy(_("如 {day}"), day=example)})


class FormRenderer(TemplatesSetting):
    """Django's form rendering through the project's templates, where a field renders as
    every form of ours shows it (`{{ field.as_field_group }}`)."""

    field_template_name = "includes/_field.html"
