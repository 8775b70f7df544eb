"""The global search (`/search/?q=`) collects sections from the apps.

Each app registers a provider in its AppConfig.ready(); a provider gets the
request and the query and returns a `SearchSection` (or None when the user
may not see that content). The page lives in `members.views.search`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass
class SearchResult:
    title: str
    url: str
    snippet: str = ""  # safe HTML (highlighted by the provider)
    meta: str = ""


@dataclass
class SearchSection:
    key: str
    title: str
    results: list[SearchResult] = field(default_factory=list)
    total: int | None = None
    more_url: str = ""


Provider = Callable[[HttpRequest, str], "SearchSection | None"]
_providers: list[tuple[int, str, Provider]] = []


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace) the provider for `key`; lower `order` comes first."""
    _providers[:] = [entry for entry in _providers if entry[1] != key]
    _providers.append((order, key, provider))
    _providers.sort(key=lambda entry: (entry[0], entry[1]))


def search_all(request: HttpRequest, query: str) -> list[SearchSection]:
    """The sections of every provider for `query`, in order."""
    sections = []
    for _order, _key, provider in _providers:
        section = provider(request, query)
        if section is not None:
            sections.append(section)
    return sections
