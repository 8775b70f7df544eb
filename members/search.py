"""Members' part of the global search: organisations and listed people."""

from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext as _

from thementisch.search import SearchResult, SearchSection

from .models import Organisation
from .selectors import directory_members

LIMIT = 5


def search_organisations(request, query: str) -> SearchSection | None:
    if not (request.user.is_authenticated and request.user.is_member):
        return None
    matches = Organisation.objects.filter(Q(name__icontains=query) | Q(city__icontains=query))
    results = [
        SearchResult(
            title=organisation.name,
            url=organisation.get_absolute_url(),
            meta=organisation.get_kind_display(),
            snippet=escape(organisation.city),
        )
        for organisation in matches[:LIMIT]
    ]
    return SearchSection(key="organisations", title=_("Organisations"), results=results)


def search_people(request, query: str) -> SearchSection | None:
    if not (request.user.is_authenticated and request.user.is_member):
        return None
    people = directory_members()
    for word in query.split():
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    results = [
        SearchResult(
            title=person.get_full_name(),
            url=person.organisation.get_absolute_url() if person.organisation else "",
            meta=person.organisation.name if person.organisation else "",
            snippet=escape(person.position),
        )
        for person in people[:LIMIT]
    ]
    return SearchSection(key="people", title=_("People"), results=results)
