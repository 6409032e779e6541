from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks import services
from tasks.excel.progress import Refused, read_progress


class Command(BaseCommand):
    help = "Reads a filled-in 填报模板 back as progress reports (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the filled-in .xlsx template")
        parser.add_argument("--dry-run", action="store_true", help="check and list, write nothing")
        parser.add_argument("--user", default="office", help="who imports (default: office)")
        parser.add_argument("--accept", action="store_true", help="mark the reports accepted")

    def handle(self, *args, file, dry_run=False, user, accept=False, **options):
        importer = get_user_model().objects.filter(username=user).first()
        if importer is None:
            raise CommandError(f"No user {user!r}.")
        try:
            with open(file, "rb") as handle:
                result = read_progress(handle, user=importer)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except Refused as exc:
            raise CommandError(str(exc)) from None
        for row in result.rows:
            title = row.task.title if row.task else ""
            self.stdout.write(f"第{row.number}行 {title}：{row.outcome}")
        for number, column, message in result.errors:
            self.stderr.write(f"第{number}行「{column}」：{message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} errors; nothing imported.")
        if dry_run:
            self.stdout.write(f"{len(result.writes)} reports would be written (dry run).")
            return
        saved = services.reports_import(
            result=result, user=importer, accept=accept, today=timezone.localdate()
        )
        self.stdout.write(f"Imported {len(saved)} reports for {result.unit}.")
