"""The template tags of lists and pages: the marks every row repeats and the rows themselves,
built in Python (tasks.rows, tasks.articles: an include per cell cost more than the rest of a
row), each row made once per state of what it shows (tasks.pages.rows)."""

from django import template
from django.utils.safestring import mark_safe

from tasks.articles import report_article
from tasks.pages import (
    cached_rows,
    keep_row,
    plan_state,
    report_head,
    rows,
    stat_state,
    task_state,
)
from tasks.rows import (
    attention_row,
    light,
    plan_stat_row,
    row_links,
    task_list_row,
    task_row,
    unit_item_row,
    unit_list,
    unit_rank_row,
    unit_stat_row,
)
from tasks.selectors import (
    article_reports,
    task_row_heads,
    tasks_with_plans,
    tasks_with_units,
    unit_item,
)

register = template.Library()
register.simple_tag(light)
register.simple_tag(unit_list)
register.simple_tag(row_links)
# The rows a template names (tasks.rows).
ROWS = {"task_row": task_row, "task_list_row": task_list_row, "attention_row": attention_row}
# The rows of counts a template names (tasks.rows), each of a tasks.dashboard.Row.
STAT_ROWS = {
    "unit_stat_row": unit_stat_row,
    "plan_stat_row": plan_stat_row,
    "unit_rank_row": unit_rank_row,
}


@register.simple_tag
def task_rows(row, tasks, **context):
    """A row per task (with `with_units()`), made by the builder `row` names (ROWS)."""
    return joined(rows(ROWS[row], tasks, task_state, **context))


@register.simple_tag
def task_rows_by_id(row, ids, **context):
    """A row per task id, made by the builder `row` names (ROWS), keyed by what the row
    shows (tasks.selectors.task_row_heads): only the tasks whose row is not cached are
    read."""
    heads = task_row_heads(ids)
    ids = [pk for pk in ids if pk in heads]  # a task deleted meanwhile has no row
    load = loader(tasks_with_units, ids)
    return joined(cached_rows(ROWS[row], [heads[pk] for pk in ids], load, "task", context))


@register.simple_tag
def stat_rows(row, stats, **context):
    """A row of counts per unit or plan (tasks.dashboard.Row), made by the builder `row`
    names (STAT_ROWS): its fields are its state."""
    return joined(rows(STAT_ROWS[row], stats, stat_state, **context))


@register.simple_tag
def unit_item_rows(heads, **context):
    """A row per item of a unit page (tasks.selectors.unit_items): only the tasks of the
    items whose row is not cached are read."""
    ids = [head.task_id for head in heads]
    load = loader(tasks_with_plans, ids, lambda i, task: unit_item(heads[i], task))
    return joined(cached_rows(unit_item_row, heads, load, "item", context))


@register.simple_tag
def report_rows(heads, reporting_units=()):
    """Each report (its head: tasks.selectors.task_report_heads) as its article
    (tasks.articles), with the edit link for the units the reader reports for: only the
    reports whose article is not cached are read."""
    load = loader(article_reports, [head[0] for head in heads])
    context = {"reporting_units": reporting_units}
    return joined(cached_rows(report_article, heads, load, "report", context))


def keep_article(report, reporting_units):
    """Caches the article of a report just written, with what its article shows at hand
    (`figure_list`, `file_list`), where `report_rows` will look for it on the task page its
    writer lands on: that page need not read the report again."""
    keep_row(report_article, report_head(report), report, {"reporting_units": reporting_units})


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
