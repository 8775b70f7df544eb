"""Pilot projects in the global search (`/search/?q=`)."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from members.permissions import is_member
from thementisch.search import SearchResult, SearchSection

from .permissions import visible_pilots

LIMIT = 5


def search_pilots(request, query: str) -> SearchSection | None:
    """Published pilots (and the member's own drafts) whose text matches every word."""
    if not is_member(request.user):
        return None
    pilots = visible_pilots(request.user).select_related("organisation")
    for word in query.split():
        pilots = pilots.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(objectives__icontains=word)
        )
    pilots = pilots.order_by("-created_at")
    total = pilots.count()
    results = [
        SearchResult(
            title=pilot.title,
            url=pilot.get_absolute_url(),
            meta=" · ".join(
                part
                for part in (
                    str(pilot.get_status_display()),
                    pilot.strategy_display,
                    pilot.organisation.name if pilot.organisation else "",
                )
                if part
            ),
            snippet=escape(Truncator(pilot.summary).chars(200)),
        )
        for pilot in pilots[:LIMIT]
    ]
    return SearchSection(
        key="pilots",
        title=_("Pilot projects"),
        results=results,
        total=total,
        more_url=reverse("pilots:list") + "?" + urlencode({"q": query}) if total > LIMIT else "",
    )
