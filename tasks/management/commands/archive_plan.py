from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks import planning
from tasks.management.commands.carry_over import plan_or_error


class Command(BaseCommand):
    help = "归档: archives a plan with a closing note, or restores it with --restore."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan id")
        parser.add_argument("--note", default="", help="the closing note (归档说明)")
        parser.add_argument("--restore", action="store_true", help="take it out of the archive")

    def handle(self, *args, plan, note, restore, **options):
        plan = plan_or_error(plan)
        try:
            if restore:
                planning.plan_unarchive(plan=plan)
            else:
                planning.plan_archive(plan=plan, user=None, note=note)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"{'已恢复' if restore else '已归档'}：{plan}")
