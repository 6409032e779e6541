import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from tasks.documents.create import match_units, plan_create, plan_names, unit_names
from tasks.documents.files import document_text
from tasks.documents.parser import parse_plan
from tasks.documents.plan import ParseError
from tasks.models import Plan
from units.models import Unit


class Command(BaseCommand):
    help = "Parses a plan document (.txt or .docx) into a plan with its tasks."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, save nothing")
        parser.add_argument("--json", action="store_true", help="print what was found as JSON")
        parser.add_argument("--level", default=Plan.Level.PARK, choices=Plan.Level.values)
        parser.add_argument(
            "--office",
            help="the office (产改办) the plan belongs to, by name; without it only "
            "IT's superusers see the plan",
        )

    def handle(self, *args, file, dry_run=False, level, office=None, **options):
        named = office
        if named is not None:
            office = Unit.objects.offices().filter(Q(name=named) | Q(short_name=named)).first()
            if office is None:
                raise CommandError(f"No office named {named!r}.")
        path = Path(file)
        try:
            text = document_text(path.name, path.read_bytes())
            parsed = parse_plan(text, known=unit_names())
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except ParseError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(dumps(parsed.as_json()))
            if dry_run:
                return
        _found, new = match_units(plan_names(parsed))
        summary = (
            f"{parsed.title} ({parsed.year}): {len(parsed.sections)} sections, "
            f"{len(parsed.tasks)} tasks; new units: {'、'.join(new) or 'none'}; "
            f"{len(parsed.unused)} paragraphs not read as a section or task"
        )
        for line in parsed.unused:
            self.stderr.write(f"  not used: {line}")
        if dry_run:
            self.stdout.write(f"{summary} (dry run, nothing saved)")
            return
        try:
            plan = plan_create(parsed=parsed, level=level, source_text=text, office=office)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Created plan {plan.pk}: {summary}")


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=1)
