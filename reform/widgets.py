from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A <select> whose options are joined in Python.

    Django renders each option through a template: for the thousands of plans of a province
    that costs more than the rest of the page. Escaping is the same (format_html).
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in selected else "", label)
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs | {"name": name}), options)
