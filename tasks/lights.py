"""红黄绿灯: one place that says how a task stands (see the help page for the rules)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks.models import Task

WARNING_DAYS = 15


class Light(models.TextChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    DONE = "done", _("已完成")


def task_light(task: Task, today) -> Light:
    """Red past due and not done; yellow when due within the warning window; green otherwise."""
    if task.status == Task.Status.DONE or task.is_closed:
        return Light.DONE
    if task.due_on is None:
        return Light.GREEN
    if task.due_on < today:
        return Light.RED
    if (task.due_on - today).days <= WARNING_DAYS:
        return Light.YELLOW
    return Light.GREEN
