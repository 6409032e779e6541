from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks import planning
from tasks.models import Plan


class Command(BaseCommand):
    help = "结转: carries a plan's unfinished tasks into the next plan, each linked to its origin."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="the plan to carry from")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--into", type=int, help="the id of the plan to carry into")
        target.add_argument("--year", type=int, help="the year of the plan to carry into")
        parser.add_argument("--dry-run", action="store_true", help="list what moves, write nothing")

    def handle(self, *args, plan, into, year, dry_run, **options):
        source = plan_or_error(plan)
        into = plan_or_error(into) if into is not None else None
        try:
            if dry_run:
                result = planning.carry_over_preview(source, into=into, year=year)
            else:
                result = planning.plan_carry_over(plan=source, into=into, year=year, user=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.report(result, dry_run)

    def report(self, result, dry_run):
        target = result.target
        new = "" if target.pk else "（新建）"
        verb = "将结转" if dry_run else "已结转"
        moved = result.moving if dry_run else result.created
        self.stdout.write(f"{verb} {len(moved)} 项任务：{result.source} → {target}{new}")
        for old, task in zip(result.moving, result.created or result.moving, strict=True):
            to = f" → 第{task.code}项" if task is not old else ""
            self.stdout.write(f"  第{old.code}项 {old.title}（{old.get_status_display()}）{to}")
        for old in result.carried:
            new = old.carried_into
            self.stdout.write(f"  已结转过：第{old.code}项 {old.title} → {new.plan} 第{new.code}项")


def plan_or_error(pk):
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None:
        raise CommandError(f"没有编号为 {pk} 的方案。")
    return plan
