from django import template

from tasks import once

register = template.Library()


@register.inclusion_tag("includes/_once.html")
def once_field():
    """A new one-time token for a form that creates something (tasks.once)."""
    return {"name": once.FIELD, "token": once.new_token()}
