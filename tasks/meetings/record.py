"""Recording a meeting freezes its plans' tasks as the ledger prints them."""

from django.db import transaction
from django.utils import translation

from tasks.excel.ledger import Ledger, LedgerUnit, ledger_rows, responsibilities
from tasks.models import Meeting, Task, TaskSnapshot
from tasks.pages.dashboard import Row
from tasks.standing.lights import indicators_with_actuals


@transaction.atomic
def meeting_record(*, office, title, held_on, plans, user=None) -> Meeting:
    """督查会: the meeting, and a snapshot of every task of its plans as they stand now.
    Six queries whatever the number of tasks, and one insert per thousand."""
    meeting = Meeting(office=office, title=title, held_on=held_on, recorded_by=user)
    meeting.full_clean()
    meeting.save()
    meeting.plans.set(plans)
    tasks = Task.objects.filter(plan__in=plans).order_by("plan_id", "seq")
    by_task, units = responsibilities(tasks)
    rows = dict(ledger_rows(tasks, by_task, units))
    standing = list(tasks.select_related("plan", "section").defer("plan__source_text"))
    figures = indicators_with_actuals(standing)
    with translation.override("zh-hans"):  # reasons as the ledger prints them
        TaskSnapshot.objects.bulk_create(
            (
                TaskSnapshot(
                    meeting=meeting,
                    plan_id=task.plan_id,
                    task=task,
                    seq=task.seq,
                    section=str(task.section) if task.section else "",
                    status=task.status,
                    percent=task.percent,
                    light=task.light,
                    reasons=[str(reason) for reason in task.reasons],
                    report_id=task.latest_report_id,
                    figures=[figure(i) for i in figures.get(task.pk, [])],
                    units=[[units[u].name, role] for u, role in by_task.get(task.pk, [])],
                    row=rows[task.pk],
                )
                for task in standing
            ),
            batch_size=1000,
        )
    return meeting


def figure(indicator):
    """An indicator against its target, as text: {"indicator": "年度开展培训 ≥ 2000人次",
    "actual": "1200人次" or None}."""
    actual = indicator.actual
    if actual is not None:
        actual = f"{format(actual.normalize(), 'f')}{indicator.unit}"
    return {"indicator": str(indicator), "actual": actual}


def snapshot_ledger(snapshots) -> Ledger:
    """The ledger of a meeting's snapshots (in order), as it printed when recorded."""
    units, by_task = {}, {}
    total, sections, by_unit = Row("", {}), {}, {}
    for snap in snapshots:
        total.count(snap.status, snap.light)
        if snap.section:
            sections.setdefault(snap.section, Row(snap.section, {})).count(snap.status, snap.light)
        for name, role in snap.units:
            unit = units.setdefault(name, LedgerUnit(name, "", len(units)))
            by_task.setdefault(snap.pk, []).append((name, role))
            row = by_unit.setdefault(name, Row(name, {}, obj=unit))
            row.count(snap.status, snap.light)
    ordered = sorted(by_unit.values(), key=lambda r: r.obj.sort_order)
    rows = [(snap.pk, snap.row) for snap in snapshots]
    return Ledger((total, list(sections.values()), ordered), rows, by_task, units)
