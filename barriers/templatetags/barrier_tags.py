"""Template helpers of the barriers pages."""

from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def url_if_routed(obj) -> str:
    """`obj.get_absolute_url()`, or "" while the app that serves it has no page yet."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""
