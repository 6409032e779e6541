"""A demo scenario on the 2023 绿建区 plan: example reports dated within 2023, every one
marked 示例数据 (its source, and the first words of its texts), added and removed as a whole.
The seed stays exactly what the documents say; this is for a first look only."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from tasks.documents.seed import read, take_latest
from tasks.models import Plan, ProgressReport, ReportFigure, ScoreRules, Task
from tasks.models.reports import EXAMPLE_SOURCE
from tasks.scoring.rules import SUGGESTED
from tasks.standing.periods import period_containing
from tasks.standing.refresh import refreshing

MARK = "【示例数据】"
# Task 5's target, 年度开展培训不少于2000人次: the trainings counted by the end of each quarter.
TRAINED = [Decimal(450), Decimal(980), Decimal(1520), Decimal(2080)]
LAST_DAY = date(2023, 12, 28)  # a report on the fourth quarter, sent before the year ends


def demo_plan():
    return Plan.objects.filter(title=read("plan-lvjian-2023.json")["title"]).first()


@refreshing()
def add_demo() -> int:
    """Adds the example reports that are not there yet; the number added."""
    plan = demo_plan()
    if plan is None:
        return 0
    tasks = list(Task.objects.with_units().filter(plan=plan).order_by("seq"))
    existing = set(
        ProgressReport.objects.filter(task__plan=plan).values_list("task_id", "unit_id", "period")
    )
    added = 0
    for task in tasks:
        for index, unit in enumerate(task.lead_units + task.support_units):
            for quarter in range(1, 5):
                report = example(task, unit, index, quarter)
                if report is None or (task.pk, unit.pk, report.period) in existing:
                    continue
                report.save()
                added += 1
                if task.seq == 5 and index == 0:
                    add_figure(task, report, quarter)
    take_latest({t.pk for t in tasks}, Counter())
    add_rules(plan)
    return added


def add_rules(plan):
    """The suggested 考核 rules as the office's default from 2023, so that the scores page
    and the overview's ranking have something to show; marked like the reports."""
    rules = ScoreRules.objects.filter(office=plan.office, plan=None)
    if plan.office is None or rules.exists():
        return
    ScoreRules.objects.create(
        office=plan.office,
        version=1,
        effective_from=date(2023, 1, 1),
        items=SUGGESTED,
        note=EXAMPLE_SOURCE,
    )


def example(task, unit, index, quarter):
    """The example report of a unit on a task for a 2023 quarter, or None where the scenario
    has it missing. Most are on time, some late, a few missing; tasks 6, 12 and 18 are done
    by the year's end."""
    if (task.seq + quarter + index) % 7 == 0:
        return None
    period = period_containing(task.plan, date(2023, 3 * quarter - 2, 1))
    sent_on = period.deadline - timedelta(days=2)
    if (task.seq + quarter) % 5 == 0:
        sent_on = period.deadline + timedelta(days=20)
    if quarter == 4:
        if task.seq % 3:
            return None  # the fourth quarter is reported early on a third of the tasks
        sent_on = LAST_DAY
    done = quarter == 4 and task.seq % 6 == 0
    percent = 100 if done else min(95, quarter * 22 + task.seq % 4 * 3)
    label = period.label
    return ProgressReport(
        task=task,
        unit=unit,
        period=period.start,
        status=Task.Status.DONE if done else Task.Status.IN_PROGRESS,
        percent=percent,
        progress=f"{MARK}{label}，{unit.display_name}推进“{task.title}”，完成进度{percent}%。",
        problems="" if done else f"{MARK}部分工作需与相关部门进一步协调。",
        next_steps="" if done else f"{MARK}下一季度继续按计划推进。",
        state=ProgressReport.State.ACCEPTED,
        submitted_on=sent_on,
        source=EXAMPLE_SOURCE,
    )


def add_figure(task, report, quarter):
    indicator = task.indicators.first()
    if indicator is not None:
        ReportFigure.objects.create(
            report=report,
            indicator=indicator,
            name=indicator.name,
            value=TRAINED[quarter - 1],
            unit=indicator.unit,
        )


@refreshing()
def remove_demo() -> int:
    """Removes every example report (and the example rules); the tasks take back what their
    own reports say."""
    reports = ProgressReport.objects.filter(source=EXAMPLE_SOURCE)
    task_ids = set(reports.values_list("task_id", flat=True))
    removed = reports.count()
    reports.delete()
    ScoreRules.objects.filter(note=EXAMPLE_SOURCE).delete()
    take_latest(task_ids, Counter())
    return removed
