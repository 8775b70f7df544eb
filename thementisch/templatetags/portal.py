"""Template helpers every page may use (loaded as builtins)."""

import re

from django import template
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from thementisch.fragments import CACHE_ALIAS as FRAGMENTS
from thementisch.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """Member-written markdown as sanitised HTML."""
    return mark_safe(render_markdown(text or ""))


@register.filter
def person(user) -> str:
    """A member's name, or "former member" once the account is deleted."""
    if user is None:
        return _("former member")
    return user.get_full_name() or user.email


@register.simple_tag
def active_nav(section: str, prefix: str) -> str:
    """`aria-current="page"` for the navigation link of the current section (see nav_section)."""
    if prefix in section.split("|"):
        return mark_safe(' aria-current="page"')
    return ""


NAV_PREFIXES = (
    "/", "/barriers/", "/pilots/", "/meetings/", "/policy/", "/members/", "/members/me/",
)  # fmt: skip


@register.filter
def nav_section(path: str) -> str:
    """The navigation prefixes `path` lies under, joined by "|": the cache key of the menu."""
    return "|".join(
        prefix
        for prefix in NAV_PREFIXES
        if (prefix == "/" and path == "/") or (prefix != "/" and path.startswith(prefix))
    )


_CHECKBOX_WIDGETS = {"checkbox"}
_CHOICE_LIST_WIDGETS = {"checkboxselectmultiple", "radioselect"}
_SELECT_WIDGETS = {"select", "selectmultiple", "nullbooleanselect"}


@register.simple_tag
def form_fields(form, wrapper: str = "mb-3", wide: str = "", wide_wrapper: str = "col-12"):
    """Bootstrap markup for every field of `form`, written in Python.

    The quick alternative to crispy for forms on busy pages (list filters,
    comment and endorsement forms): label, widget, help text and errors
    linked by aria-describedby. `wrapper` is the class of each field's box;
    fields named in `wide` (comma-separated) get `wide_wrapper` instead.
    """
    wide_names = {name.strip() for name in wide.split(",") if name.strip()}
    html = [str(hidden) for hidden in form.hidden_fields()]
    for error in form.non_field_errors():
        html.append(format_html('<div class="alert alert-danger" role="alert">{}</div>', error))
    for field in form.visible_fields():
        html.append(_field_html(field, wide_wrapper if field.name in wide_names else wrapper))
    return mark_safe("".join(html))


def _field_html(field, wrapper: str) -> str:
    widget_type = field.widget_type
    describedby = []
    help_html = error_html = ""
    if field.help_text:
        describedby.append(f"{field.auto_id}_help")
        help_html = format_html(
            '<div class="form-text" id="{}_help">{}</div>', field.auto_id, field.help_text
        )
    if field.errors:
        describedby.append(f"{field.auto_id}_error")
        error_html = format_html(
            '<div class="invalid-feedback d-block" id="{}_error">{}</div>',
            field.auto_id,
            " ".join(field.errors),
        )
    invalid = " is-invalid" if field.errors else ""
    attrs = {"aria-describedby": " ".join(describedby)} if describedby else {}
    label = field.label
    if widget_type in _CHECKBOX_WIDGETS:
        attrs["class"] = f"form-check-input{invalid}"
        return format_html(
            '<div class="{}"><div class="form-check">{}<label class="form-check-label" '
            'for="{}">{}</label>{}{}</div></div>',
            wrapper,
            field.as_widget(attrs=attrs),
            field.id_for_label,
            label,
            help_html,
            error_html,
        )
    if widget_type in _CHOICE_LIST_WIDGETS:
        options = format_html_join(
            "",
            '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
            (
                (choice.tag(), choice.id_for_label, choice.choice_label)
                for choice in field.subwidgets
            ),
        )
        return format_html(
            '<fieldset class="{}"><legend class="form-label fs-6">{}</legend>{}{}{}</fieldset>',
            wrapper,
            label,
            options,
            help_html,
            error_html,
        )
    css = "form-select" if widget_type in _SELECT_WIDGETS else "form-control"
    attrs["class"] = f"{css}{invalid}"
    return format_html(
        '<div class="{}"><label class="form-label" for="{}">{}{}</label>{}{}{}</div>',
        wrapper,
        field.id_for_label,
        label,
        mark_safe('<span aria-hidden="true">*</span>') if field.field.required else "",
        field.as_widget(attrs=attrs),
        help_html,
        error_html,
    )


# --- the site header: cached, with the per-request values filled in -----------

# Stand-ins rendered into the cached header where per-request values go. Plain
# letters and digits: escaping leaves them as they are.
_HOLES = {
    "csrf_token": "tmhole7csrf7x",
    "hole_path": "tmhole7path7x",
    "hole_query": "tmhole7query7x",
}
_HOLE_PATTERN = re.compile("|".join(_HOLES.values()))


class CachedHeaderNode(template.Node):
    """`{% cached_header timeout name vary_on... %}…{% endcached_header %}`

    Like `{% cache %}` in the "fragments" cache, for a part that also shows three
    values of the request: the CSRF token (`{{ csrf_token }}`, `{% csrf_token %}`),
    the path with its query string (`{{ hole_path }}`) and the search text
    (`{{ hole_query }}`, the context's `query`). They are rendered as stand-ins
    into the cached HTML and filled in, escaped as the template would escape them,
    on every request (in one pass: a filled-in value is never read again).

    It holds no `{% block %}` (a block in a cached part could not be overridden
    per page), so `{% extends %}` need not look into it for blocks: it walks
    the base template's nodes on every page it renders.
    """

    child_nodelists = ()

    def __init__(self, nodelist, timeout, name: str, vary_on: list) -> None:
        self.nodelist = nodelist
        self.timeout = timeout
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        token = context.get("csrf_token")
        request = context.get("request")
        if request is None or token is None or str(token) == "NOTPROVIDED":
            return self._render_plain(context)
        key = make_template_fragment_key(self.name, [v.resolve(context) for v in self.vary_on])
        store = caches[FRAGMENTS]
        html = store.get(key)
        if html is None:
            with context.push(**_HOLES):
                html = str(self.nodelist.render(context))
            store.set(key, html, int(self.timeout.resolve(context)))
        query = context.get("query")
        values = {
            _HOLES["csrf_token"]: str(token),
            _HOLES["hole_path"]: conditional_escape(request.get_full_path()),
            _HOLES["hole_query"]: conditional_escape(query) if query else "",
        }
        return mark_safe(_HOLE_PATTERN.sub(lambda match: values[match.group(0)], html))

    def _render_plain(self, context) -> str:
        request = context.get("request")
        query = context.get("query")
        with context.push(
            hole_path=request.get_full_path() if request is not None else "",
            hole_query=query or "",
        ):
            return self.nodelist.render(context)


@register.tag("cached_header")
def cached_header(parser, token) -> CachedHeaderNode:
    nodelist = parser.parse(("endcached_header",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("cached_header needs a timeout and a name")
    return CachedHeaderNode(
        nodelist,
        parser.compile_filter(bits[1]),
        bits[2],
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
