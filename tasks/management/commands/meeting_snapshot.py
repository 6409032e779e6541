from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks.meetings.record import meeting_record
from tasks.models import Plan


class Command(BaseCommand):
    help = "Records a 督查会 on a plan and freezes its tasks' standing; prints the meeting's id."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan id")
        parser.add_argument("--title", required=True, help="e.g. 2023年第三季度督查推进会")
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (today)")

    def handle(self, *args, plan, title, date, **options):
        plan = Plan.objects.filter(pk=plan).select_related("office").first()
        if plan is None or plan.office is None:
            raise CommandError("No plan with that id, or it has no office (产改办).")
        meeting = meeting_record(
            office=plan.office, title=title, held_on=date or timezone.localdate(), plans=[plan]
        )
        self.stdout.write(str(meeting.pk))
