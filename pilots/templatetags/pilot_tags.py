"""Template helpers of the pilot pages."""

from django import template

from pilots.taxonomy import short_label as _short_label

register = template.Library()


@register.filter
def short_label(value) -> str:
    """A taxonomy label without its bracketed explanation."""
    return _short_label(value)
