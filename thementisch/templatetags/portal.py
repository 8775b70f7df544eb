"""Template helpers every page may use (loaded as builtins)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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
def active_nav(request, prefix: str) -> str:
    """`aria-current="page"` for the navigation link of the current section."""
    path = request.path
    if (prefix == "/" and path == "/") or (prefix != "/" and path.startswith(prefix)):
        return mark_safe(' aria-current="page"')
    return ""


@register.filter
def can_edit(comment, user) -> bool:
    """Whether `user` may still edit `comment` (author, within 15 minutes)."""
    return comment.can_be_edited_by(user)
