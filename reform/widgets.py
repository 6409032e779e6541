from html import escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe


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

    def options_html(self):
        """Every option, none selected (subclasses may reuse it between renders)."""
        return "".join(
            f'<option value="{escape(str(key))}">{escape(str(label))}</option>'
            for key, label in self.options_for(self.choices)
        )

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options = self.options_html()
        for chosen in {escape(str(v)) for v in self.format_value(value)}:
            options = options.replace(
                f'<option value="{chosen}">', f'<option value="{chosen}" selected>'
            )
        options = mark_safe(options)  # noqa: S308 - every key and label escaped above
        return format_html("<select{}>{}</select>", flatatt(attrs | {"name": name}), options)


INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "email", "url", "password", "hidden", "checkbox", "date")
}
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
ERRORS = "django/forms/errors/list/default.html"


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with the commonest widgets written in Python: a report form
    has two dozen, and each rendered through its templates (an include or two apiece) took
    6–10 ms of a form's page. The output is the templates' own, character for character
    (tests/test_widgets.py compares the two); anything else goes to the templates."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == ERRORS and not context["errors"]:
            return ""
        if template_name in INPUTS:
            return render_input(widget)
        if template_name == TEXTAREA:
            return render_textarea(widget)
        if template_name == SELECT and all(
            option["template_name"] == OPTION
            for _group, options, _index in widget["optgroups"]
            for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request)


def text(value):
    """What `{{ value|stringformat:"s" }}` prints: escaped unless already safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def printed(value):
    """What `{{ value }}` prints: localized, then escaped unless already safe."""
    return text(localize(value))


def attributes(widget):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{text(value)}"'
        for name, value in widget["attrs"].items()
        if value is not False
    )


def render_input(widget):
    kind, name = text(widget["type"]), text(widget["name"])
    value = "" if widget["value"] is None else f' value="{text(widget["value"])}"'
    return f'<input type="{kind}" name="{name}"{value}{attributes(widget)}>'


def render_textarea(widget):
    value = printed(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{text(widget["name"])}"{attributes(widget)}>\n{value}</textarea>'


def render_select(widget):
    parts = [f'<select name="{text(widget["name"])}"{attributes(widget)}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{text(group)}">')
        parts += (f"\n  {render_option(option)}" for option in options)
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_option(option):
    """django/forms/widgets/select_option.html, with the newline its file ends with."""
    value, label = text(option["value"]), printed(option["label"])
    return f'<option value="{value}"{attributes(option)}>{label}</option>\n'
