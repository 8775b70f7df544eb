"""Meetings in the global search."""

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from members.permissions import is_member
from thementisch.markdown import markdown_to_text
from thementisch.search import SearchResult, SearchSection

from .selectors import visible_meetings

LIMIT = 5


def search_meetings(request, query: str) -> SearchSection | None:
    if not is_member(request.user):
        return None
    matches = visible_meetings(request.user).filter(
        Q(title__icontains=query) | Q(description__icontains=query) | Q(venue__icontains=query)
    )
    results = [
        SearchResult(
            title=meeting.title,
            url=meeting.get_absolute_url(),
            meta=f"{meeting.get_kind_display()} · "
            + formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT"),
            snippet=escape(markdown_to_text(meeting.description)[:200]),
        )
        for meeting in matches.order_by("-starts_at")[:LIMIT]
    ]
    return SearchSection(key="meetings", title=_("Meetings"), results=results)
