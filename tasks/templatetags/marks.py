"""Marks that lists repeat on every row, built in Python: an include per cell costs more than
the rest of a row. Text is escaped by format_html as a template would."""

from django import template
from django.utils.html import format_html, format_html_join

from tasks.models import Light

register = template.Library()
LABELS = dict(Light.choices)


@register.simple_tag
def light(value, reasons=()):
    """红黄绿灯 as a coloured mark, with its reasons as the title."""
    title = format_html(' title="{}"', "；".join(reasons)) if reasons else ""
    label = LABELS.get(value, Light.DONE.label)
    return format_html('<span class="light light-{}"{}>{}</span>', value, title, label)


@register.simple_tag
def unit_list(units, lead=False):
    """Units as chips (the lead ones marked), or a dash when there are none."""
    if not units:
        return format_html('<span class="muted">{}</span>', "—")
    css = "unit-chip unit-lead" if lead else "unit-chip"
    return format_html_join(
        "", '<span class="{}">{}</span>', ((css, u.display_name) for u in units)
    )
