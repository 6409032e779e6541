from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks.meetings.workbook import meeting_workbook, plan_workbook
from tasks.models import Meeting, Plan


class Command(BaseCommand):
    help = "Writes the supervision workbook (台账) of a plan, as of now or as of a meeting."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan id")
        parser.add_argument(
            "--meeting", type=int, help="a meeting's id: the plan as it stood then, and 本期变化"
        )
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, plan, meeting, output, **options):
        try:
            plan = Plan.objects.get(pk=plan)
        except Plan.DoesNotExist:
            raise CommandError(f"No plan with id {plan}.") from None
        if meeting is not None:
            meeting = Meeting.objects.filter(pk=meeting, plans=plan).first()
            if meeting is None:
                raise CommandError(f"No meeting on plan {plan.pk} with that id.")
        with Path(output).open("wb") as out:
            if meeting is None:
                plan_workbook(plan, today=timezone.localdate(), output=out)
            else:
                meeting_workbook(meeting, plan, output=out)
        as_of = f" as of {meeting}" if meeting else ""
        self.stdout.write(f"Wrote {plan.tasks.count()} tasks of “{plan}”{as_of} to {output}")
