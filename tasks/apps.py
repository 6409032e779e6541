from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("任务督办")

    def ready(self):
        from tasks.standing.refresh import TASKS_OF, row_written

        for label in TASKS_OF:
            model = apps.get_model(label)
            post_save.connect(row_written, sender=model, dispatch_uid=f"standing-save-{label}")
            post_delete.connect(row_written, sender=model, dispatch_uid=f"standing-del-{label}")
