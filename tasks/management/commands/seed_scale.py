import random
import sys
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from reform.bulk import values_row
from tasks.models import Indicator, Plan, ProgressReport, ReportFigure, Responsibility, Task
from tasks.standing.periods import add_months
from tasks.standing.refresh import refresh_standing, vacuum
from units.models import Unit

BATCH = 5000
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


# A province's tree of offices: 13 cities of 8 counties, each with two streets or parks.
CITIES, COUNTIES, STREETS = 13, 8, 2
PROVINCE_OFFICE = "规模测试省产改办"


class Command(BaseCommand):
    help = (
        "Realistic data at scale for the benchmark: a province's tree of offices, each issuing "
        "plans of 20–60 tasks among 8–20 of the departments below it that implement the plan "
        "of the office above, and their reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True)
        parser.add_argument("--reports-per-task", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, tasks, reports_per_task, seed, **options):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        # The plans start so that each task's reports fill the months before this one: none is
        # dated after today, and the latest period is the one just ended.
        today = timezone.localdate()
        self.first = add_months(today.replace(day=1), -max(reports_per_task, 1))
        start = Task.objects.count()
        offices = self.offices()
        below = self.departments(offices, max(3 * len(offices), tasks // 100))
        # Each office's first plan implements the first plan of the office above it.
        first_plans = {
            p.office_id: p for p in Plan.objects.filter(office__in=offices).order_by("-pk")
        }
        made, analyzed, n = 0, start, 0
        while made < tasks:
            size = min(self.rng.randint(20, 60), tasks - made)
            # Down the tree first, so that every office's higher plan is there; then anywhere.
            office = offices[n] if n < len(offices) else self.rng.choice(offices)
            parent = first_plans.get(office.parent_id)
            plan = self.plan(size, office, below[office.pk], parent, reports_per_task, start + made)
            first_plans.setdefault(office.pk, plan)
            n += 1
            made += size
            self.progress("tasks", made, tasks)
            if start + made >= 2 * analyzed + 1000:
                analyze()
                analyzed = start + made
        sys.stderr.write("\n")
        analyze()
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

    def offices(self):
        """The province's offices, each after the office above it (created once)."""
        province, _ = Unit.objects.get_or_create(
            name=PROVINCE_OFFICE, defaults={"kind": "office", "is_office": True}
        )
        offices = [province]
        for c in range(1, CITIES + 1):
            city = office(f"规模测试市{c:02d}产改办", province)
            offices.append(city)
            for k in range(1, COUNTIES + 1):
                county = office(f"规模测试市{c:02d}县{k}产改办", city)
                offices.append(county)
                offices += [
                    office(f"规模测试市{c:02d}县{k}{kind}{s}产改办", county)
                    for s, kind in enumerate(["街道", "园区"][:STREETS], start=1)
                ]
        return offices

    def departments(self, offices, count):
        """Departments spread over the offices; for each office, those in its subtree."""
        existing = list(Unit.objects.filter(name__startswith="规模测试单位"))
        new = [
            Unit(
                name=f"规模测试单位{n:05d}",
                parent=offices[n % len(offices)],
                kind="department",
            )
            for n in range(len(existing), count)
        ]
        units = existing + Unit.objects.bulk_create(new, batch_size=BATCH)
        children, below = {}, {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        for office in reversed(offices):  # each after every office below it
            below[office.pk] = children.get(office.pk, []) + [
                unit
                for child in offices
                if child.parent_id == office.pk
                for unit in below[child.pk]
            ]
        return below

    @transaction.atomic
    def plan(self, size, office, units, parent, reports_per_task, offset):
        rng = self.rng
        measures = list(parent.tasks.only("pk")) if parent else []
        plan = Plan.objects.create(
            title=f"规模测试方案{offset:07d}",
            office=office,
            parent=parent,
            year=self.first.year,
            level="city",
            reporting_cycle="monthly",
            issued_on=self.first,
            starts_on=self.first,
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
                due_on=add_months(self.first, rng.randint(1, 12)) - timedelta(days=3)
                if rng.random() < 0.6
                else None,
                parent_task=rng.choice(measures) if measures and rng.random() < 0.7 else None,
            )
            for n in range(1, size + 1)
        )
        Task.history.bulk_history_create(tasks, default_date=timezone.now())
        # A plan assigns its tasks among the departments of the office that issues it: a
        # dozen or so, not any of the province's hundreds.
        departments = rng.sample(units, k=min(len(units), rng.randint(8, 20)))
        responsibilities = []
        for task in tasks:
            chosen = rng.sample(departments, k=min(len(departments), rng.randint(1, 3)))
            responsibilities += [
                Responsibility(
                    task=task, plan=plan, unit=u, role="lead" if i == 0 else "support", seq=i
                )
                for i, u in enumerate(chosen)
            ]
        Responsibility.objects.bulk_create(responsibilities, batch_size=BATCH)
        Indicator.objects.bulk_create(
            Indicator(task=t, name="培训人次", target=Decimal(2000), unit="人次")
            for t in tasks
            if t.seq % 5 == 0
        )
        reports(plan, reports_per_task, self.first)
        figures(plan)
        return plan


def office(name, parent):
    unit, _ = Unit.objects.get_or_create(
        name=name, defaults={"kind": "office", "is_office": True, "parent": parent}
    )
    return unit


def analyze():
    """Planner statistics for what is loaded so far, each time the tables have doubled. Without
    them PostgreSQL takes the growing tables for the empty ones it last counted and reads all
    of them for each plan's inserts (autovacuum, which would count them, may be late or off)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def reports(plan, per_task, first):
    """Monthly reports on each of the plan's tasks by its lead unit from the month `first`,
    each sent three days after its month (today at the latest), the older accepted by the
    office and half of the latest awaiting review: one INSERT … SELECT, as a million objects
    built in Python took most of the load."""
    if not per_task:
        return
    field = ProgressReport._meta.get_field
    columns = ("period", "submitted_on", "percent")
    today = timezone.localdate()
    months = [
        (
            add_months(first, m),
            min(today, add_months(first, m + 1) + timedelta(days=3)),
            min(100, 8 * (m + 1)),
        )
        for m in range(per_task)
    ]
    row = values_row([field(c) for c in columns], connection)
    tables = [m._meta.db_table for m in (ProgressReport, Task, Responsibility)]
    now = field("created_at").get_db_prep_save(timezone.now(), connection)
    sql = (  # noqa: S608 - table names from the models
        "INSERT INTO {} (task_id, unit_id, period, submitted_on, percent, status, state,"
        " progress, problems, next_steps, review_comment, source, created_at, updated_at, version)"
        " SELECT t.id, r.unit_id, m.column1, m.column2, m.column3,"
        " CASE WHEN t.status = 'not_started' THEN 'in_progress' ELSE t.status END,"
        " CASE WHEN m.column1 = %s AND t.id %% 2 = 1 THEN 'submitted' ELSE 'accepted' END,"
        " %s, '', '', '', '', %s, %s, 1"
        " FROM {} t JOIN {} r ON r.task_id = t.id AND r.role = 'lead'"
        " CROSS JOIN (VALUES {}) AS m WHERE t.plan_id = %s"
    ).format(*tables, ", ".join([row] * per_task))
    params = [
        field("period").get_db_prep_save(months[-1][0], connection),
        "按计划推进，完成阶段性工作。",
        now,
        now,
        *(
            field(c).get_db_prep_save(v, connection)
            for month in months
            for c, v in zip(columns, month, strict=True)
        ),
        plan.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def figures(plan):
    """A figure in every report of the plan's tasks, for the indicator where there is one,
    growing with the report's percent: one INSERT … SELECT instead of a million objects."""
    tables = [m._meta.db_table for m in (ReportFigure, ProgressReport, Task, Indicator)]
    sql = (  # noqa: S608 - table names from the models
        "INSERT INTO {} (report_id, indicator_id, name, value, unit, is_approximate, seq)"
        " SELECT r.id, i.id, %s, r.percent * 20, %s, %s, 0 FROM {} r JOIN {} t ON t.id = r.task_id"
        " LEFT JOIN {} i ON i.task_id = r.task_id WHERE t.plan_id = %s"
    ).format(*tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, ["培训人次", "人次", False, plan.pk])
