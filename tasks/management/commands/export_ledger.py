from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks.excel.ledger import plan_workbook
from tasks.models import Plan


class Command(BaseCommand):
    help = "Writes the supervision workbook (台账) of a plan."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan id")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, plan, output, **options):
        try:
            plan = Plan.objects.get(pk=plan)
        except Plan.DoesNotExist:
            raise CommandError(f"No plan with id {plan}.") from None
        with Path(output).open("wb") as out:
            plan_workbook(plan, today=timezone.localdate(), output=out)
        self.stdout.write(f"Wrote {plan.tasks.count()} tasks of “{plan}” to {output}")
