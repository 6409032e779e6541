from import_export import fields, resources, widgets

from units.models import Unit


class UnitResource(resources.ModelResource):
    """Units in a spreadsheet, the parent named by name as people write it."""

    name = fields.Field(attribute="name", column_name="名称")
    short_name = fields.Field(
        attribute="short_name", column_name="简称", widget=widgets.CharWidget(allow_blank=True)
    )
    kind = fields.Field(attribute="kind", column_name="类型")
    parent = fields.Field(
        attribute="parent",
        column_name="上级单位",
        widget=widgets.ForeignKeyWidget(Unit, field="name"),
    )
    sort_order = fields.Field(attribute="sort_order", column_name="排序")

    class Meta:
        model = Unit
        import_id_fields = ["name"]
        fields = ["name", "short_name", "kind", "parent", "sort_order"]
        skip_unchanged = True
        report_skipped = True
