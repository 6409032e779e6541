from html import escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A <select> whose options are joined in Python, for lists of thousands (a province's
    plans): Django renders each option through a template and, for a model choice, builds a
    model instance per option. With `label_field`, a model choice reads (pk, label) values.
    Labels are escaped as the template would (Django's `escape` is the standard library's
    `html.escape`, behind a lazy-string wrapper that costs more than the escaping)."""

    def __init__(self, attrs=None, choices=(), *, label_field=None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def options_for(self, choices):
        if self.label_field and isinstance(choices, ModelChoiceIterator):
            field = choices.field
            if field.empty_label is not None:
                yield "", field.empty_label
            yield from choices.queryset.values_list("pk", self.label_field)
        else:
            yield from choices

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.options_for(self.choices)
        )
        options = mark_safe(options)  # noqa: S308 - every key and label escaped above
        return format_html("<select{}>{}</select>", flatatt(attrs | {"name": name}), options)
