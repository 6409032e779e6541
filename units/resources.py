from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from units.models import Unit


class WithinWidget(widgets.ForeignKeyWidget):
    """A row named in a spreadsheet, found among `within`: what the importing user may use,
    set by the resource (every row without one)."""

    within = None

    def get_queryset(self, value, row, *args, **kwargs):
        if self.within is None:
            return super().get_queryset(value, row, *args, **kwargs)
        return self.within


class UnitResource(resources.ModelResource):
    """Units in a spreadsheet, the parent named by name as people write it; office staff
    add and change units within their office's subtree only."""

    name = fields.Field(attribute="name", column_name="名称")
    short_name = fields.Field(
        attribute="short_name", column_name="简称", widget=widgets.CharWidget(allow_blank=True)
    )
    kind = fields.Field(attribute="kind", column_name="类型")
    parent = fields.Field(
        attribute="parent",
        column_name="上级单位",
        widget=WithinWidget(Unit, field="name"),
    )
    sort_order = fields.Field(attribute="sort_order", column_name="排序")

    class Meta:
        model = Unit
        import_id_fields = ["name"]
        fields = ["name", "short_name", "kind", "parent", "sort_order"]
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.units = Unit.objects.visible_to(user) if user else Unit.objects.all()
        self.fields["parent"].widget.within = self.units

    def get_queryset(self):
        return self.units

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A unit without a parent would be in no office's tree: only IT places one there.
        if (
            instance.pk is None
            and instance.parent_id is None
            and self.user
            and not self.user.is_superuser
        ):
            raise ValidationError({"parent": _("请填写上级单位（本产改办或其下级单位）。")})
