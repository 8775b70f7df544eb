"""The policy radar's part of the global search: items and updates."""

from __future__ import annotations

import re

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from thementisch.markdown import markdown_to_text
from thementisch.search import SearchResult, SearchSection

from .filters import search_items
from .models import PolicyItem, PolicyUpdate
from .permissions import can_view_items

LIMIT = 5
SNIPPET_CHARS = 220


def highlight(text: str, query: str) -> str:
    """`text` escaped, shortened around the first match, with the query words in <mark>."""
    words = [re.escape(word) for word in query.split() if word]
    if not words:
        return escape(Truncator(text).chars(SNIPPET_CHARS))
    pattern = re.compile("|".join(words), re.IGNORECASE)
    match = pattern.search(text)
    start = max(0, match.start() - 60) if match else 0
    excerpt = ("…" if start else "") + Truncator(text[start:]).chars(SNIPPET_CHARS)
    parts, last = [], 0
    for found in pattern.finditer(excerpt):
        parts.append(escape(excerpt[last : found.start()]))
        parts.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    parts.append(escape(excerpt[last:]))
    # Every piece of text is escaped above; only <mark> is added.
    return mark_safe("".join(parts))


def search_policy(request, query: str) -> SearchSection | None:
    """Items whose texts match every word, then updates whose headline or text matches."""
    if not can_view_items(request.user):
        return None
    items = search_items(PolicyItem.objects.all(), query).order_by("short_name", "title")
    item_total = items.count()
    results = [
        SearchResult(
            title=item.display_name,
            url=item.get_absolute_url(),
            meta=f"{item.get_level_display()} · {item.get_kind_display()} · "
            f"{item.get_status_display()}",
            snippet=highlight(
                " ".join(
                    filter(None, [item.display_title, item.reference, item.display_relevance])
                ),
                query,
            ),
        )
        for item in items[:LIMIT]
    ]
    updates = PolicyUpdate.objects.select_related("item").order_by("-date", "-created_at")
    for word in query.split()[:10]:
        updates = updates.filter(Q(title__icontains=word) | Q(body__icontains=word))
    update_total = updates.count()
    for update in updates[:LIMIT]:
        results.append(
            SearchResult(
                title=update.title,
                url=update.get_absolute_url(),
                meta=_("Update of %(date)s on %(item)s")
                % {
                    "date": formats.date_format(update.date, "SHORT_DATE_FORMAT"),
                    "item": update.item,
                },
                snippet=highlight(markdown_to_text(update.body), query),
            )
        )
    return SearchSection(
        key="policy",
        title=_("Policy radar"),
        results=results,
        total=item_total + update_total,
        more_url=f"{reverse('policy:list')}?{urlencode({'q': query})}",
    )
