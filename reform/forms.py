from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form rendering through the project's templates, where a field renders as
    every form of ours shows it (`{{ field.as_field_group }}`)."""

    field_template_name = "includes/_field.html"
