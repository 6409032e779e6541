"""本期变化: what moved for each task of a plan between a meeting and the one before it on
that plan."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from tasks.excel.ledger import LIGHT_LABELS, STATUS_LABELS
from tasks.models import Light, Meeting, Task, TaskSnapshot


@dataclass
class TaskChange:
    """A task's snapshot at a meeting, and what moved since the meeting before."""

    snapshot: TaskSnapshot
    changes: list = field(default_factory=list)


def earlier(meeting, prefix=""):
    """The office's meetings before this one: held earlier, or the same day and recorded
    first."""
    return Q(**{f"{prefix}held_on__lt": meeting.held_on}) | Q(
        **{f"{prefix}held_on": meeting.held_on, f"{prefix}pk__lt": meeting.pk}
    )


def meeting_changes(meeting, plans):
    """plan id → (the office's meeting on it just before this one, each of its tasks with
    what changed since): four queries however many plans the meeting covers."""
    links = (
        Meeting.plans.through.objects.filter(
            earlier(meeting, "meeting__"), plan__in=plans, meeting__office=meeting.office_id
        )
        .select_related("meeting")
        .order_by("meeting__held_on", "meeting_id")
    )
    previous = {link.plan_id: link.meeting for link in links}  # the latest wins
    now = defaultdict(list)
    for snap in (
        TaskSnapshot.objects.filter(meeting=meeting, plan__in=plans)
        .select_related("report__unit", "report__task__plan")
        .defer("report__task__plan__source_text")
    ):
        now[snap.plan_id].append(snap)
    compared = compare(previous, now)
    return {plan.pk: (previous.get(plan.pk), compared.get(plan.pk, [])) for plan in plans}


def plan_changes(meeting, plan):
    """(the meeting before on this plan, each task with what changed since it)."""
    return meeting_changes(meeting, [plan])[plan.pk]


def last_meeting(plan):
    """The latest meeting of the plan's office on it, if any."""
    meetings = Meeting.objects.filter(plans=plan, office=plan.office_id)
    return meetings.order_by("-held_on", "-pk").first()


def compare(previous, now) -> dict[int, list[TaskChange]]:
    """plan id → each snapshot of `now` (plan id → its snapshots) with what moved since the
    meeting `previous` (plan id → meeting, where there was one): two queries at most."""
    before, streaks = {}, {}
    if previous:
        snapshots = TaskSnapshot.objects.filter(meeting__in=previous.values(), plan__in=list(now))
        before = {
            snap.task_id: snap
            for snap in snapshots
            if snap.plan_id in previous and previous[snap.plan_id].pk == snap.meeting_id
        }
        streaks = red_streaks(previous)
    return {
        plan_id: [
            TaskChange(snap, changed(before.get(snap.task_id), snap, streak(snap, streaks)))
            if plan_id in previous
            else TaskChange(snap)
            for snap in snaps
        ]
        for plan_id, snaps in now.items()
    }


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


def red_streaks(previous) -> dict:
    """task id → how many of the office's meetings on its plan in a row, up to and with the
    one in `previous` (plan id → meeting), found it red."""
    latest = max(previous.values(), key=lambda m: (m.held_on, m.pk))
    rows = (
        TaskSnapshot.objects.filter(
            earlier(latest, "meeting__") | Q(meeting=latest),
            plan__in=list(previous),
            meeting__office=latest.office_id,
        )
        .order_by("meeting__held_on", "meeting_id")
        .values_list("plan_id", "task_id", "light", "meeting__held_on", "meeting_id")
    )
    streaks = {}
    for plan_id, task_id, light, held_on, meeting_id in rows:
        last = previous[plan_id]
        if (held_on, meeting_id) <= (last.held_on, last.pk):
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
