"""Writes that touch several rows: report submission and review, closing tasks.

Every write that a person starts from a form carries the version the form was built from; a
stale version is refused with `Conflict`, listing what changed meanwhile (no lost updates).
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tasks.models import Attachment, ProgressReport, ReportFigure, Task
from tasks.standing.refresh import refreshing, touched

State = ProgressReport.State


@dataclass
class Change:
    field: str
    old: object
    new: object


class Conflict(Exception):
    """The object changed since the form was opened; `changes` say how."""

    def __init__(self, changes):
        super().__init__(_("该记录已被他人修改。"))
        self.changes = changes


def claim_version(obj, expected):
    """Compare-and-swap on `version`: only one save from a given version may pass."""
    model = type(obj)
    if expected is None:  # a form without its version: treat as stale, never overwrite
        raise Conflict(changes_since(obj, obj.version))
    if not model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise Conflict(changes_since(obj, expected))
    obj.version = expected + 1


def changes_since(obj, version):
    """Fields that differ between the saved version `version` and the row as it is now."""
    records = obj.history.filter(version__gte=version).order_by("history_date")
    old = next((r for r in records if r.version == version), None)
    new = records.last()
    if old is None or new is None:
        return []
    skip = {"id", "version", "updated_at"}
    return [
        Change(field.verbose_name, getattr(old, field.attname), getattr(new, field.attname))
        for field in type(obj)._meta.concrete_fields
        if field.attname not in skip
        and getattr(old, field.attname, None) != getattr(new, field.attname, None)
    ]


def report_save(*, task: Task, unit, report: ProgressReport | None = None, **kwargs):
    """Saves a unit's report as a draft or submits it for review (`report_write`).

    A second report of the unit's period is refused, also one that passed the check while
    another was being saved (two tabs, a double click): the database's constraint refuses
    it, and once its transaction has rolled back the check says why."""
    try:
        return report_write(task=task, unit=unit, report=report, **kwargs)
    except IntegrityError:
        period = kwargs["values"].get("period")
        ProgressReport(
            pk=report and report.pk, task=task, unit=unit, period=period
        ).validate_constraints()
        raise


@refreshing()
def report_write(
    *,
    task: Task,
    unit,
    author,
    values: dict,
    figures: list[dict],
    files=(),
    submit: bool,
    report: ProgressReport | None = None,
    version: int | None = None,
) -> ProgressReport:
    """`report_save`'s transaction."""
    if task.report_refusal:
        raise ValidationError(task.report_refusal)
    created = report is None
    if created:
        report = ProgressReport(task=task, unit=unit)
    else:
        if not report.is_editable:
            raise ValidationError(_("报告已提交，不能再修改。"))
        claim_version(report, version)
    for name, value in values.items():
        setattr(report, name, value)
    report.author = author
    report.state = State.SUBMITTED if submit else State.DRAFT
    report.submitted_on = timezone.localdate() if submit else None
    # The task, unit and author were just read: no query each to check that they exist.
    report.full_clean(exclude=["task", "unit", "author"], validate_constraints=False)
    report.validate_constraints()  # all of them, the unit's one report a period among them
    report.save()
    if not created:
        report.figures.all().delete()
    ReportFigure.objects.bulk_create(
        ReportFigure(report=report, seq=order, **figure) for order, figure in enumerate(figures)
    )
    for upload in files:
        attachment_add(report=report, upload=upload, user=author)
    return report


def attachment_add(*, report, upload, user):
    attachment = Attachment(
        report=report,
        token=uuid.uuid4().hex,
        name=upload.name[:200],
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def review(report, *, reviewer, version, state, comment):
    """Records the office's decision on a submitted report."""
    if report.state != State.SUBMITTED:
        raise ValidationError(_("只有待审核的报告可以审核或退回。"))
    claim_version(report, version)
    report.state = state
    report.review_comment = comment.strip()
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.save()
    return report


def take_report(task, report):
    """An accepted report sets its task's status, percent and reporting date."""
    task.status = report.status
    if report.percent is not None:
        task.percent = report.percent
    task.last_reported_on = report.submitted_on
    task.version += 1


@refreshing()
def report_accept(*, report: ProgressReport, reviewer, version: int, comment: str = ""):
    """Accepts a report; the task takes its status, percent and reporting date."""
    review(report, reviewer=reviewer, version=version, state=State.ACCEPTED, comment=comment)
    task = Task.objects.select_for_update().get(pk=report.task_id)
    take_report(task, report)
    task.save()
    return report


@refreshing()
def report_return(*, report: ProgressReport, reviewer, version: int, comment: str):
    """Returns a report to its unit with a comment saying what to fix."""
    if not comment.strip():
        raise ValidationError(_("退回时必须填写审核意见。"))
    review(report, reviewer=reviewer, version=version, state=State.RETURNED, comment=comment)
    return report


@refreshing()
def task_close(*, task: Task, user, version: int):
    """办结: the office closes a task whose accepted report says it is done."""
    if task.is_closed:
        raise ValidationError(_("任务已办结。"))
    done = task.reports.filter(state=State.ACCEPTED, status=Task.Status.DONE)
    if not done.exists():
        raise ValidationError(_("办结前需要一份已审核、状态为“已完成”的进展报告。"))
    claim_version(task, version)
    task.status = Task.Status.DONE
    task.percent = 100
    task.closed_at = timezone.now()
    task.closed_by = user
    task.save()
    return task


@refreshing()
def task_reopen(*, task: Task, user, version: int):
    """Reopens a closed task, e.g. when the office finds the work incomplete."""
    if not task.is_closed:
        raise ValidationError(_("任务未办结，无需重新打开。"))
    claim_version(task, version)
    task.status = Task.Status.IN_PROGRESS
    task.closed_at = None
    task.closed_by = None
    task.save()
    return task


@refreshing()
def reports_import(*, result, user, accept: bool, today) -> list[ProgressReport]:
    """Writes a checked import (`tasks.excel.progress.ImportResult`): every row or none.

    Bulk writes with history, so the number of queries does not grow with the rows.
    """
    if result.errors:
        raise ValidationError(_("存在错误，未导入任何数据。"))
    state = State.ACCEPTED if accept else State.SUBMITTED
    now = timezone.now()
    reports = []
    for row in result.writes:
        report = row.existing or ProgressReport(
            task=row.task, unit=result.unit, period=result.period
        )
        for name, value in row.values.items():
            setattr(report, name, value)
        report.state, report.author, report.submitted_on = state, user, today
        report.reviewed_by, report.reviewed_at = (user, now) if accept else (None, None)
        # The rows were checked against the database when read; only the values are validated
        # here, so the number of queries does not grow with the rows.
        report.full_clean(
            exclude=["task", "unit", "author", "reviewed_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        reports.append(report)
    updates = [r for r in reports if r.pk]
    creates = [r for r in reports if not r.pk]
    claim_versions(updates)
    bulk_update_with_history(
        updates,
        ProgressReport,
        [
            "status",
            "percent",
            "progress",
            "problems",
            "next_steps",
            "state",
            "author",
            "submitted_on",
            "reviewed_by",
            "reviewed_at",
            "version",
        ],
        default_user=user,
    )
    saved = updates + bulk_create_with_history(creates, ProgressReport, default_user=user)
    replace_figures(saved, result)
    if accept:
        tasks_take_reports(saved, user=user)
    touched(*{r.task_id for r in saved})  # written in bulk: no signals
    return saved


def claim_versions(reports):
    """Compare-and-swap on many reports at once: all were unchanged since the preview, or none."""
    if not reports:
        return
    unchanged = Q()
    for report in reports:
        unchanged |= Q(pk=report.pk, version=report.version)
    if ProgressReport.objects.filter(unchanged).update(version=F("version") + 1) != len(reports):
        raise Conflict([])
    for report in reports:
        report.version += 1


def replace_figures(reports, result):
    by_task = {row.task.pk: row for row in result.writes}
    ReportFigure.objects.filter(report__in=reports).delete()
    ReportFigure.objects.bulk_create(
        ReportFigure(report=r, indicator=i, name=i.name, value=v, unit=i.unit, seq=n)
        for r in reports
        for n, (i, v) in enumerate(by_task[r.task_id].figures)
    )


def tasks_take_reports(reports, *, user):
    """Accepted reports set their tasks' status, percent and reporting date."""
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=[r.task_id for r in reports])}
    for report in reports:
        take_report(tasks[report.task_id], report)
    bulk_update_with_history(
        list(tasks.values()),
        Task,
        ["status", "percent", "last_reported_on", "version"],
        default_user=user,
    )
