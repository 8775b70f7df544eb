"""Barriers' part of the global search (`/search/?q=`): the same German full-text search."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from members.permissions import is_member
from thementisch.search import SearchResult, SearchSection

from . import permissions, selectors

LIMIT = 5


def search_barriers(request, query: str) -> SearchSection | None:
    """Ranked matches with highlighted snippets; no submitter is shown."""
    user = request.user
    if not is_member(user):
        return None
    base = selectors.list_queryset(user)
    count_queryset = None
    if selectors.uses_postgres():
        # Ranked and counted in the narrow search table; only the shown rows
        # are read from the barriers, with their headlines.
        ranked = count_queryset = selectors.ranked_matches(user, query)
        base = base.filter(pk__in=ranked.values("barrier_id")[: LIMIT + 1])
    matches = selectors.apply_search(base, query)
    if selectors.uses_postgres():
        matches = matches.order_by(*selectors.SEARCH_ORDER)
    else:
        matches = matches.order_by("-endorsing_organisation_count", "-created_at")
    page = selectors.paginate(matches, page=1, per_page=LIMIT, count_queryset=count_queryset)
    results = []
    for barrier in permissions.mask_all(page.object_list, user):
        snippet = getattr(barrier, "snippet", None)
        results.append(
            SearchResult(
                title=barrier.title,
                url=barrier.get_absolute_url(),
                snippet=str(selectors.highlight(snippet))
                if snippet is not None
                else str(selectors.highlight(barrier.description[:200])),
                meta=f"{barrier.get_status_display()} · {barrier.get_category_display()}",
            )
        )
    return SearchSection(
        key="barriers",
        title=_("Barriers"),
        results=results,
        total=page.total,
        more_url=f"{reverse('barriers:list')}?{urlencode({'q': query})}",
    )
