from django.core.management.base import BaseCommand

from tasks.documents.seed import load_seed


class Command(BaseCommand):
    help = "Loads the units, plans and reports built from the source documents (idempotent)."

    def handle(self, *args, **options):
        changes = load_seed()
        if not changes:
            self.stdout.write("Seed data already loaded; nothing changed.")
        for what, count in sorted(changes.items()):
            self.stdout.write(f"{what}: {count}")
