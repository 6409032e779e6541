from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from reform.formats import FORMATS
from units.models import Membership, Unit
from units.resources import UnitResource


class UnitScope:
    """Office staff see and change the units of their office's subtree only: never another
    office's, nor a membership that would put them in one."""

    unit_path = "pk"  # from a row to its unit

    def get_queryset(self, request):
        units = Unit.objects.visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.unit_path}__in": units})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(UnitScope, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    unit_path = "unit"


@admin.register(Unit)
class UnitAdmin(UnitScope, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    formats = FORMATS
    list_display = ["name", "short_name", "kind", "is_office", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_office", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def get_import_resource_kwargs(self, request, **kwargs):
        return super().get_import_resource_kwargs(request, **kwargs) | {"user": request.user}


@admin.register(Membership)
class MembershipAdmin(UnitScope, admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
    unit_path = "unit"
