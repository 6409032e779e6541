from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with one page parameter set: pages of two lists side by side
    each keep the other's place."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
