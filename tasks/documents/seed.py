"""Loads the fixtures built from the source documents (fixtures/*.json), idempotently.

Each row is found by its natural key and saved only when a value differs, so a second run
writes nothing: no updates, no history entries.
"""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import F

from tasks.documents.dates import plan_period
from tasks.models import (
    Indicator,
    Plan,
    ProgressReport,
    ReportFigure,
    Responsibility,
    Section,
    Task,
)
from tasks.standing.refresh import refreshing
from units.models import Unit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PLAN_FILES = ["plan-lvjian-2023.json", "plan-jiangsu-2022-12.json", "plan-shanhu-2021.json"]


def upsert(model, changes: Counter, defaults: dict, **lookup):
    """Get or create a row by `lookup`; save `defaults` only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        changes[f"{model._meta.model_name} created"] += 1
        return obj
    dirty = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if dirty:
        for name in dirty:
            setattr(obj, name, defaults[name])
        obj.save(update_fields=dirty)
        changes[f"{model._meta.model_name} updated"] += 1
    return obj


def read(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def parse_date(value):
    return date.fromisoformat(value) if value else None


@refreshing()
def load_seed() -> Counter:
    changes = Counter()
    units = load_units(read("units.json"), changes)
    plans = [(data, load_plan(data, units, changes)) for data in map(read, PLAN_FILES)]
    for data, plan in plans:  # the higher plan each implements, once all are there
        parent = Plan.objects.get(title=data["parent"]) if data.get("parent") else None
        if plan.parent_id != (parent and parent.pk):
            plan.parent = parent
            plan.save(update_fields=["parent"])
            changes["plan updated"] += 1
    load_reports(read("reports.json"), units, changes)
    return changes


def load_units(rows, changes):
    units = {}
    for order, row in enumerate(rows):
        units[row["name"]] = upsert(
            Unit,
            changes,
            {
                "short_name": row.get("short_name", ""),
                "kind": row["kind"],
                "is_office": row.get("is_office", False),
                "parent": units[row["parent"]] if row.get("parent") else None,
                "sort_order": order,
            },
            name=row["name"],
        )
    return units


def load_plan(data, units, changes):
    issued_on = parse_date(data["issued_on"])
    source_text = (FIXTURES / data["source_file"]).read_text(encoding="utf-8")
    starts_on, ends_on = plan_period(data["title"], data["year"], issued_on, source_text)
    plan = upsert(
        Plan,
        changes,
        {
            "doc_number": data["doc_number"],
            "issuing_unit": units[data["issuing_unit"]] if data["issuing_unit"] else None,
            "office": units[data["office"]],
            "issued_on": issued_on,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "level": data["level"],
            "source_text": source_text,
        },
        title=data["title"],
        year=data["year"],
    )
    seq = 0
    for section_seq, item in enumerate(data["sections"], start=1):
        section = upsert(
            Section,
            changes,
            {"code": item["code"], "title": item["title"]},
            plan=plan,
            seq=section_seq,
        )
        for row in item["tasks"]:
            seq += 1
            load_task(plan, section, seq, row, units, changes)
    return plan


def load_task(plan, section, seq, row, units, changes):
    task = upsert(
        Task,
        changes,
        {
            "section": section,
            "code": row["code"],
            "title": row["title"],
            "content": row["content"],
            "due_on": parse_date(row["due"]),
        },
        plan=plan,
        seq=seq,
    )
    roles = [(name, Responsibility.Role.LEAD) for name in row["lead"]]
    roles += [(name, Responsibility.Role.SUPPORT) for name in row["support"]]
    for order, (name, role) in enumerate(roles):
        upsert(Responsibility, changes, {"role": role, "seq": order}, task=task, unit=units[name])
    for order, ind in enumerate(row["indicators"]):
        upsert(
            Indicator,
            changes,
            {
                "comparator": ind["comparator"],
                "target": Decimal(ind["value"]),
                "unit": ind["unit"],
                "seq": order,
            },
            task=task,
            name=ind["name"],
        )


def load_reports(rows, units, changes):
    tasks = {
        (t.plan.title, t.code): t
        for t in Task.objects.select_related("plan").filter(
            plan__title__in={row["plan"] for row in rows}
        )
    }
    accepted = set()
    for row in rows:
        task = tasks[row["plan"], row["task"]]
        report = upsert(
            ProgressReport,
            changes,
            {
                "status": row["status"],
                "state": row["state"],
                "progress": row["progress"],
                "submitted_on": parse_date(row["submitted_on"]),
            },
            task=task,
            unit=units[row["unit"]],
            period=parse_date(row["period"]),
            source=row["source"],
        )
        for order, fig in enumerate(row["figures"]):
            upsert(
                ReportFigure,
                changes,
                {
                    "value": Decimal(fig["value"]),
                    "unit": fig["unit"],
                    "is_approximate": fig["approximate"],
                    "seq": order,
                },
                report=report,
                name=fig["name"],
            )
        if report.state == ProgressReport.State.ACCEPTED:
            accepted.add(task.pk)
    take_latest(accepted, changes)


def take_latest(task_ids, changes):
    """Each task takes the status, percent and date of its latest accepted report, as on
    review (`services.take_report`); with none left, it is not started."""
    for task_id in sorted(task_ids):
        latest = (
            ProgressReport.objects.filter(task_id=task_id, state=ProgressReport.State.ACCEPTED)
            .order_by(F("submitted_on").desc(nulls_last=True), "-pk")
            .first()
        )
        values = {"status": Task.Status.NOT_STARTED, "percent": 0, "last_reported_on": None}
        if latest is not None:
            values = {"status": latest.status, "last_reported_on": latest.submitted_on}
            if latest.percent is not None:
                values["percent"] = latest.percent
        upsert(Task, changes, values, pk=task_id)
