"""The rows of task lists, dashboards and unit pages, built in Python as the report articles
are (tasks.articles): through the template engine a task list's row took 0.43 ms, fifty of
them most of a list seen for the first time. Each is what its template was, but for the
white space between tags; text is escaped by format_html as a template would."""

from django.template.defaultfilters import date as date_format
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from tasks.models import Light

LABELS = dict(Light.choices)


def light(value, reasons=()):
    """红黄绿灯 as a coloured mark, with its reasons as the title."""
    title = format_html(' title="{}"', "；".join(reasons)) if reasons else ""
    label = LABELS.get(value, Light.DONE.label)
    return format_html('<span class="light light-{}"{}>{}</span>', value, title, label)


def unit_list(units, lead=False):
    """Units as chips (the lead ones marked), or a dash when there are none."""
    if not units:
        return format_html('<span class="muted">{}</span>', "—")
    css = "unit-chip unit-lead" if lead else "unit-chip"
    return format_html_join(
        "", '<span class="{}">{}</span>', ((css, u.display_name) for u in units)
    )


def task_row(task, **context):
    """A plan dashboard's row of a task (with `with_units()`), by section."""
    return format_html(
        '\n<tr>\n  <td class="col-code">{}</td>\n'
        '  <td class="task-title"><a href="{}">{}</a></td>\n'
        '  <td class="col-units" data-label="{}">{}</td>\n'
        '  <td class="col-units" data-label="{}">{}</td>\n'
        '  <td class="col-status">{}</td>\n'
        '  <td class="col-status">{}</td>\n</tr>\n',
        task.code,
        task.get_absolute_url(),
        task.title,
        _("牵头"),
        unit_list(task.lead_units, lead=True),
        _("配合"),
        unit_list(task.support_units),
        status(task),
        light(task.light, task.reasons),
    )


def task_list_row(task, **context):
    """The task list's row of a task (with `with_units()`)."""
    return format_html(
        '\n<tr>\n  <td class="col-code">{}</td>\n'
        '  <td class="item-title"><a href="{}">{}</a><div class="muted small">{}</div></td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n</tr>\n',
        task.code,
        task.get_absolute_url(),
        task.title,
        task.plan.title,
        _("牵头"),
        unit_list(task.lead_units, lead=True),
        _("配合"),
        unit_list(task.support_units),
        _("完成时限"),
        day(task.due_on),
        _("状态"),
        status(task),
        _("完成进度"),
        progress(task),
        _("红黄绿灯"),
        light(task.light, task.reasons),
        _("最近填报"),
        day(task.last_reported_on),
    )


def attention_row(task, can_review=False, **context):
    """A plan dashboard's row of a task needing attention, with its reasons and, for the
    office, its 催办 button."""
    remind = ""
    if can_review:
        remind = format_html(
            '<td>\n    <button type="submit" form="remind" formaction="{}"'
            ' class="button button-small">{}</button>\n  </td>',
            reverse("tasks:remind_task", args=[task.pk]),
            _("催办"),
        )
    return format_html(
        "\n<tr>\n  <td>{}</td>\n"
        '  <td><a href="{}"><span class="task-code">{}</span>{}</a></td>\n'
        '  <td class="small">{}</td>\n  {}\n</tr>\n',
        light(task.light),
        task.get_absolute_url(),
        task.code,
        task.title,
        format_html_join("；", "{}", ((reason,) for reason in task.reasons)),
        remind,
    )


def unit_item_row(item, unit=None, is_member=False, **context):
    """A unit page's row of one of its items (tasks.selectors.UnitItem)."""
    task = item.task
    closed = format_html(' <span class="badge">{}</span>', _("已办结")) if task.is_closed else ""
    report = ""
    if is_member and not task.is_closed:
        url = reverse("tasks:report", args=[task.pk])
        report = format_html(
            '<a class="button button-small" href="{}?unit={}">{}</a>', url, unit, _("填报")
        )
    return format_html(
        "\n<tr>\n"
        '  <td class="item-title">\n'
        '    <a href="{}"><span class="task-code">{}</span>{}</a>\n'
        '    <div class="muted small">{}</div>\n  </td>\n'
        '  <td data-label="{}">{}{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}</td>\n'
        "  <td>{}</td>\n</tr>\n",
        task.get_absolute_url(),
        task.code,
        task.title,
        task.plan.title,
        _("状态"),
        status(task),
        closed,
        _("完成进度"),
        progress(task),
        _("红黄绿灯"),
        light(task.light, task.reasons),
        _("完成时限"),
        day(task.due_on),
        _("最近报送"),
        day(task.last_sent_on),
        _("本期报告"),
        reporting(item.reporting),
        report,
    )


def reporting(owed):
    """The report a unit owes now, as its unit page says it."""
    if owed.state == "overdue":
        return format_html(
            '<span class="due">{}</span>', _("%(period)s逾期未报") % {"period": owed.period.label}
        )
    if owed.state == "due":
        return format_html(
            '<span class="pending">{}</span><div class="muted small">{}</div>',
            _("%(period)s待报") % {"period": owed.period.label},
            _("%(date)s前") % {"date": day(owed.period.deadline)},
        )
    if owed.state == "sent":
        return format_html('<span class="ok">{}</span>', _("已报"))
    return "—"


def status(task):
    return format_html(
        '<span class="status status-{}">{}</span>', task.status, task.get_status_display()
    )


def progress(task):
    return format_html('<progress max="100" value="{}"></progress> {}%', task.percent, task.percent)


def day(value):
    return date_format(value, "Y-m-d") or "—"


def unit_stat_row(row, can_review=False, **context):
    """A plan dashboard's row of counts for a responsible unit (tasks.dashboard.Row), with
    its 催办 button for the office."""
    remind = ""
    if can_review:
        remind = format_html(
            '<td>\n      <button type="submit" form="remind" formaction="{}"'
            ' class="button button-small"{}>{}</button>\n    </td>',
            reverse("tasks:remind_unit", args=[row.obj.pk]),
            "" if row.owed else " disabled",
            _("催办"),
        )
    return format_html(
        '\n  <tr>\n    <td><a href="{}">{}</a></td>\n    {}\n'
        '    <td class="num">{}</td>\n'
        '    <td class="num">{}</td>\n    {}\n  </tr>\n',
        row.obj.get_absolute_url(),
        row.label,
        linked_counts(row, "lead", "support", "done", "in_progress", "red"),
        row.owed,
        "—" if row.on_time_rate is None else f"{row.on_time_rate}%",
        remind,
    )


def plan_stat_row(row, **context):
    """The overview's row of counts for a plan."""
    plan = row.obj
    number = f" · {plan.doc_number}" if plan.doc_number else ""
    return format_html(
        '\n<tr>\n  <td><a href="{}">{}</a><div class="muted small">{} · {}{}</div></td>\n'
        "  {}\n</tr>\n",
        plan.get_absolute_url(),
        row.label,
        plan.get_level_display(),
        plan.year,
        number,
        row_links(row),
    )


def row_links(row):
    """A row's counts of tasks in all, done, in progress, red and yellow, each linked to the
    task list filtered by it, and its completion."""
    return format_html(
        '{}\n<td class="num">{}%</td>\n',
        linked_counts(row, "all", "done", "in_progress", "red", "yellow"),
        row.completion,
    )


# The counts a row's links (tasks.dashboard.Links) name that are not fields of the same name.
COUNTED = {"all": "total", "lead": "led", "support": "supported"}
COLOURED = ("red", "yellow")


def linked_counts(row, *names):
    """The row's counts of these names, each linked to the task list filtered by it."""
    cells = []
    for name in names:
        link = row.links[name]
        if name in COLOURED:
            cell = '<td class="num"><a href="{}" class="n-{}">{}</a></td>'
            cells.append(format_html(cell, link, name, row.lights[name]))
        else:
            cell = '<td class="num"><a href="{}">{}</a></td>'
            cells.append(format_html(cell, link, getattr(row, COUNTED.get(name, name))))
    return format_html_join("\n", "{}", ((cell,) for cell in cells))


def unit_rank_row(row, **context):
    """The overview's row of a unit ranked by its reports sent on time."""
    links = row.links
    return format_html(
        '\n<tr>\n  <td class="rank">{}</td>\n'
        '  <td><a href="{}">{}</a></td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}</td>\n'
        '  <td class="num"><progress max="100" value="{}"></progress> {}%</td>\n'
        '  <td class="num"><a href="{}" class="n-red">{}</a></td>\n'
        '  <td class="num">{}</td>\n</tr>\n',
        row.rank,
        links["all"],
        row.label,
        row.expected,
        row.on_time,
        row.on_time_rate,
        row.on_time_rate,
        links["red"],
        row.lights["red"],
        row.owed,
    )
