from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.meetings.bulletin import write_bulletin
from tasks.models import Meeting


class Command(BaseCommand):
    help = "Writes the drafted 通报 (.docx) of a 督查会 from its snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, required=True, help="meeting id")
        parser.add_argument("-o", "--output", required=True, help="the .docx file to write")
        parser.add_argument(
            "--base-url", default="", help="the site's address, for the sources' links"
        )

    def handle(self, *args, meeting, output, base_url, **options):
        meeting = Meeting.objects.filter(pk=meeting).select_related("office").first()
        if meeting is None:
            raise CommandError("No meeting with that id.")
        with Path(output).open("wb") as out:
            write_bulletin(meeting, output=out, base_url=base_url.rstrip("/"))
        self.stdout.write(f"Wrote the 通报 of {meeting} to {output}")
