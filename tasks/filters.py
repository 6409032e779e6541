"""One FilterSet for the task list, its export and the dashboards' links."""

from functools import cached_property

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reform.widgets import FastSelect
from tasks.models import Light, Plan, Responsibility, Section, Task
from tasks.pages import cached, catalog_version, row_id
from units.models import Unit

ALL = _("全部")
# More plans than this are found by their title, not chosen from a list: a province's
# thousands made every task list page a select of 150 KB that nobody could scroll.
PLANS_LISTED = 200


class CatalogSelect(FastSelect):
    """A select of plans or units, its options written once per state of the catalog (its
    filter set's `catalog`: plans and responsible units come or go) and reused whatever else
    the reader filters by: a province's thousands of plans took 7 ms each time a new filter
    was chosen. A plan or unit renamed shows within PAGE_CACHE_SECONDS, as in the form."""

    catalog = staticmethod(catalog_version)  # a filter set gives its own, read once

    def options_html(self):
        choices = self.choices
        shape = [str(choices.queryset.query), self.label_field, str(choices.field.empty_label)]
        return cached(["select options", *shape, self.catalog()], super().options_html)


class Ordering(filters.OrderingFilter):
    descending_fmt = _("%s（倒序）")


class TaskFilter(filters.FilterSet):
    plan = filters.ModelChoiceFilter(
        label=_("方案"),
        queryset=Plan.objects.none(),
        empty_label=ALL,
        widget=CatalogSelect(label_field="title"),
    )
    plan_title = filters.CharFilter(
        label=_("方案"),
        method="filter_plan_title",
        widget=forms.TextInput(attrs={"placeholder": _("输入方案名称查找")}),
    )
    section = filters.ModelChoiceFilter(
        label=_("板块"), queryset=Section.objects.none(), empty_label=ALL, widget=FastSelect
    )
    unit = filters.ModelChoiceFilter(
        label=_("责任部门"),
        queryset=Unit.objects.none(),
        method="filter_unit",
        empty_label=ALL,
        widget=CatalogSelect(label_field="name"),
    )
    role = filters.ChoiceFilter(
        label=_("职责"),
        choices=Responsibility.Role.choices,
        method="filter_role",
        empty_label=_("牵头或配合"),
    )
    status = filters.ChoiceFilter(label=_("状态"), choices=Task.Status.choices, empty_label=ALL)
    due = filters.DateFromToRangeFilter(
        field_name="due_on",
        label=_("完成时限"),
        widget=filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    q = filters.CharFilter(label=_("关键词"), method="filter_text")
    light = filters.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices, empty_label=ALL)
    o = Ordering(
        fields=[
            ("plan__year", "year"),
            ("seq", "seq"),
            ("due_on", "due"),
            ("status", "status"),
            ("percent", "percent"),
            ("last_reported_on", "reported"),
        ],
        field_labels={
            "year": _("年度"),
            "seq": _("序号"),
            "due": _("完成时限"),
            "status": _("状态"),
            "percent": _("完成进度"),
            "reported": _("最近填报"),
        },
        label=_("排序"),
        empty_label=_("按方案和序号"),
    )

    class Meta:
        model = Task
        fields = []

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        plans = Plan.objects.visible_to(user)
        self.filters["plan"].queryset = plans
        # 板块 are chosen within a plan: a province has thousands of them.
        plan_id = row_id(self.data.get("plan", ""))
        sections = Section.objects.none()
        if plan_id is not None:
            sections = Section.objects.filter(plan__in=plans, plan_id=plan_id)
        self.filters["section"].queryset = sections
        answering = Responsibility.objects.filter(unit=OuterRef("pk"))
        self.filters["unit"].queryset = Unit.objects.filter(Exists(answering))
        for name in ("plan", "unit"):
            self.filters[name].extra["widget"].catalog = lambda: self.catalog
        if self.catalog[0]["n"] > PLANS_LISTED:
            # Chosen by its title; a plan's id (the dashboards' links) still filters.
            self.filters["plan"].extra["widget"] = forms.HiddenInput
        else:
            del self.filters["plan_title"]

    @cached_property
    def catalog(self):
        """The version of the plans and units to choose among (two small queries, once)."""
        return catalog_version()

    def filter_plan_title(self, queryset, name, text):
        """The tasks of the plan with this title, or of every plan whose title contains it."""
        text = text.strip()
        if not text:
            return queryset
        named = Plan.objects.filter(title=text)
        if named.exists():
            return queryset.filter(plan__in=named)
        return queryset.filter(plan__title__icontains=text)

    def filter_unit(self, queryset, name, unit):
        """The unit's tasks (in a role), in the unit page's order: by year, plan and 序号.
        A task answers to a unit once (`Responsibility`'s unique task and unit), so joined
        to the unit's responsibilities each task comes once, and a page of them is read along
        the (unit, role, key) index: a page of a unit's 配合 tasks took PostgreSQL 1.5–2.1 ms
        to find by a semi-join sorted by plan, 0.24 ms so. (By the (plan, seq) index it had
        walked every task in plan order and probed each for the unit: 105 ms.)"""
        role = self.form.cleaned_data.get("role")
        wanted = {"responsibilities__unit": unit}
        if role:
            wanted["responsibilities__role"] = role
        return queryset.filter(**wanted).order_by("responsibilities__sort_key")

    def filter_role(self, queryset, name, role):
        if self.form.cleaned_data.get("unit"):
            return queryset  # applied together with the unit
        # A semi-join, as for the unit: DISTINCT over the join sorted 100,000 tasks' rows.
        return queryset.filter(pk__in=Responsibility.objects.filter(role=role).values("task"))

    def filter_text(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(content__icontains=text) | Q(code=text))
