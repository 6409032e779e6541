from django.core.management.base import BaseCommand, CommandError

from reform.backup import restore
from tasks.models import Plan


class Command(BaseCommand):
    help = "Restores a backup archive into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        if Plan.objects.exists():
            raise CommandError("The database is not empty: restore into a freshly migrated one.")
        restore(archive)
        self.stdout.write(f"Restored {archive}")
