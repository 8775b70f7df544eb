"""`{% blank_form_fields form %}`: `form_fields` of a blank form, rendered once per process.

An unbound form without initial values whose fields do not depend on data
(no choices from the database) always gives the same markup in a language:
the comment and endorsement forms of busy pages. It is kept per process
(form class, language), so a deployment, which restarts the processes,
never serves markup of old code. Any other form is rendered as usual.
"""

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .portal import form_fields

register = template.Library()


@lru_cache(maxsize=64)
def _blank_html(form_class: type, language: str | None) -> SafeString:
    return form_fields(form_class())


@register.simple_tag
def blank_form_fields(form) -> SafeString:
    """`{% form_fields form %}`, from the per-process copy when `form` is blank."""
    if form.is_bound or form.initial or form.prefix or form.auto_id != "id_%s":
        return form_fields(form)
    return _blank_html(type(form), get_language())
