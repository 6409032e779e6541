"""A form field as every form shows it: label, widget, help and errors.

A tag rather than an included template: an include costs a template context of its own per
field, a third of the time of rendering the report form.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
REQUIRED = mark_safe(' <span class="required">*</span>')  # noqa: S308 - a constant


@register.simple_tag
def field(bound):
    required = REQUIRED if bound.field.required else ""
    help_text = format_html('<p class="help">{}</p>', bound.help_text) if bound.help_text else ""
    errors = format_html_join("", '<p class="error">{}</p>', ((e,) for e in bound.errors))
    return format_html(
        '<div class="field{}">\n  <label for="{}">{}{}</label>\n  {}\n  {}\n  {}\n</div>',
        " field-error" if bound.errors else "",
        bound.id_for_label,
        bound.label,
        required,
        bound,
        help_text,
        errors,
    )
