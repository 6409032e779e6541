from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Least


def place_all(apps, schema_editor):
    """Stores where every task stands in its units' lists (tasks.models.plans.place)."""
    Responsibility = apps.get_model("tasks", "Responsibility")
    Task = apps.get_model("tasks", "Task")
    year, seq = Least("plan__year", Value(9999)), Least("seq", Value(10**6 - 1))
    key = year * 10**14 + F("plan_id") * 10**6 + seq
    task = Task.objects.filter(pk=OuterRef("task_id")).annotate(key=key).values("key")
    Responsibility.objects.update(sort_key=Subquery(task))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0008_child_rows_ordered_by_parent_column"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="responsibility",
            name="sort_key",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="排序"),
        ),
        migrations.RunPython(place_all, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="responsibility",
            index=models.Index(fields=["unit", "role", "sort_key"], name="tasks_resp_unit_list"),
        ),
    ]
