"""本期变化: what moved for each task of a plan between a meeting and the one before it."""

from dataclasses import dataclass, field

from django.db.models import Q

from tasks.excel.ledger import LIGHT_LABELS, STATUS_LABELS
from tasks.models import Light, Meeting, Task, TaskSnapshot


@dataclass
class TaskChange:
    """A task's snapshot at a meeting, and what moved since the meeting before."""

    snapshot: TaskSnapshot
    changes: list = field(default_factory=list)


def previous_meeting(meeting, plan):
    """The office's meeting on the plan just before this one, if any."""
    earlier = Q(held_on__lt=meeting.held_on) | Q(held_on=meeting.held_on, pk__lt=meeting.pk)
    meetings = Meeting.objects.filter(earlier, plans=plan, office=meeting.office_id)
    return meetings.order_by("-held_on", "-pk").first()


def plan_changes(meeting, plan):
    """(the meeting before, each task with what changed since it): four queries."""
    previous = previous_meeting(meeting, plan)
    now = list(
        TaskSnapshot.objects.filter(meeting=meeting, plan=plan)
        .select_related("report__unit", "report__task__plan")
        .defer("report__task__plan__source_text")
    )
    return previous, compare(previous, now, plan)


def last_meeting(plan):
    """The latest meeting of the plan's office on it, if any."""
    meetings = Meeting.objects.filter(plans=plan, office=plan.office_id)
    return meetings.order_by("-held_on", "-pk").first()


def compare(previous, now, plan) -> list[TaskChange]:
    """Each snapshot in `now` with what moved since the meeting `previous` (two queries)."""
    if previous is None:
        return [TaskChange(snap) for snap in now]
    before = {s.task_id: s for s in TaskSnapshot.objects.filter(meeting=previous, plan=plan)}
    streaks = red_streaks(previous, plan)
    return [
        TaskChange(snap, changed(before.get(snap.task_id), snap, streak(snap, streaks)))
        for snap in now
    ]


def streak(snap, streaks):
    """How many meetings in a row, this one included, found the task red."""
    return streaks.get(snap.task_id, 0) + 1 if snap.light == Light.RED else 0


def changed(before, now, streak) -> list[str]:
    """What moved between two snapshots of a task, in the ledger's words."""
    if before is None:
        return ["新增任务"]
    found = []
    if before.light != now.light:
        found.append(f"{LIGHT_LABELS[before.light]}→{LIGHT_LABELS[now.light]}")
    if before.status != now.status:
        found.append(f"状态：{STATUS_LABELS[before.status]}→{STATUS_LABELS[now.status]}")
    if before.percent != now.percent:
        found.append(f"进度：{before.percent}%→{now.percent}%")
    if now.report_id and now.report_id != before.report_id:
        report = now.report
        found.append(f"新的已审核报告：{report.unit.display_name} {report.period_label}")
    if now.light == Light.RED and streak >= 2:
        found.append(f"连续{streak}次红灯")
    actual = {f["indicator"]: f["actual"] for f in before.figures}
    for figure in now.figures:
        if figure["actual"] != actual.get(figure["indicator"]):
            was = actual.get(figure["indicator"]) or "—"
            found.append(f"{figure['indicator']}：{was}→{figure['actual'] or '—'}")
    return found + instructions_moved(before.instructions, now.instructions)


def instructions_moved(before, now) -> list[str]:
    """领导批示 answered since the meeting before, and those still open."""
    answered = {i["id"] for i in before if i["answered_on"]}
    found = []
    for instruction in now:
        if not instruction["answered_on"]:
            found.append(f"批示待办理：{instruction['name']}，{instruction['due_on']}前")
        elif instruction["id"] not in answered:
            found.append(f"批示已办理：{instruction['name']}")
    return found


def red_streaks(meeting, plan) -> dict:
    """task id → how many of the office's meetings on the plan in a row, up to and with
    this one, found it red."""
    rows = (
        TaskSnapshot.objects.filter(
            Q(meeting__held_on__lt=meeting.held_on)
            | Q(meeting__held_on=meeting.held_on, meeting__pk__lte=meeting.pk),
            plan=plan,
            meeting__office=meeting.office_id,
        )
        .order_by("meeting__held_on", "meeting_id")
        .values_list("task_id", "light")
    )
    streaks = {}
    for task_id, light in rows:
        streaks[task_id] = streaks.get(task_id, 0) + 1 if light == Light.RED else 0
    return streaks


def counts(snapshots) -> dict:
    """The plan's counts at the meeting: tasks, done, and each light."""
    found = {"tasks": 0, "done": 0} | {light: 0 for light in Light.values}
    for snap in snapshots:
        found["tasks"] += 1
        found["done"] += snap.status == Task.Status.DONE
        found[snap.light] += 1
    return found
