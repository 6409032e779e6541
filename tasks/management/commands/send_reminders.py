from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks.models import Task
from tasks.reporting.reminders import reminders_due, reminders_send


class Command(BaseCommand):
    help = "催办: e-mails units whose reports are due or overdue (safe to run many times a day)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        tasks = Task.objects.exclude(status=Task.Status.DONE).filter(closed_at=None).with_units()
        items = reminders_due(tasks, today)
        if dry_run:
            for item in items:
                self.stdout.write(f"{item.unit} · {item.task} · {item.period.label} · {item.kind}")
            self.stdout.write(f"{len(items)} reminders due; nothing sent (dry run).")
            return
        sent = reminders_send(items, today=today)
        self.stdout.write(
            f"{len(items)} reminders due, {len(sent.reminders)} sent today to "
            f"{len(sent.reached) + len(sent.unreachable)} units."
        )
        for unit in sent.unreachable:
            self.stdout.write(f"No e-mail to {unit}: no member has an address (page only).")
