import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.urls import set_script_prefix
from django.utils import timezone

from tasks.models import Plan
from tasks.scoring.events import plan_scope, year_scope
from tasks.scoring.score import TIE_RULE, as_json, score_units


class Command(BaseCommand):
    help = (
        "考核: scores each responsible unit of a plan (or, with --year, of every plan of the "
        "plan's office in that year) under the rules in force, with every point's events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="plan id")
        parser.add_argument("--year", type=int, help="score the office's year instead")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (today)")
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")

    def handle(self, *args, plan, year, as_of, **options):
        found = Plan.objects.filter(pk=plan).select_related("office").first()
        if found is None or found.office is None:
            raise CommandError("No plan with that id, or it has no office (产改办).")
        as_of = as_of or timezone.localdate()
        set_script_prefix("/")
        scope = year_scope(found.office, year, as_of) if year else plan_scope(found, as_of)
        ranking = score_units(scope)
        if options["json"]:
            self.stdout.write(dumps(as_json(ranking) | {"plan": found.pk}))
            return
        if ranking.rules is None:
            raise CommandError("No scoring rules (评分规则) in force: set them on the rules page.")
        self.stdout.write(f"截至 {as_of:%Y-%m-%d} · 评分规则：{ranking.rules}")
        for score in ranking.units:
            items = "  ".join(f"{item.label} {item.points}" for item in score.items)
            self.stdout.write(f"{score.rank:>3}. {score.unit.name}  {score.total}  （{items}）")
        self.stdout.write(str(TIE_RULE))


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
