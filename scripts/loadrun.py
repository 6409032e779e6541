"""The load run: office staff, leaders and department users at once, against gunicorn and
PostgreSQL on 127.0.0.1 (docs/performance.md).

    .venv/bin/python scripts/loadrun.py [--database reform_load] [--tasks 2000]
                                        [--rates 10,20,40] [--seconds 30] [--workers 4]

Open loop, as people arrive: for each rate of `--rates`, for `--seconds`, a person starts
something at a fixed rate (that many a second, evenly spaced), whether or not the server has
answered the ones before. Latency runs from when a request was due to start, so that a server
falling behind shows as waiting, not as fewer requests. The mix: department users open their
unit page, task pages and the list of their tasks, and report (open the form, send the
period it proposes with a figure, land on the task page); office staff open the overview,
dashboards, the review queue and the task list and now and then download a plan's ledger;
leaders read the overview, dashboards and red-light lists.

Uses the database if it holds tasks (say, one seeded with `seed_scale --tasks 100000`),
otherwise creates it and seeds `--tasks`. Prints one JSON line: per rate, the requests made,
latency percentiles per kind of request, errors, and acknowledged submissions against stored
ones (lost and partial must be 0); and the capacity: the highest rate at which every kind's
p95 stayed under 250 ms. Exit status 1 on any error, lost or partial submission, or when no
submission was acknowledged.
"""

import argparse
import json
import queue
import random
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from soak import (
    DROPPED,
    ENV,
    PASSWORD,
    Client,
    manage,
    percentile,
    report_data,
    start_server,
    stop,
)

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from tasks.models import Plan, ProgressReport, Responsibility
from units.models import Membership, Unit
from units.roles import LEADER, OFFICE, ensure_groups
ensure_groups()
User = get_user_model()
def user(name, group=None):
    u = User.objects.filter(username=name).first()
    u = u or User.objects.create_user(name, password="{password}")
    if group:
        u.groups.add(Group.objects.get(name=group))
    return u
# Office staff and leaders of the province's office (seed_scale's tree): they read every plan.
province = Unit.objects.get(name="规模测试省产改办")
for name, group in [("load-office", OFFICE), ("load-leader", LEADER)]:
    Membership.objects.get_or_create(user=user(name, group), unit=province)
# Each run starts from the seeded data: the reports of earlier runs go.
earlier = ProgressReport.objects.filter(author__username__startswith="load-dept")
earlier.delete()  # each report deleted refreshes its task
plans = Plan.objects.annotate(n=Count("tasks")).filter(n__gte=20)
plans = list(plans.values_list("pk", flat=True)[:20])
supports = Responsibility.objects.filter(role="support").order_by("unit_id", "task_id")
units = []
unit_ids = supports.order_by("unit_id").values_list("unit_id", flat=True).distinct()
for unit_id in unit_ids[:{departments}]:
    name = f"load-dept{{unit_id}}"
    Membership.objects.get_or_create(user=user(name), unit_id=unit_id)
    tasks = list(supports.filter(unit_id=unit_id).values_list("task_id", flat=True)[:60])
    units.append({{"user": name, "unit": unit_id, "tasks": tasks}})
red = list(Plan.objects.filter(tasks__light="red").values_list("pk", flat=True).distinct()[:5])
print(json.dumps({{"plans": plans, "units": units, "red_plans": red or plans}}))
"""

STORED = """
import json
from tasks.models import ProgressReport
rows = ProgressReport.objects.filter(author__username__startswith="load-dept")
print(json.dumps([[r.task_id, r.unit_id, str(r.period), r.figures.count()]
                  for r in rows.prefetch_related("figures")]))
"""


def environment(database):
    return ENV | {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}


def setup(env, database, tasks, departments):
    databases = subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "select datname from pg_database"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if database not in databases:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)  # noqa: S603,S607
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    count = manage(
        "shell", "-c", "from tasks.models import Task; print(Task.objects.count())", env=env
    )
    if int(count.strip().splitlines()[-1]) == 0:
        manage("seed_scale", "--tasks", str(tasks), env=env)
    manage("refresh_standing", "--stale", env=env)
    script = SETUP.format(password=PASSWORD, departments=departments)
    out = manage("shell", stdin=script, env=env)
    return json.loads(out.strip().splitlines()[-1])


class Visitor:
    """One signed-in person's browsing and reporting, recording every request."""

    def __init__(self, username, results, rng):
        self.client = Client()
        self.username = username
        self.results = results
        self.rng = rng
        self.due = None  # when the step under way was due to start (time.perf_counter)

    def started(self):
        """When the request about to be sent counts from: the step's due time for its first
        request, now for the others."""
        started, self.due = self.due or time.perf_counter(), None
        return started

    def get(self, kind, path, ok=(200,)):
        started = self.started()
        try:
            status, body, headers = self.client.request(path)
        except DROPPED as exc:
            self.results.append((kind, type(exc).__name__, time.perf_counter() - started, None))
            return None
        self.results.append((kind, status, time.perf_counter() - started, None))
        return body if status in ok else None


class Department(Visitor):
    def __init__(self, username, unit, tasks, results, rng):
        super().__init__(username, results, rng)
        self.unit, self.tasks = unit, list(tasks)
        self.used = set()

    def form(self, path):
        """(the page, its address) of a new report form as a browser lands on it: the form
        first sends the browser to its own address, with its one-time token."""
        started = self.started()
        try:
            status, body, headers = self.client.request(path)
            if status == 302 and "once=" in (headers.get("Location") or ""):
                path = headers["Location"]
                status, body, headers = self.client.request(path)
        except DROPPED as exc:
            self.results.append(
                ("report form", type(exc).__name__, time.perf_counter() - started, None)
            )
            return None, path
        self.results.append(("report form", status, time.perf_counter() - started, None))
        return (body if status == 200 else None), path

    def step(self):
        task = self.rng.choice(self.tasks)
        action = self.rng.choices(["unit", "task", "list", "submit"], [3, 3, 2, 2])[0]
        if action == "unit":
            self.get("unit page", f"/units/{self.unit}/")
        elif action == "task":
            self.get("task page", f"/tasks/{task}/")
        elif action == "list":
            self.get("task list by unit", f"/tasks/?unit={self.unit}&role=support")
        else:
            self.submit(task)

    def submit(self, task):
        """As a person does: open the form, send the period it proposes (the one still owed)
        unless this run sent it already, then land on the task page."""
        html, form = self.form(f"/tasks/{task}/report/?unit={self.unit}")
        owed = re.search(r'<option value="(\d{4}-\d{2}-\d{2})" selected', html or "")
        if not owed or (task, owed[1]) in self.used:
            return
        period = owed[1]
        data = report_data(
            self.client.csrf(html),
            period,
            f"负载测试填报 {self.username}",
            figure="25",
            unit=self.unit,
            percent="60",
        )
        started = self.started()
        try:
            status, _body, headers = self.client.request(form, data)
        except DROPPED as exc:
            self.results.append(("submit", type(exc).__name__, time.perf_counter() - started, None))
            return
        acknowledged = status == 302 and f"/tasks/{task}/" in (headers.get("Location") or "")
        key = (task, self.unit, period) if acknowledged else None
        self.results.append(("submit", status, time.perf_counter() - started, key))
        self.used.add((task, period))
        if acknowledged:
            self.get("task page after submit", f"/tasks/{task}/")


class Office(Visitor):
    def __init__(self, username, plans, results, rng):
        super().__init__(username, results, rng)
        self.plans = plans

    def step(self):
        plan = self.rng.choice(self.plans)
        # A ledger is downloaded before a meeting, not between every two pages.
        action = self.rng.choices(
            ["overview", "plan", "review", "list", "ledger"], [2, 3, 2, 2, 0.3]
        )[0]
        paths = {
            "overview": ("overview", "/"),
            "plan": ("plan dashboard", f"/plans/{plan}/"),
            "review": ("review queue", "/reports/review/"),
            "list": ("task list", "/tasks/"),
            "ledger": ("ledger export", f"/plans/{plan}/ledger.xlsx"),
        }
        self.get(*paths[action])


class Leader(Visitor):
    def __init__(self, username, plans, red_plans, results, rng):
        super().__init__(username, results, rng)
        self.plans, self.red_plans = plans, red_plans

    def step(self):
        action = self.rng.choices(["overview", "plan", "red"], [3, 4, 3])[0]
        if action == "overview":
            self.get("overview", "/")
        elif action == "plan":
            self.get("plan dashboard", f"/plans/{self.rng.choice(self.plans)}/")
        else:
            self.get(
                "task list by light", f"/tasks/?plan={self.rng.choice(self.red_plans)}&light=red"
            )


def visitors(data, count, results):
    """Of every sixteen people, three office staff, three leaders, ten department users."""
    rng = random.Random(2026)  # noqa: S311 - a reproducible mix, not a secret
    people = []
    for n in range(count):
        own = random.Random(rng.randrange(1 << 30))  # noqa: S311
        if n % 16 in (0, 5, 10):
            people.append(Office("load-office", data["plans"], results, own))
        elif n % 16 in (1, 6, 11):
            people.append(Leader("load-leader", data["plans"], data["red_plans"], results, own))
        else:
            unit = data["units"][n % len(data["units"])]
            people.append(Department(unit["user"], unit["unit"], unit["tasks"], results, own))
    return people


def run(people, rate, seconds):
    """Starts a step of an idle person every 1/rate seconds for `seconds`. Each person is
    signed in once and does one thing at a time; there are enough of them that one is idle
    whenever a step is due."""
    idle = queue.Queue()
    for person in people:
        idle.put(person)

    def step(person, due):
        person.due = due
        try:
            person.step()
        finally:
            idle.put(person)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        for n in range(int(rate * seconds)):
            due = start + n / rate
            time.sleep(max(0, due - time.perf_counter()))
            pool.submit(step, idle.get(), due)


def latency(results):
    by_kind = {}
    for kind, _status, elapsed, _key in results:
        by_kind.setdefault(kind, []).append(elapsed)
    return {
        kind: {
            "n": len(values),
            "p50_ms": round(1000 * statistics.median(values)),
            "p95_ms": round(1000 * percentile(values, 0.95)),
            "p99_ms": round(1000 * percentile(values, 0.99)),
        }
        for kind, values in sorted(by_kind.items())
    }


def outcomes(results):
    counts = {}
    for kind, status, _elapsed, _key in results:
        counts[f"{kind} {status}"] = counts.get(f"{kind} {status}", 0) + 1
    return dict(sorted(counts.items()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="reform_load")
    parser.add_argument("--tasks", type=int, default=2000, help="seeded if the database is empty")
    parser.add_argument("--rates", default="10,20,40", help="steps a second, one run each")
    parser.add_argument("--seconds", type=int, default=30, help="of each rate")
    parser.add_argument("--people", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = environment(args.database)
    data = setup(env, args.database, args.tasks, departments=args.people)
    server = start_server(args.workers, env=env)
    runs, results = [], []
    try:
        people = visitors(data, args.people, results)
        for person in people:
            person.client.login(person.username)
        for rate in [float(r) for r in args.rates.split(",")]:
            results.clear()
            started = time.perf_counter()
            run(people, rate, args.seconds)
            runs.append(summary(rate, time.perf_counter() - started, list(results)))
    finally:
        stop(server)
    stored = json.loads(manage("shell", stdin=STORED, env=env).strip().splitlines()[-1])
    stored_keys = {(t, u, p): figures for t, u, p, figures in stored}
    acknowledged = {key for run_ in runs for key in run_.pop("acknowledged")}
    within = [r for r in runs if r["errors"] == 0 and r["max_p95_ms"] <= 250]
    capacity = max(within, key=lambda r: r["rate"], default=None)
    report = {
        "database": args.database,
        "workers": args.workers,
        "runs": runs,
        # The highest rate at which every kind's p95 stayed within 250 ms, and its requests.
        "capacity": capacity and {"rate": capacity["rate"], "rps": capacity["rps"]},
        "acknowledged": len(acknowledged),
        "lost": len(acknowledged - set(stored_keys)),
        "partial": sum(1 for key in acknowledged if stored_keys.get(key, 1) != 1),
    }
    print(json.dumps(report, ensure_ascii=False))
    errors = sum(r["errors"] for r in runs)
    sys.exit(1 if errors or report["lost"] or report["partial"] or not acknowledged else 0)


def summary(rate, seconds, results):
    errors = [r for r in results if not isinstance(r[1], int) or r[1] >= 500]
    by_kind = latency(results)
    return {
        "rate": rate,
        "seconds": round(seconds, 1),
        "requests": len(results),
        "rps": round(len(results) / seconds, 1),
        "latency": by_kind,
        "max_p95_ms": max((k["p95_ms"] for k in by_kind.values()), default=0),
        "outcomes": outcomes(results),
        "errors": len(errors),
        "error_kinds": sorted({f"{r[0]} {r[1]}" for r in errors}),
        "acknowledged": [r[3] for r in results if r[3]],
    }


if __name__ == "__main__":
    main()
