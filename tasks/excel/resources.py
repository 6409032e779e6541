"""Spreadsheet import/export for the admin: related objects are named the way people name them
(a plan by its title, a section by its title, units by name), never by id."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from tasks.access import manages
from tasks.models import Plan, ProgressReport, Responsibility, Section, Task
from tasks.standing.periods import plan_periods
from tasks.standing.refresh import touched
from units.models import Unit
from units.resources import WithinWidget
from units.roles import is_office, office_ids, unit_ids

TEXT = widgets.CharWidget(allow_blank=True)  # an empty cell is "", never NULL
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")


class UnitNamesWidget(widgets.Widget):
    """Unit names separated by 、 or commas, as a 分工方案 writes them."""

    def clean(self, value, row=None, **kwargs):
        names = [n for n in NAME_SEPARATORS.split(str(value or "").strip()) if n]
        found = {u.name: u for u in Unit.objects.filter(name__in=names)}
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValueError(gettext("未知单位：%(names)s") % {"names": "、".join(unknown)})
        return [found[n] for n in names]

    def render(self, value, obj=None, **kwargs):
        return "、".join(unit.name for unit in value or [])


class ResponsibilityField(fields.Field):
    """The units of one role; held on the instance until the task is saved."""

    def __init__(self, role, **kwargs):
        self.role = role
        super().__init__(attribute=f"imported_{role}_units", widget=UnitNamesWidget(), **kwargs)

    def get_value(self, obj):
        pending = getattr(obj, "imported_roles", {})
        if self.role in pending:
            return pending[self.role]
        return obj.units_in_role(self.role) if obj.pk else []

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not hasattr(instance, "imported_roles"):
            instance.imported_roles = {}
        instance.imported_roles[self.role] = self.clean(row, **kwargs)


class ScopedWidget(widgets.ForeignKeyWidget):
    """A related object named in a row, found among the plans the importing user may change
    (set by the resource): a row naming another office's plan finds nothing."""

    plans = Plan.objects.all()

    def get_queryset(self, value, row, *args, **kwargs):
        return self.plans


class SectionWidget(ScopedWidget):
    """A section by its title, looked up within the row's plan."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Section.objects.filter(plan__in=self.plans, plan__title=row.get("方案"))


class ScopedResource(resources.ModelResource):
    """Rows limited to the plans the user may change: those their office manages (every
    plan for IT, and without a user, as in a shell)."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.plans = Plan.objects.managed_by(user) if user else Plan.objects.all()
        for field in self.fields.values():
            if isinstance(field.widget, ScopedWidget):
                field.widget.plans = self.plans


class TaskResource(ScopedResource):
    plan = fields.Field(attribute="plan", column_name="方案", widget=ScopedWidget(Plan, "title"))
    section = fields.Field(
        attribute="section", column_name="板块", widget=SectionWidget(Section, "title")
    )
    seq = fields.Field(attribute="seq", column_name="顺序", widget=widgets.IntegerWidget())
    code = fields.Field(attribute="code", column_name="编号", widget=TEXT)
    title = fields.Field(attribute="title", column_name="任务", widget=TEXT)
    content = fields.Field(attribute="content", column_name="主要内容", widget=TEXT)
    lead = ResponsibilityField(Responsibility.Role.LEAD, column_name="牵头部门")
    support = ResponsibilityField(Responsibility.Role.SUPPORT, column_name="配合部门")
    due_on = fields.Field(
        attribute="due_on", column_name="完成时限", widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Task
        import_id_fields = ["plan", "seq"]
        fields = ["plan", "section", "seq", "code", "title", "content", "lead", "support", "due_on"]

    def get_queryset(self):
        return Task.objects.filter(plan__in=self.plans).with_units()

    def after_save_instance(self, instance, row, **kwargs):
        roles = getattr(instance, "imported_roles", None)
        if roles is None:
            return
        instance.responsibilities.all().delete()
        rows, seen = [], set()
        for role, units in roles.items():
            for order, unit in enumerate(units):
                if unit.pk not in seen:
                    seen.add(unit.pk)
                    rows.append(
                        Responsibility(
                            task=instance, plan_id=instance.plan_id, unit=unit, role=role, seq=order
                        )
                    )
        Responsibility.objects.bulk_create(rows)
        touched(instance.pk)  # bulk_create sends no signals


class PlanResource(ScopedResource):
    title = fields.Field(attribute="title", column_name="标题")
    office = fields.Field(
        attribute="office", column_name="产改办", widget=WithinWidget(Unit, "name")
    )
    doc_number = fields.Field(attribute="doc_number", column_name="文号", widget=TEXT)
    issuing_unit = fields.Field(
        attribute="issuing_unit",
        column_name="印发单位",
        widget=widgets.ForeignKeyWidget(Unit, "name"),
    )
    issued_on = fields.Field(
        attribute="issued_on", column_name="印发日期", widget=widgets.DateWidget("%Y-%m-%d")
    )
    year = fields.Field(attribute="year", column_name="年度", widget=widgets.IntegerWidget())
    starts_on = fields.Field(
        attribute="starts_on", column_name="执行起始", widget=widgets.DateWidget("%Y-%m-%d")
    )
    ends_on = fields.Field(
        attribute="ends_on", column_name="执行截止", widget=widgets.DateWidget("%Y-%m-%d")
    )
    level = fields.Field(attribute="level", column_name="层级", widget=TEXT)
    reporting_cycle = fields.Field(attribute="reporting_cycle", column_name="填报周期", widget=TEXT)

    class Meta:
        model = Plan
        import_id_fields = ["title", "year"]
        fields = [
            "title",
            "office",
            "doc_number",
            "issuing_unit",
            "issued_on",
            "year",
            "starts_on",
            "ends_on",
            "level",
            "reporting_cycle",
        ]
        skip_unchanged = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user, **kwargs)
        offices = Unit.objects.offices()  # an office by name, among those the user manages
        if user is not None and not user.is_superuser:
            offices = offices.filter(pk__in=office_ids(user) if is_office(user) else ())
        self.fields["office"].widget.within = offices

    def get_queryset(self):
        return self.plans

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A row without an office is its importer's, when they have exactly one.
        if instance.office_id is None and self.user is not None:
            offices = list(self.fields["office"].widget.within[:2])
            if len(offices) != 1:
                raise ValidationError({"office": gettext("请填写方案归属的产改办。")})
            instance.office = offices[0]


class TaskByCodeWidget(ScopedWidget):
    """A task by its code as printed, within the row's plan (named by title)."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Task.objects.filter(plan__in=self.plans, plan__title=row.get("方案"))


class ProgressReportResource(ScopedResource):
    """Progress reports in a spreadsheet; rows are limited to the importing user's units."""

    plan = fields.Field(attribute="task__plan__title", column_name="方案", readonly=True)
    task = fields.Field(
        attribute="task", column_name="任务编号", widget=TaskByCodeWidget(Task, "code")
    )
    unit = fields.Field(
        attribute="unit", column_name="填报单位", widget=widgets.ForeignKeyWidget(Unit, "name")
    )
    period = fields.Field(
        attribute="period", column_name="填报周期", widget=widgets.DateWidget("%Y-%m-%d")
    )
    status = fields.Field(attribute="status", column_name="状态", widget=TEXT)
    percent = fields.Field(
        attribute="percent", column_name="完成进度", widget=widgets.IntegerWidget()
    )
    progress = fields.Field(attribute="progress", column_name="工作进展", widget=TEXT)
    problems = fields.Field(attribute="problems", column_name="存在问题", widget=TEXT)
    next_steps = fields.Field(attribute="next_steps", column_name="下步计划", widget=TEXT)
    state = fields.Field(attribute="state", column_name="审核状态", widget=TEXT)
    submitted_on = fields.Field(
        attribute="submitted_on", column_name="报送日期", widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = ProgressReport
        import_id_fields = ["task", "unit", "period"]
        fields = [
            "plan",
            "task",
            "unit",
            "period",
            "status",
            "percent",
            "progress",
            "problems",
            "next_steps",
            "state",
            "submitted_on",
        ]
        skip_unchanged = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user, **kwargs)
        # Departments import their reports on every plan they read.
        self.fields["task"].widget.plans = Plan.objects.visible_to(user) if user else self.plans

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.user).with_task().select_related("unit")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Scope on import rows: the plan's office imports for any unit, others for their own.
        managed = instance.task_id and manages(self.user, instance.task.plan)
        if not managed and instance.unit_id not in unit_ids(self.user):
            raise ValidationError({"unit": gettext("无权为该单位导入进展报告。")})
        if instance.task_id and instance.task.report_refusal:
            raise ValidationError({"task": str(instance.task.report_refusal)})
        if (
            instance.task_id
            and instance.unit_id
            and not instance.task.responsibilities.filter(unit_id=instance.unit_id).exists()
        ):
            raise ValidationError({"unit": gettext("该单位不是这项任务的责任部门。")})
        if instance.period and not is_plan_period(instance.task, instance.period):
            raise ValidationError({"period": gettext("填报周期不在方案执行期内，或尚未开始。")})


def is_plan_period(task, day):
    """Whether `day` starts one of the task's plan's periods up to today."""
    periods = plan_periods(task.plan, timezone.localdate())
    return any(p.start == day for p in periods)
