"""Concurrency and fault run against gunicorn and PostgreSQL on 127.0.0.1 (bounded in time).

    .venv/bin/python scripts/soak.py [--clients 16] [--seconds 60]
                                     [--fault none|pg-restart|kill-worker]

Sets up a fresh database `reform_soak`, starts gunicorn, and lets N department users submit
progress reports (each with a figure) as fast as they can. A submission is acknowledged when
the server answers it with the redirect to the task page. At the end it compares what the
server acknowledged with what the database holds and prints one JSON line: requests, errors
by kind, latency percentiles, acknowledged, stored, lost (must be 0) and partial (reports
without their figure, must be 0). Exit status 1 when anything was lost or partial, or when
nothing was acknowledged.
"""

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
DB = "reform_soak"
TASKS = 120
PASSWORD = "soak-Password-1"
LOG = "/tmp/reform-soak-gunicorn.log"
# What a request may end in when its worker is killed or the server restarts mid-response.
DROPPED = (OSError, http.client.HTTPException)
ENV = os.environ | {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "DEBUG": "false",
    "SECRET_KEY": "soak-" + "k2j4h5g6f7d8s9a0" * 4,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_ROOT": "/tmp/reform-soak-static",
    "MEDIA_ROOT": "/tmp/reform-soak-media",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}

SETUP = """
from django.contrib.auth import get_user_model
from tasks.models import Plan, Responsibility, Task
from units.models import Membership, Unit
clients = {clients}
plan = Plan.objects.create(title="并发压测方案", year=2026, level="park", reporting_cycle="monthly")
units = [Unit.objects.create(name=f"压测单位{{n}}") for n in range(clients)]
for seq in range(1, {tasks} + 1):
    task = Task.objects.create(plan=plan, seq=seq, code=str(seq), title=f"压测任务{{seq}}")
    Responsibility.objects.bulk_create(
        Responsibility(task=task, unit=u, role="lead" if n == 0 else "support", seq=n)
        for n, u in enumerate(units))
User = get_user_model()
for n, unit in enumerate(units):
    user = User.objects.create_user(f"soak{{n}}", password="{password}")
    Membership.objects.create(user=user, unit=unit)
print(plan.pk, ",".join(str(t) for t in plan.tasks.order_by("seq").values_list("pk", flat=True)))
"""

COUNT = """
import json
from tasks.models import ProgressReport
reports = ProgressReport.objects.filter(task__plan__title="并发压测方案")
stored = [[r.task_id, r.unit.name, str(r.period), r.figures.count()]
          for r in reports.select_related("unit").prefetch_related("figures")]
print(json.dumps(stored))
"""


def manage(*args, stdin=None, env=ENV):
    result = subprocess.run(  # noqa: S603
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def setup(clients):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)  # noqa: S603,S607
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    out = manage("shell", stdin=SETUP.format(clients=clients, tasks=TASKS, password=PASSWORD))
    plan, tasks = out.strip().splitlines()[-1].split()
    return [int(t) for t in tasks.split(",")]


def start_server(workers, env=ENV):
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "reform.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        # The log goes to a file: an unread pipe fills up and blocks the workers.
        stderr=open(LOG, "w"),  # noqa: SIM115
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(BASE + path, body, headers={"Referer": BASE + path})
        try:
            with self.opener.open(req, timeout=30) as response:
                # A workbook is not text: undecodable bytes become U+FFFD, the status is kept.
                return response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace"), exc.headers

    def csrf(self, html):
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match[1] if match else ""

    def login(self, username):
        _status, html, _ = self.request("/login/")
        status, _body, _ = self.request(
            "/login/",
            {"csrfmiddlewaretoken": self.csrf(html), "username": username, "password": PASSWORD},
        )
        return status == 302


def report_data(csrf, period, progress, *, figure, **extra):
    """A report as the form posts it: in progress, with one figure (培训人次)."""
    return {
        "csrfmiddlewaretoken": csrf,
        "period": period,
        "status": "in_progress",
        "percent": "50",
        "progress": progress,
        "problems": "",
        "next_steps": "",
        "action": "submit",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "30",
        "figures-0-name": "培训人次",
        "figures-0-value": figure,
        "figures-0-unit": "人次",
        **extra,
    }


def submitter(n, tasks, deadline, results):
    client = Client()
    while not client.login(f"soak{n}"):
        if time.time() > deadline:
            return
        time.sleep(0.5)
    # Each task is reported on for every recent period, the one the form proposes each time.
    pending = list(tasks)
    while pending and time.time() < deadline:
        task = pending[0]
        started = time.perf_counter()
        try:
            form = f"/tasks/{task}/report/?unit="
            status, html, headers = client.request(form)
            if status == 302 and "once=" in (headers.get("Location") or ""):
                form = headers["Location"]  # the form's own address, with its one-time token
                status, html, _ = client.request(form)
            proposed = re.search(r'<option value="(\d{4}-\d{2}-\d{2})" selected', html)
            if status != 200 or not proposed:
                results.append(("form", status, time.perf_counter() - started, None))
                # Every recent period reported, or a draft from a failed try to finish there.
                if status == 302:
                    pending.pop(0)
                continue
            period = proposed[1]
            data = report_data(client.csrf(html), period, f"并发填报 {n}-{task}", figure="10")
            status, _body, headers = client.request(form, data)
            elapsed = time.perf_counter() - started
            acknowledged = status == 302 and f"/tasks/{task}/" in (headers.get("Location") or "")
            results.append(
                (
                    "submit",
                    status,
                    elapsed,
                    (task, f"压测单位{n}", period) if acknowledged else None,
                )
            )
            if status in (200, 409):
                pending.pop(0)  # refused with a message (e.g. the period is taken)
        except DROPPED as exc:
            results.append(("error", type(exc).__name__, time.perf_counter() - started, None))
            time.sleep(0.2)


def inject(fault, server, at):
    time.sleep(at)
    if fault == "pg-restart":
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S603,S607
            check=True,
        )
    elif fault == "kill-worker":
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)],
            capture_output=True,  # noqa: S603,S607
            text=True,
            check=False,
        ).stdout.split()
        if workers:
            os.kill(int(workers[0]), signal.SIGKILL)


def stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fault", choices=["none", "pg-restart", "kill-worker"], default="none")
    args = parser.parse_args()
    tasks = setup(args.clients)
    server = start_server(args.workers)
    results = []
    deadline = time.time() + args.seconds
    threads = [
        threading.Thread(target=submitter, args=(n, tasks, deadline, results))
        for n in range(args.clients)
    ]
    if args.fault != "none":
        threads.append(threading.Thread(target=inject, args=(args.fault, server, args.seconds / 2)))
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    duration = time.time() - started
    stop(server)
    stored = json.loads(manage("shell", stdin=COUNT).strip().splitlines()[-1])
    stored_keys = {(t, u, p) for t, u, p, _figures in stored}
    acknowledged = {r[3] for r in results if r[3]}
    latencies = [r[2] for r in results if r[0] == "submit"]
    statuses = {}
    for kind, status, _elapsed, _key in results:
        statuses[f"{kind} {status}"] = statuses.get(f"{kind} {status}", 0) + 1
    report = {
        "fault": args.fault,
        "clients": args.clients,
        "seconds": round(duration, 1),
        "requests": len(results) * 2,
        "submissions": len(latencies),
        "rps": round(len(results) * 2 / duration, 1),
        "p50_ms": round(1000 * statistics.median(latencies)) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95)) if latencies else None,
        "p99_ms": round(1000 * percentile(latencies, 0.99)) if latencies else None,
        "outcomes": statuses,
        "server_errors": sum(v for k, v in statuses.items() if re.search(r" 5\d\d$", k)),
        "acknowledged": len(acknowledged),
        "stored": len(stored_keys),
        "lost": len(acknowledged - stored_keys),
        "partial": sum(1 for *_key, figures in stored if figures != 1),
    }
    print(json.dumps(report, ensure_ascii=False))
    # A run that stored nothing proves nothing (a changed form once made every submit a no-op).
    sys.exit(1 if report["lost"] or report["partial"] or not report["acknowledged"] else 0)


if __name__ == "__main__":
    main()
