"""The performance benchmark (docs/performance.md): pages against a floor page, and the ledger
export against django-import-export's stock export."""

import io
import json
import statistics
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import clear_url_caches, path, reverse
from django.utils import timezone
from import_export import fields, resources
from import_export.formats.base_formats import XLSX
from openpyxl import load_workbook

from reform import urls
from reform.views import floor
from tasks.excel.ledger import export_ledger
from tasks.management.commands.seed_scale import PROVINCE_OFFICE
from tasks.models import Plan, ProgressReport, Responsibility, Task
from units.models import Membership, Unit
from units.roles import OFFICE, ensure_groups

FLOOR = "bench-floor"
EXPORT_RUNS = 3  # each export, taking turns; the median of each is compared


def timed_get(client, url):
    started = time.perf_counter()
    client.get(url)
    return 1000 * (time.perf_counter() - started)


class StockTaskResource(resources.ModelResource):
    """The fair baseline: a ModelResource with the ledger's fourteen columns, related rows
    fetched up front (select_related, prefetch_related, the latest report joined) and a
    raised chunk size."""

    code = fields.Field(attribute="code", column_name="序号")
    section = fields.Field(attribute="section__title", column_name="板块")
    title = fields.Field(attribute="title", column_name="工作任务")
    content = fields.Field(attribute="content", column_name="主要内容")
    lead = fields.Field(column_name="牵头部门")
    support = fields.Field(column_name="配合部门")
    due_on = fields.Field(column_name="完成时限")
    status = fields.Field(column_name="状态")
    percent = fields.Field(column_name="完成进度")
    progress = fields.Field(attribute="latest_report__progress", column_name="最新进展")
    problems = fields.Field(attribute="latest_report__problems", column_name="存在问题")
    next_steps = fields.Field(attribute="latest_report__next_steps", column_name="下步计划")
    latest_on = fields.Field(column_name="填报时间")
    light = fields.Field(column_name="红黄绿灯")

    class Meta:
        model = Task
        fields = [
            "code",
            "section",
            "title",
            "content",
            "lead",
            "support",
            "due_on",
            "status",
            "percent",
            "progress",
            "problems",
            "next_steps",
            "latest_on",
            "light",
        ]
        chunk_size = 2000

    def dehydrate_lead(self, task):
        return "、".join(u.name for u in task.lead_units)

    def dehydrate_support(self, task):
        return "、".join(u.name for u in task.support_units)

    def dehydrate_due_on(self, task):
        return task.due_on.isoformat() if task.due_on else ""

    def dehydrate_status(self, task):
        return task.get_status_display()

    def dehydrate_percent(self, task):
        return task.percent / 100  # a number the ledger's cell shows as a percentage

    def dehydrate_latest_on(self, task):
        latest = task.latest_report
        return latest.submitted_on.isoformat() if latest and latest.submitted_on else ""

    def dehydrate_light(self, task):
        return task.get_light_display()


class Command(BaseCommand):
    help = "Benchmarks pages and the ledger export at a given scale."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1000, help="tasks in the database")
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--export-rows", type=int, default=10000)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, scale, requests, export_rows, **options):
        missing = scale - Task.objects.count()
        if missing > 0:
            call_command("seed_scale", tasks=missing, stdout=io.StringIO())
        client = self.client()
        pages = [self.measure(client, name, url, requests) for name, url in self.pages()]
        # The same pages as office staff see them: the province's and a county's.
        for who, office in self.offices():
            staff = self.client(f"bench-{who}", office)
            pages += [
                self.measure(staff, f"{name} ({who})", url, requests)
                for name, url in self.office_pages(office)
            ]
        floor_ms = pages[0]["ms"]
        by_name = {page["name"]: page["ms"] for page in pages}
        result = {
            "scale": Task.objects.count(),
            "reports": ProgressReport.objects.count(),
            "db": connection.vendor,
            "floor_ms": floor_ms,
            "pages": pages,
            # Our task list against its peer in the same run: the admin's task changelist.
            "task_list_vs_admin": round(by_name["task list"] / by_name["admin tasks"], 2),
            "export": self.export(min(export_rows, Task.objects.count())),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result['scale']} tasks, {result['reports']} reports on {result['db']};"
            f" floor {floor_ms} ms"
        )
        for page in pages:
            self.stdout.write(
                f"{page['name']:<20} {page['queries']:>3} q {page['ms']:>7} ms"
                f" ×{page['ratio']:<6} ({page['url']})"
            )
        self.stdout.write(f"task list / admin tasks: {result['task_list_vs_admin']}")
        self.stdout.write(json.dumps(result["export"], ensure_ascii=False))

    def client(self, username="bench-office", office=None):
        """IT's superuser (every plan, and the admin), or a member of `office`'s staff."""
        ensure_groups()
        user, _ = get_user_model().objects.update_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": office is None}
        )
        user.groups.add(Group.objects.get(name=OFFICE))  # office staff, in the admin too
        if office is not None:
            Membership.objects.get_or_create(user=user, unit=office)
        # A host the settings allow, over HTTPS as production serves it.
        client = Client(HTTP_HOST="localhost", **{"wsgi.url_scheme": "https"})
        client.force_login(user)
        if not any(getattr(p, "name", None) == FLOOR for p in urls.urlpatterns):
            urls.urlpatterns.append(path("bench-floor/", floor, name=FLOOR))
            clear_url_caches()
        return client

    def pages(self):
        sizes = Plan.objects.annotate(n=Count("tasks")).values_list("pk", "n")
        plan_id = min(sizes, key=lambda pair: abs(pair[1] - 50))[0]
        task = Task.objects.filter(plan_id=plan_id).order_by("seq").first()
        unit = Responsibility.objects.filter(task=task, role="lead").first().unit
        return [
            ("floor", reverse(FLOOR)),
            ("plan dashboard", reverse("tasks:plan", args=[plan_id])),
            ("overview", "/"),
            ("task list", reverse("tasks:list")),
            ("task list by unit", f"{reverse('tasks:list')}?unit={unit.pk}&role=lead"),
            ("task list by light", f"{reverse('tasks:list')}?plan={plan_id}&light=red"),
            ("task page", reverse("tasks:task", args=[task.pk])),
            ("unit page", reverse("tasks:unit", args=[unit.pk])),
            ("review queue", reverse("tasks:review")),
            ("ledger export", reverse("tasks:ledger", args=[plan_id])),
            ("admin tasks", reverse("admin:tasks_task_changelist")),
            ("admin reports", reverse("admin:tasks_progressreport_changelist")),
        ]

    def offices(self):
        """The province's office and a county's (seed_scale's tree), where there are."""
        province = Unit.objects.filter(name=PROVINCE_OFFICE).first()
        county = Unit.objects.filter(parent__parent=province, office_plans__isnull=False)
        county = county.order_by("pk").first()
        found = [("province", province), ("county", county)]
        return [(who, office) for who, office in found if office is not None]

    def office_pages(self, office):
        plan = office.office_plans.order_by("pk").first()
        return [
            ("overview", "/"),
            ("plan dashboard", reverse("tasks:plan", args=[plan.pk])),
            ("task list", reverse("tasks:list")),
            ("coverage", reverse("tasks:coverage", args=[plan.pk])),
        ]

    def measure(self, client, name, url, requests):
        queries, ms, ratio = self.timings(client, url, requests)
        return {"name": name, "url": url, "queries": queries, "ms": ms, "ratio": ratio}

    def timings(self, client, url, requests):
        """(queries of one request, median ms of `requests`, that median over the floor's),
        after three to warm up. The floor page is
        requested before each one: the machine's speed drifts, and a ratio of two medians
        taken minutes apart would measure the drift."""
        for _ in range(3):
            client.get(url)
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        floor, times, floors = reverse(FLOOR), [], []
        for _ in range(requests):
            floors.append(timed_get(client, floor))
            times.append(timed_get(client, url))
        median = statistics.median(times)
        return len(queries), round(median, 1), round(median / statistics.median(floors), 2)

    def export(self, rows):
        last = Task.objects.order_by("pk").values_list("pk", flat=True)[rows - 1]
        tasks = Task.objects.filter(pk__lte=last).order_by("pk")  # the first `rows` tasks
        times = {ledger_bytes: [], stock_bytes: []}
        # The two take turns, so that both see the machine at the same speeds: one run each
        # measured 1.57x and 2.56x within minutes, at the same code.
        for _ in range(EXPORT_RUNS):
            for export, seconds in times.items():
                started = time.perf_counter()
                export(tasks)
                seconds.append(time.perf_counter() - started)
        ours_s, stock_s = (statistics.median(seconds) for seconds in times.values())
        ours, ours_mb = traced(lambda: ledger_bytes(tasks))
        stock, stock_mb = traced(lambda: stock_bytes(tasks))
        same = ledger_cells(ours) == stock_cells(stock)
        return {
            "rows": rows,
            "ours_s": round(ours_s, 2),
            "stock_s": round(stock_s, 2),
            "speedup": round(stock_s / ours_s, 2) if ours_s else None,
            "ours_peak_mb": ours_mb,
            "stock_peak_mb": stock_mb,
            "identical_cells": same,
        }


def traced(work):
    """What `work()` returns, and its peak memory (in runs of their own: tracing memory slows
    the code down)."""
    tracemalloc.start()
    result = work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, round(peak / 2**20, 1)


def ledger_bytes(tasks):
    """What the task list exports: 汇总 and 台账."""
    out = io.BytesIO()
    export_ledger(tasks, title="bench", today=timezone.localdate(), output=out, unit_sheets=False)
    return out.getvalue()


def stock_bytes(tasks):
    dataset = StockTaskResource().export(
        queryset=tasks.with_units().select_related("latest_report")
    )
    return XLSX().export_data(dataset)


def ledger_cells(data):
    sheet = load_workbook(io.BytesIO(data), read_only=True)["台账"]
    return [
        tuple("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(min_row=4, values_only=True)
    ]


def stock_cells(data):
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [
        tuple("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
