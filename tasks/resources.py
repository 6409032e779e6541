"""Spreadsheet import/export for the admin: related objects are named the way people name them
(a plan by its title, a section by its title, units by name), never by id."""

import re

from django.utils.translation import gettext
from import_export import fields, resources, widgets

from tasks.models import Plan, Responsibility, Section, Task
from units.models import Unit

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


class SectionWidget(widgets.ForeignKeyWidget):
    """A section by its title, looked up within the row's plan."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Section.objects.filter(plan__title=row.get("方案"))


class TaskResource(resources.ModelResource):
    plan = fields.Field(
        attribute="plan", column_name="方案", widget=widgets.ForeignKeyWidget(Plan, "title")
    )
    section = fields.Field(
        attribute="section", column_name="板块", widget=SectionWidget(Section, "title")
    )
    seq = fields.Field(attribute="seq", column_name="顺序", widget=widgets.IntegerWidget())
    code = fields.Field(attribute="code", column_name="编号")
    title = fields.Field(attribute="title", column_name="任务")
    content = fields.Field(attribute="content", column_name="主要内容")
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
        return super().get_queryset().with_units()

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
                    rows.append(Responsibility(task=instance, unit=unit, role=role, seq=order))
        Responsibility.objects.bulk_create(rows)


class PlanResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name="标题")
    doc_number = fields.Field(attribute="doc_number", column_name="文号")
    issuing_unit = fields.Field(
        attribute="issuing_unit",
        column_name="印发单位",
        widget=widgets.ForeignKeyWidget(Unit, "name"),
    )
    issued_on = fields.Field(
        attribute="issued_on", column_name="印发日期", widget=widgets.DateWidget("%Y-%m-%d")
    )
    year = fields.Field(attribute="year", column_name="年度", widget=widgets.IntegerWidget())
    level = fields.Field(attribute="level", column_name="层级")
    reporting_cycle = fields.Field(attribute="reporting_cycle", column_name="填报周期")

    class Meta:
        model = Plan
        import_id_fields = ["title", "year"]
        fields = [
            "title",
            "doc_number",
            "issuing_unit",
            "issued_on",
            "year",
            "level",
            "reporting_cycle",
        ]
        skip_unchanged = True
