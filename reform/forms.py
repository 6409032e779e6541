from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

# A date typed in a text box (a date input speaks the browser's language): what a wrong one says.
DATE_ERRORS = {"invalid": _("请按 2023-09-30 的格式填写日期。")}


class FormRenderer(TemplatesSetting):
    """Django's form rendering through the project's templates, where a field renders as
    every form of ours shows it (`{{ field.as_field_group }}`)."""

    field_template_name = "includes/_field.html"
