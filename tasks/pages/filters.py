"""One FilterSet for the task list, its export and the dashboards' links."""

from functools import cached_property

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tasks.models import Light, Plan, Responsibility, Section, Task
from units.models import Unit

ALL = _("全部")
# More plans or units than this are found by their name, not chosen from a list: a province's
# thousands of plans made every task list page a select of 150 KB that nobody could scroll.
LISTED = 200
# The filter of a row chosen by its id (the dashboards' links), and its search by name.
SEARCHED = {"plan": "plan_title", "unit": "unit_name"}


def row_id(text):
    """`text` (from a query string) as the id of a row, or None where no row can have it:
    not digits ("²" passes `isdigit`), or past what a 64-bit key holds."""
    text = str(text)
    return int(text) if text.isdecimal() and len(text) < 20 and int(text) < 2**63 else None


def section_with_plan(section):
    title = section.plan.title
    return f"{title if len(title) <= 14 else title[:13] + '…'} · {section}"


class Ordering(filters.OrderingFilter):
    descending_fmt = _("%s（倒序）")


class TaskFilter(filters.FilterSet):
    plan = filters.ModelChoiceFilter(
        label=_("方案"),
        queryset=Plan.objects.none(),
        empty_label=ALL,
    )
    plan_title = filters.CharFilter(
        label=_("方案"),
        method="filter_plan_title",
        widget=forms.TextInput(attrs={"placeholder": _("输入方案名称查找")}),
    )
    section = filters.ModelChoiceFilter(
        label=_("板块"), queryset=Section.objects.none(), empty_label=ALL
    )
    unit = filters.ModelChoiceFilter(
        label=_("责任部门"),
        queryset=Unit.objects.none(),
        method="filter_unit",
        empty_label=ALL,
    )
    unit_name = filters.CharFilter(
        label=_("责任部门"),
        method="filter_unit_name",
        widget=forms.TextInput(attrs={"placeholder": _("输入单位名称查找")}),
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
        # Text with an example, not the browser's date input: that speaks the browser's
        # language (mm/dd/yyyy in an English one), and people type dates as 2023-06-30.
        widget=filters.widgets.RangeWidget(
            attrs={"placeholder": _("如 2023-06-30"), "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    # Reached by the coverage page's links: the tasks of an office's plans that carry out a
    # measure of the higher plan.
    office = filters.ModelChoiceFilter(
        label=_("产改办"),
        field_name="plan__office",
        queryset=Unit.objects.none(),
        widget=forms.HiddenInput,
    )
    measure = filters.ModelChoiceFilter(
        label=_("落实上级措施"),
        field_name="parent_task",
        queryset=Task.objects.none(),
        widget=forms.HiddenInput,
    )
    q = filters.CharFilter(label=_("关键词"), method="filter_text")
    light = filters.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices, empty_label=ALL)
    # Archived plans are left out unless asked for, or chosen by name or id.
    archive = filters.ChoiceFilter(
        label=_("方案范围"),
        choices=[("archived", _("仅已归档方案")), ("all", _("含已归档方案"))],
        method="filter_archive",
        empty_label=_("未归档方案"),
    )
    o = Ordering(
        fields=[
            ("plan__year", "year"),
            ("seq", "seq"),
            ("due_on", "due"),
            ("status", "status"),
            ("percent", "percent"),
            ("last_reported_on", "reported"),
        ],
        field_labels={  # by model field, as django-filter looks them up
            "plan__year": _("年度"),
            "seq": _("序号"),
            "due_on": _("完成时限"),
            "status": _("状态"),
            "percent": _("完成进度"),
            "last_reported_on": _("最近填报"),
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
        self.filters["plan"].queryset = plans.only("pk", "title").order_by("-year", "title")
        # 板块 of the chosen plan; of every plan the reader reads where they are few, named
        # with their plan; a province's thousands only within a plan.
        plan_id = row_id(self.data.get("plan", ""))
        sections = Section.objects.filter(plan__in=plans)
        if plan_id is not None:
            sections = sections.filter(plan_id=plan_id)
        elif sections.count() > LISTED:
            sections = Section.objects.none()
        self.filters["section"].queryset = (
            sections.select_related("plan")
            .only("pk", "code", "title", "plan__title")
            .order_by("-plan__year", "plan", "seq")
        )
        self.filters["office"].queryset = Unit.objects.visible_to(user).offices()
        self.filters["measure"].queryset = Task.objects.visible_to(user)
        answering = Responsibility.objects.visible_to(user).filter(unit=OuterRef("pk"))
        self.filters["unit"].queryset = Unit.objects.filter(Exists(answering)).only("pk", "name")
        listed = {"plan": plans.count(), "unit": Unit.objects.count()}  # the answering, at most
        for name, search in SEARCHED.items():
            if listed[name] > LISTED:
                # Found by name; an id (the dashboards' links) still filters.
                self.filters[name].extra["widget"] = forms.HiddenInput
            else:
                del self.filters[search]
        if plan_id is None:
            self.form.fields["section"].label_from_instance = section_with_plan

    @cached_property
    def archived_plans(self):
        """The ids of the archived plans, whose tasks are left out unless asked for."""
        return Plan.objects.archived_ids()

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        chosen = data.get("archive") or data.get("plan") or data.get("plan_title")
        if self.archived_plans and not chosen:
            queryset = queryset.exclude(plan_id__in=self.archived_plans)
        return super().filter_queryset(queryset)

    def filter_archive(self, queryset, name, value):
        if value == "archived":
            return queryset.filter(plan_id__in=self.archived_plans)
        return queryset

    def searches(self):
        """The lists searched by name: each search field, its errors and those of the id it
        stands in for (a link to a row that is gone), and the row chosen by that id."""
        form = self.form
        chosen = form.cleaned_data if form.is_valid() else {}
        return [
            {
                "field": form[search],
                "errors": [*form[search].errors, *form[name].errors],
                "chosen": chosen.get(name),
            }
            for name, search in SEARCHED.items()
            if search in form.fields
        ]

    def narrowed(self):
        """The office and the measure chosen by a coverage link, each shown to clear."""
        chosen = self.form.cleaned_data if self.form.is_valid() else {}
        return [
            (self.filters[name].label, chosen[name], name)
            for name in ("office", "measure")
            if chosen.get(name)
        ]

    def filter_plan_title(self, queryset, name, text):
        """The tasks of the plan with this title, or of every plan whose title contains it."""
        text = text.strip()
        if not text:
            return queryset
        named = Plan.objects.filter(title=text)
        if named.exists():
            return queryset.filter(plan__in=named)
        return queryset.filter(plan__title__icontains=text)

    def filter_unit_name(self, queryset, name, text):
        """The tasks of the unit with this name, or of every unit whose name contains it (in
        a role)."""
        text = text.strip()
        if not text:
            return queryset
        units = Unit.objects.filter(name=text)
        if not units.exists():
            units = Unit.objects.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        answering = Responsibility.objects.filter(unit__in=units)
        if role := self.form.cleaned_data.get("role"):
            answering = answering.filter(role=role)
        return queryset.filter(pk__in=answering.values("task"))

    def filter_unit(self, queryset, name, unit):
        """The unit's tasks (in a role). A task answers to a unit once (`Responsibility`'s
        unique task and unit), so joined to the unit's responsibilities each task comes once."""
        role = self.form.cleaned_data.get("role")
        wanted = {"responsibilities__unit": unit}
        if role:
            wanted["responsibilities__role"] = role
        return queryset.filter(**wanted)

    def filter_role(self, queryset, name, role):
        if self.form.cleaned_data.get("unit") or self.form.cleaned_data.get("unit_name"):
            return queryset  # applied together with the unit
        # A semi-join, as for the unit: DISTINCT over the join sorted 100,000 tasks' rows.
        return queryset.filter(pk__in=Responsibility.objects.filter(role=role).values("task"))

    def filter_text(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(content__icontains=text) | Q(code=text))
