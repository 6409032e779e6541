"""Marks that lists repeat on every row, built in Python: an include per cell costs more than
the rest of a row. Text is escaped by format_html as a template would. Rows themselves come
from tasks.pages.rows: rendered once per state of what they show."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from tasks.articles import report_article
from tasks.models import Light, Task
from tasks.pages import (
    cached_rows,
    plan_state,
    rows,
    stat_state,
    task_state,
)
from tasks.selectors import article_reports, by_id, task_row_heads, unit_item

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


@register.simple_tag
def task_rows(template, tasks, **context):
    """A row per task (with `with_units()`) through `template`."""
    return joined(rows(template, tasks, task_state, **context))


@register.simple_tag
def task_rows_by_id(template, ids, **context):
    """A row per task id through `template`, keyed by what the row shows
    (tasks.selectors.task_row_heads): only the tasks whose row is not cached are read."""
    heads = task_row_heads(ids)
    ids = [pk for pk in ids if pk in heads]  # a task deleted meanwhile has no row
    load = loader(reading(Task.objects.with_units()), ids)
    return joined(cached_rows(template, [heads[pk] for pk in ids], load, "task", context))


@register.simple_tag
def stat_rows(template, stats, **context):
    """A row of counts per unit or section (tasks.dashboard.Row): its fields are its state."""
    return joined(rows(template, stats, stat_state, name="row", **context))


@register.simple_tag
def unit_item_rows(heads, **context):
    """A row per item of a unit page (tasks.selectors.unit_items): only the tasks of the
    items whose row is not cached are read."""
    ids = [head.task_id for head in heads]
    load = loader(reading(Task.objects.with_plan()), ids, lambda i, task: unit_item(heads[i], task))
    return joined(cached_rows("tasks/_unit_item.html", heads, load, "item", context))


@register.simple_tag
def report_rows(heads, **context):
    """Each report (tasks.pages.report_heads) as its article (tasks.articles): only the
    reports whose article is not cached are read."""
    load = loader(article_reports, [head[0] for head in heads])
    return joined(cached_rows(report_article, heads, load, "report", context))


@register.simple_tag
def article(report):
    """A report's article (tasks.articles), as a review card shows it."""
    return report_article(report)


def loader(read, ids, item=lambda i, obj: obj):
    """How cached_rows reads the items of the rows it lacks: by their ids (`ids[i]` for row
    i), all at once (`read(ids)` gives them by id), each made into `item(i, obj)`."""

    def load(missing):
        found = read([ids[i] for i in missing])
        return {i: item(i, found[ids[i]]) for i in missing if ids[i] in found}

    return load


def reading(queryset):
    """A `read` for `loader`: the objects of `queryset` with the ids asked for."""
    return lambda ids: by_id(queryset, ids)


@register.simple_tag
def review_rows(heads):
    """Each report awaiting review (tasks.selectors.review_card_heads), with its task and
    the accept and return forms: only the reports whose card is not cached are read."""
    load = loader(article_reports, [head[0] for head in heads])
    return joined(cached_rows("tasks/_review_card.html", heads, load, "report", {}))


@register.simple_tag
def excel_rows(plans, **context):
    """A plan's 填报模板 download (and upload) links on a unit page."""
    return joined(rows("tasks/_excel_row.html", plans, plan_state, name="plan", **context))


def joined(html_rows):
    return mark_safe("".join(html_rows))  # noqa: S308 - rows rendered from our templates
