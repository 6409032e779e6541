"""A meeting's ledger: the plan as it stood when the meeting was recorded, and 本期变化."""

from reform import xlsx
from reform.xlsx import Column
from tasks.excel.ledger import LIGHT_LABELS, export_ledger, write_ledger
from tasks.meetings.changes import compare, last_meeting, plan_changes
from tasks.meetings.record import snapshot_ledger, snapshots_now
from tasks.models import Task

CHANGE_COLUMNS = [
    Column("序号", center=True, repeat=True),
    Column("工作任务", wrap=True, max_width=24, repeat=True),
    Column("红黄绿灯", center=True, fill_key=True),
    Column("本期变化", wrap=True, max_width=80),
]


def meeting_workbook(meeting, plan, *, output):
    """汇总, 台账 and the unit sheets from the meeting's snapshots, then 本期变化: the same
    workbook however long after the meeting it is printed. Five queries."""
    previous, changes = plan_changes(meeting, plan)
    dated = f"{meeting.title}（{meeting.held_on:%Y-%m-%d}）"
    write_with_changes(plan, previous, changes, dated=dated, output=output)


def plan_workbook(plan, *, today, output):
    """The plan's supervision workbook as of today; once the office has held a meeting on
    the plan, with 本期变化 since the last one."""
    last = last_meeting(plan)
    if last is None:
        export_ledger(Task.objects.filter(plan=plan), title=plan.title, today=today, output=output)
        return
    now = snapshots_now(Task.objects.filter(plan=plan))
    changes = compare({plan.pk: last}, {plan.pk: now})[plan.pk]
    write_with_changes(plan, last, changes, dated=f"导出日期：{today.isoformat()}", output=output)


def write_with_changes(plan, previous, changes, *, dated, output):
    """The ledger of the changes' snapshots, and 本期变化: each task that moved since the
    meeting `previous`."""

    def changes_sheet(book):
        since = f"与{previous}相比" if previous else "本方案的第一次督查会，没有可比较的上次记录"
        rows = [
            [c.snapshot.row[0], c.snapshot.row[2], c.snapshot.light, "；".join(c.changes)]
            for c in changes
            if c.changes
        ]
        xlsx.write_sheet(
            book,
            book.add_sheet("本期变化"),
            (CHANGE_COLUMNS, rows),
            title_rows=[f"{plan.title} · 本期变化", since],
            light_labels=LIGHT_LABELS,
        )

    ledger = snapshot_ledger([c.snapshot for c in changes])
    write_ledger(ledger, title=plan.title, dated=dated, output=output, more=changes_sheet)
