import random
import sys
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tasks.models import Indicator, Plan, ProgressReport, ReportFigure, Responsibility, Task
from tasks.periods import add_months
from tasks.standing import refresh_standing, vacuum
from units.models import Unit

BATCH = 5000
FIRST = date(2026, 1, 1)
PHRASES = [
    "深化理想信念教育",
    "开展劳动和技能竞赛",
    "强化职业技能培训",
    "推进厂务公开",
    "提高产业工人经济地位",
    "加强职工文化培育",
    "推动职工创新创造",
    "关爱职工身心健康",
]


class Command(BaseCommand):
    help = "Realistic data at scale for the benchmark: plans of 20–60 tasks, units, reports."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True)
        parser.add_argument("--reports-per-task", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, tasks, reports_per_task, seed, **options):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        start = Task.objects.count()
        units = self.units(max(20, tasks // 300))
        made = 0
        while made < tasks:
            size = min(self.rng.randint(20, 60), tasks - made)
            self.plan(size, units, reports_per_task, start + made)
            made += size
            self.progress("tasks", made, tasks)
        sys.stderr.write("\n")
        refresh_standing(
            Task.objects.filter(light_on=None),
            timezone.localdate(),
            progress=lambda done, total: self.progress("lights", done, total),
        )
        vacuum(models=None)  # planner statistics and visibility for the freshly loaded tables
        self.stdout.write(f"\nSeeded {made} tasks with {reports_per_task} reports each.")

    def progress(self, what, done, total):
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{what} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def units(self, count):
        root, _ = Unit.objects.get_or_create(name="规模测试省", defaults={"kind": "other"})
        existing = list(Unit.objects.filter(parent=root))
        new = [
            Unit(name=f"规模测试单位{n:05d}", parent=root, kind="department")
            for n in range(len(existing), count)
        ]
        return existing + Unit.objects.bulk_create(new, batch_size=BATCH)

    @transaction.atomic
    def plan(self, size, units, reports_per_task, offset):
        rng = self.rng
        plan = Plan.objects.create(
            title=f"规模测试方案{offset:07d}",
            year=2026,
            level="city",
            reporting_cycle="monthly",
            issued_on=FIRST,
        )
        tasks = Task.objects.bulk_create(
            Task(
                plan=plan,
                seq=n,
                code=str(n),
                title=f"{rng.choice(PHRASES)}（{n}）",
                content="结合实际制定工作方案，明确时间表和路线图，推动各项举措落地见效。" * 3,
                status=rng.choice(["not_started", "in_progress", "in_progress", "done"]),
                percent=rng.randint(0, 100),
                due_on=date(2026, rng.randint(1, 12), 28) if rng.random() < 0.6 else None,
            )
            for n in range(1, size + 1)
        )
        Task.history.bulk_history_create(tasks, default_date=timezone.now())
        responsibilities, lead_of = [], {}
        for task in tasks:
            chosen = rng.sample(units, k=min(len(units), rng.randint(1, 3)))
            lead_of[task.pk] = chosen[0]
            responsibilities += [
                Responsibility(task=task, unit=u, role="lead" if i == 0 else "support", seq=i)
                for i, u in enumerate(chosen)
            ]
        Responsibility.objects.bulk_create(responsibilities, batch_size=BATCH)
        indicators = Indicator.objects.bulk_create(
            Indicator(task=t, name="培训人次", target=Decimal(2000), unit="人次")
            for t in tasks
            if t.seq % 5 == 0
        )
        by_task = {i.task_id: i for i in indicators}
        reports = ProgressReport.objects.bulk_create(
            (
                ProgressReport(
                    task=t,
                    unit=lead_of[t.pk],
                    period=add_months(FIRST, m),
                    status=t.status if t.status != "not_started" else "in_progress",
                    percent=min(100, 8 * (m + 1)),
                    progress="按计划推进，完成阶段性工作。",
                    # The office has reviewed the older reports; a share of the latest await it.
                    state=rng.choice(["accepted", "submitted"])
                    if m == reports_per_task - 1
                    else "accepted",
                    submitted_on=add_months(FIRST, m + 1) + timedelta(days=3),
                )
                for t in tasks
                for m in range(reports_per_task)
            ),
            batch_size=BATCH,
        )
        ReportFigure.objects.bulk_create(
            (
                ReportFigure(
                    report=r,
                    indicator=by_task.get(r.task_id),
                    name="培训人次",
                    value=Decimal(150 * (n % 12 + 1)),
                    unit="人次",
                )
                for n, r in enumerate(reports)
            ),
            batch_size=BATCH,
        )
