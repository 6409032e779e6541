import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks.excel import pending
from tasks.models import Task
from tasks.standing.refresh import refresh_standing, vacuum


class Command(BaseCommand):
    help = (
        "Recomputes every task's light and each unit's reporting standing for today, and "
        "removes uploads left unconfirmed for a day. Run it once a day, shortly after "
        "midnight: time alone moves lights."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="only tasks not yet assessed today"
        )

    def handle(self, *args, stale=False, **options):
        today = timezone.localdate()
        tasks = Task.objects.all()
        if stale:
            tasks = tasks.exclude(light_on=today)
        count = refresh_standing(tasks, today, progress=self.progress)
        vacuum()
        pending.discard_stale()
        sys.stderr.write("\n")
        self.stdout.write(f"Refreshed the standing of {count} tasks as of {today}.")

    def progress(self, done, total):
        sys.stderr.write(f"\rtasks {done}/{total}")
        sys.stderr.flush()
