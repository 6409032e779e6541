"""Recording a meeting freezes its plans' tasks as the ledger prints them."""

from django.db import transaction
from django.utils import translation

from tasks.excel.ledger import Ledger, LedgerUnit, ledger_rows, responsibilities
from tasks.models import Instruction, Meeting, Task, TaskSnapshot
from tasks.pages.dashboard import Row
from tasks.standing.lights import indicators_with_actuals


@transaction.atomic
def meeting_record(*, office, title, held_on, plans, user=None) -> Meeting:
    """督查会: the meeting, and a snapshot of every task of its plans as they stand now.
    Nine queries whatever the number of tasks, and one insert per thousand."""
    meeting = Meeting(office=office, title=title, held_on=held_on, recorded_by=user)
    meeting.full_clean()
    meeting.save()
    meeting.plans.set(plans)
    snapshots = snapshots_now(Task.objects.filter(plan__in=plans))
    for snap in snapshots:
        snap.meeting = meeting
    TaskSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    return meeting


def snapshots_now(tasks) -> list[TaskSnapshot]:
    """Each task's standing as a snapshot not yet saved (five queries), in plan order."""
    tasks = tasks.order_by("plan_id", "seq")
    by_task, units = responsibilities(tasks)
    rows = dict(ledger_rows(tasks, by_task, units))
    standing = tasks.select_related("plan", "section", "latest_report__unit")
    standing = list(standing.defer("plan__source_text"))
    figures = indicators_with_actuals(standing)
    instructions = {}
    for instruction in Instruction.objects.filter(task__in=[t.pk for t in standing]):
        instructions.setdefault(instruction.task_id, []).append(instruction.as_noted())
    with translation.override("zh-hans"):  # reasons as the ledger prints them
        return [
            snapshot(task, rows, figures, by_task, units, instructions.get(task.pk, []))
            for task in standing
        ]


def snapshot(task, rows, figures, by_task, units, instructions):
    """A task's snapshot from what `snapshots_now` read."""
    report = task.latest_report
    if report is not None:
        report.task = task  # its period's name needs the plan, read already
    return TaskSnapshot(
        plan_id=task.plan_id,
        task=task,
        seq=task.seq,
        section=str(task.section) if task.section else "",
        status=task.status,
        percent=task.percent,
        light=task.light,
        reasons=[str(reason) for reason in task.reasons],
        report=report,
        figures=[figure(i) for i in figures.get(task.pk, [])],
        units=[[units[u].name, role] for u, role in by_task.get(task.pk, [])],
        instructions=instructions,
        row=rows[task.pk],
    )


def figure(indicator):
    """An indicator against its target, as text: {"indicator": "年度开展培训 ≥ 2000人次",
    "actual": "1200人次" or None}."""
    actual = indicator.actual
    if actual is not None:
        actual = f"{format(actual.normalize(), 'f')}{indicator.unit}"
    return {"indicator": str(indicator), "actual": actual}


def snapshot_ledger(snapshots) -> Ledger:
    """The ledger of snapshots (in order, keyed by their place), as it printed when they
    were taken."""
    units, by_task = {}, {}
    total, sections, by_unit = Row("", {}), {}, {}
    for key, snap in enumerate(snapshots):
        total.count(snap.status, snap.light)
        if snap.section:
            sections.setdefault(snap.section, Row(snap.section, {})).count(snap.status, snap.light)
        for name, role in snap.units:
            unit = units.setdefault(name, LedgerUnit(name, "", len(units)))
            by_task.setdefault(key, []).append((name, role))
            row = by_unit.setdefault(name, Row(name, {}, obj=unit))
            row.count(snap.status, snap.light)
    ordered = sorted(by_unit.values(), key=lambda r: r.obj.sort_order)
    rows = list(enumerate(snap.row for snap in snapshots))
    return Ledger((total, list(sections.values()), ordered), rows, by_task, units)
