"""A form renderer that writes the most common widgets in Python.

Django renders every widget, and every <option> of a select, through a
template. A filter form with a hundred options costs more than the rest of
the page. `FastFormRenderer` produces exactly the HTML of Django's own
templates for selects and plain inputs directly, and falls back to the
templates for everything else (tests compare both outputs).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "email", "number", "password", "search", "url", "tel",
        "date", "datetime", "time", "hidden", "color",
    )
}  # fmt: skip


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{widget["type"]}" name="{conditional_escape(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            html.append(f"\n  {_option(option)}\n")
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class FastFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name == "django/forms/widgets/select.html":
                return mark_safe(_select(widget))
            if template_name in _INPUTS:
                return mark_safe(_input(widget))
        return super().render(template_name, context, request)
