from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from reform.formats import FORMATS
from reform.paging import EstimatedCount
from tasks.excel.resources import PlanResource, ProgressReportResource, TaskResource
from tasks.models import (
    Attachment,
    Indicator,
    Plan,
    ProgressReport,
    Reminder,
    ReportFigure,
    Responsibility,
    Section,
    Task,
)
from tasks.standing.refresh import refreshing
from units.models import Unit
from units.roles import office_ids


class StandingAdmin:
    """Whatever one admin page saves, deletes or imports is written in one transaction with
    the refresh of the tasks it touched, each refreshed once (tasks.standing.refresh)."""

    def changeform_view(self, *args, **kwargs):
        with refreshing():
            return super().changeform_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):  # actions, such as deleting the selected
        with refreshing():
            return super().changelist_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with refreshing():
            return super().delete_view(*args, **kwargs)


class ScopedAdmin(StandingAdmin):
    """The admin shows, changes, exports and imports only the plans the user's office manages
    and what is in them (DESIGN: scope); the offices below are read in the app."""

    plan_path = "plan"  # from a row to its plan

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        plans = Plan.objects.managed_by(request.user)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # A choice may name what the user reads: the higher plan and its measures.
            plans = Plan.objects.visible_to(request.user)
        return rows.filter(**{f"{self.plan_path}__in": plans})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices among what the user manages: their plans, their sections, their offices.
        user = request.user
        if not user.is_superuser:
            plans = Plan.objects.managed_by(user)
            if db_field.name in ("parent", "parent_task"):
                # The higher plan or measure: among what the user reads (as the autocomplete).
                kwargs["queryset"] = db_field.related_model.objects.visible_to(user)
            elif db_field.related_model is Plan:
                kwargs["queryset"] = plans
            elif db_field.related_model is Section:
                kwargs["queryset"] = Section.objects.filter(plan__in=plans)
            elif db_field.name == "office":
                kwargs["queryset"] = Unit.objects.offices().filter(pk__in=office_ids(user))
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def process_import(self, *args, **kwargs):
        with refreshing():
            return super().process_import(*args, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        return super().get_import_resource_kwargs(request, **kwargs) | {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return super().get_export_resource_kwargs(request, **kwargs) | {"user": request.user}


class LargeTableAdmin:
    """The changelist of a table of hundreds of thousands of rows, counted by estimate when it
    shows every row the user may see (no filter or search)."""

    show_full_result_count = False  # a second COUNT of every row on each filtered page

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        whole = set(request.GET) <= {"p", "o"}
        paginator = EstimatedCount if whole else Paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)


class PlanYearFilter(admin.SimpleListFilter):
    """年度 of the plan: a province has thousands of plans, too many to list as filters (a
    plan is found by searching its title)."""

    title = _("年度")
    parameter_name = "year"
    plan_path = "plan"

    def lookups(self, request, model_admin):
        plans = Plan.objects.managed_by(request.user)
        years = plans.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(**{f"{self.plan_path}__year": int(self.value())})
        return queryset


class ReportPlanYearFilter(PlanYearFilter):
    plan_path = "task__plan"


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["seq", "code", "title", "section", "due_on", "status", "percent"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the sections of the plan being edited, not every plan's.
        if db_field.name == "section" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Section.objects.filter(
                plan_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(ScopedAdmin, ImportExportModelAdmin):
    plan_path = "pk"
    resource_classes = [PlanResource]
    formats = FORMATS
    list_display = [
        "title",
        "office",
        "doc_number",
        "issuing_unit",
        "year",
        "starts_on",
        "ends_on",
        "level",
        "reporting_cycle",
        "archived_at",
    ]
    list_filter = ["level", "year", "reporting_cycle", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "doc_number"]
    readonly_fields = ["archived_at", "archived_by", "archive_note"]
    list_select_related = ["office", "issuing_unit"]
    autocomplete_fields = ["issuing_unit", "parent"]
    inlines = [SectionInline, TaskInline]


@admin.register(Section)
class SectionAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "seq"]
    ordering = ["plan", "seq"]  # as people read them (the models sort by the column)
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Task)
class TaskAdmin(LargeTableAdmin, ScopedAdmin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [TaskResource]
    formats = FORMATS
    list_display = ["code", "title", "plan", "section", "status", "percent", "due_on"]
    list_display_links = ["code", "title"]
    # Plan by plan in document order, along the (plan, seq) index: by the plans' year and title
    # the changelist sorted 100,000 tasks joined to their plans for each page (160 ms).
    ordering = ["plan_id", "seq"]
    list_filter = [PlanYearFilter, "status"]
    search_fields = ["title", "content", "code", "plan__title"]
    list_select_related = ["plan", "section"]
    autocomplete_fields = ["parent_task"]
    inlines = [ResponsibilityInline, IndicatorInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin, admin.ModelAdmin):
    plan_path = "task__plan"
    list_display = ["name", "task", "comparator", "target", "unit"]
    ordering = ["task_id", "seq"]  # by the column: no join to the task and its plan
    search_fields = ["name", "task__title"]
    list_select_related = ["task"]
    autocomplete_fields = ["task"]


class ReportFigureInline(admin.TabularInline):
    model = ReportFigure
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(ProgressReport)
class ProgressReportAdmin(LargeTableAdmin, ScopedAdmin, ImportExportModelAdmin, SimpleHistoryAdmin):
    plan_path = "task__plan"
    resource_classes = [ProgressReportResource]
    formats = FORMATS
    list_display = ["task", "unit", "period", "state", "status", "percent", "submitted_on"]
    # Newest first, by the primary key; a date filter rather than a date hierarchy, whose
    # years were a DISTINCT over every report (1.2 million: 220 ms a page).
    ordering = ["-pk"]
    list_filter = ["state", "status", "submitted_on", ReportPlanYearFilter]
    search_fields = ["progress", "problems", "task__title", "unit__name"]
    list_select_related = ["task", "unit"]
    autocomplete_fields = ["task", "unit", "author"]
    inlines = [ReportFigureInline]


@admin.register(ReportFigure)
class ReportFigureAdmin(LargeTableAdmin, ScopedAdmin, admin.ModelAdmin):
    plan_path = "report__task__plan"
    list_display = ["name", "value", "unit", "is_approximate", "report"]
    ordering = ["-report_id", "seq"]  # the newest reports' first, along the report index
    list_filter = ["is_approximate"]
    search_fields = ["name", "report__unit__name"]
    list_select_related = ["report__unit", "report__task"]


@admin.register(Reminder)
class ReminderAdmin(ScopedAdmin, admin.ModelAdmin):
    plan_path = "task__plan"
    list_display = ["sent_on", "unit", "task", "period", "kind", "sent_by", "recipients"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["task__title", "unit__name", "recipients"]
    list_select_related = ["unit", "task", "sent_by"]
    date_hierarchy = "sent_on"


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin, admin.ModelAdmin):
    plan_path = "report__task__plan"
    list_display = ["name", "report", "size", "uploaded_by", "uploaded_at"]
    ordering = ["-uploaded_at"]  # the newest first
    search_fields = ["name", "report__task__title", "report__unit__name"]
    list_select_related = ["report__task", "report__unit", "uploaded_by"]
    readonly_fields = ["file", "size", "uploaded_by"]
