"""`{% comment_list %}`: the comments of `_comments.html`, each row from the fragment cache."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.safestring import SafeString, mark_safe

from thementisch.comments import comment_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_list(context) -> SafeString:
    """The rows of `comments` for the viewer, with the context `_comments.html` documents."""
    rows = comment_rows(
        context.get("comments") or [],
        context.get("user") or AnonymousUser(),
        hide_author_ids=context.get("hide_author_ids") or frozenset(),
        edit_url_name=context.get("edit_url_name") or "",
        remove_url_name=context.get("remove_url_name") or "",
    )
    return mark_safe("".join(rows))  # each row rendered by our template
