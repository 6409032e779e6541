from django.core.management.base import BaseCommand

from reform.backup import backup


class Command(BaseCommand):
    help = "Writes every record and evidence file to a .zip archive."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the .zip file to write")

    def handle(self, *args, output, **options):
        backup(output)
        self.stdout.write(f"Backup written to {output}")
