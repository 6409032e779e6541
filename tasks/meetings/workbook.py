"""A meeting's ledger: the plan as it stood when the meeting was recorded, and 本期变化."""

from reform import xlsx
from reform.xlsx import Column
from tasks.excel.ledger import LIGHT_LABELS, write_ledger
from tasks.meetings.changes import plan_changes
from tasks.meetings.record import snapshot_ledger
from tasks.models import TaskSnapshot

CHANGE_COLUMNS = [
    Column("序号", center=True, repeat=True),
    Column("工作任务", wrap=True, max_width=24, repeat=True),
    Column("红黄绿灯", center=True, fill_key=True),
    Column("本期变化", wrap=True, max_width=80),
]


def meeting_workbook(meeting, plan, *, output):
    """汇总, 台账 and the unit sheets from the meeting's snapshots, then 本期变化: the same
    workbook however long after the meeting it is printed. Six queries."""
    snapshots = list(TaskSnapshot.objects.filter(meeting=meeting, plan=plan))
    previous, changes = plan_changes(meeting, plan)

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

    write_ledger(
        snapshot_ledger(snapshots),
        title=plan.title,
        dated=f"{meeting.title}（{meeting.held_on:%Y-%m-%d}）",
        output=output,
        more=changes_sheet,
    )
