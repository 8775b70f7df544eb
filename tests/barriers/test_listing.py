"""`/barriers/` runs its reads compiled once per shape (barriers.listing).

The kept SQL must select, order, mask and count exactly what the ORM path
(BarrierFilter.qs and selectors.list_page) does, for every role and filter.
"""

import pytest
from django.test import RequestFactory

from barriers import listing, permissions, selectors
from barriers.filters import BarrierFilter
from tests.factories import BarrierFactory, UserFactory, material, stage
from tests.helpers import prepared_statements
from tests.policy.factories import PolicyItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def barriers(member, peer):
    aluminium, copper = material("aluminium"), material("kupfer")
    sorting = stage()
    item = PolicyItemFactory(short_name="AbfRRL")
    made = []
    for n in range(30):
        barrier = BarrierFactory(
            author=[member, peer][n % 2],
            title=f"Schrott Hemmnis {n}" if n % 3 else f"Schlacke Hemmnis {n}",
            description="Der Schrott wird nicht anerkannt." if n % 4 else "Schlacke bleibt liegen.",
            category=["technisch", "normung_standards"][n % 2],
            is_anonymous=n % 5 == 0,
            status=["published", "submitted", "forwarded"][n % 3],
            endorsing_organisation_count=n % 7,
            policy_item=item if n % 6 == 0 else None,
        )
        barrier.materials.add(*([aluminium, copper] if n % 2 else [copper]))
        if n % 3 == 0:
            barrier.value_chain_stages.add(sorting)
        made.append(barrier)
    return {"aluminium": aluminium.pk, "stage": sorting.pk, "policy": item.pk}


def _orm_page(request, user, page):
    filterset = BarrierFilter(
        request.GET, queryset=permissions.visible_barriers(user), request=request
    )
    return selectors.list_page(
        filterset.qs,
        user,
        page=page,
        per_page=7,
        count_queryset=filterset.count_queryset,
        search_text=filterset.search_text,
    )


def _shown(page):
    rows = [
        (
            row.pk,
            row.title,
            row.status,
            row.materials,
            row.identity_hidden,
            row.organisation_name,
            row.author_name,
            row.title_html,
            row.snippet_html,
        )
        for row in page.object_list
    ]
    return rows, page.total, page.total_capped, page.has_next, page.number


QUERIES = [
    {},
    {"category": "technisch"},
    {"material": "{aluminium}", "stage": "{stage}"},
    {"q": "Schrott"},
    {"q": "Schrott anerkannt"},
    {"q": "  Schrott   anerkannt ", "sort": "endorsed"},
    {"q": "Schlacke", "sort": "relevance", "category": "technisch"},
    {"org_type": "sme"},
    {"mine": "on"},
    {"policy": "{policy}"},
    {"status": "forwarded", "sort": "changed"},
    {"material": "999999", "sort": "nonsense"},
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("page", [None, "2"])
@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_kept_sql_shows_what_the_orm_shows(barriers, member, coordinator, query, page, role):
    user = {"member": member, "coordinator": coordinator}[role]
    params = {name: value.format(**barriers) for name, value in query.items()}
    if page:
        params["page"] = page
    request = RequestFactory().get("/barriers/", params)
    request.user = user

    expected = _shown(_orm_page(request, user, page))
    for _ in range(2):  # compiled the first time, kept the second
        kept = listing.list_page(listing.selection(request), user, page=page, per_page=7)
        assert _shown(kept) == expected
    assert all(listing._compiled.values())  # the kept SQL ran, not the ORM fallback
    assert expected[0] or query.get("mine") or page  # the query selects something


def test_another_viewer_gets_their_own_rows(barriers, member):
    other = UserFactory()
    request = RequestFactory().get("/barriers/", {"mine": "on"})
    request.user = member
    mine = listing.list_page(listing.selection(request), member, page=None, per_page=50)
    request.user = other
    theirs = listing.list_page(listing.selection(request), other, page=None, per_page=50)

    assert mine.object_list
    assert not theirs.object_list


@pytest.mark.skipif(not selectors.uses_postgres(), reason="PostgreSQL only")
def test_list_sql_is_prepared_but_a_search_of_words_is_planned_for_them(barriers, member):
    """A search of several words: its ids and count are planned for its words; its rows
    are read by id, prepared."""

    def show(params):
        request = RequestFactory().get("/barriers/", params)
        request.user = member
        return listing.list_page(listing.selection(request), member, page=None, per_page=7)

    show({"category": "technisch"})
    listed = [s for s in prepared_statements() if "barriers_barrier" in s]
    assert listed  # the rows (and the count) of the list

    found = show({"q": "Schrott anerkannt"}).object_list
    assert found
    searches = [s for s in prepared_statements() if "websearch_to_tsquery" in s]
    assert not searches  # the page's ids and the count: planned for the words searched
    by_ids = [s for s in prepared_statements() if '"barriers_barrier"."id" = ANY(' in s]
    assert len(by_ids) == 1  # the page's rows, read by their ids

    # The rows come in the order of the ids, and the next search reuses the statement.
    ranked = selectors.ranked_matches(member, "Schrott anerkannt").values_list(
        "barrier_id", flat=True
    )
    assert [row.pk for row in found] == list(ranked[:7])
    assert show({"q": "Schlacke liegen"}).object_list
    assert len([s for s in prepared_statements() if "= ANY(" in s]) == 1


@pytest.mark.skipif(not selectors.uses_postgres(), reason="PostgreSQL only")
def test_a_search_of_one_word_is_prepared_with_its_rows(barriers, member):
    """A search of one word reads its ids in the order of the word's index, the same
    plan for every word: its rows and its count are two prepared statements, kept for
    the next word."""

    def show(params):
        request = RequestFactory().get("/barriers/", params)
        request.user = member
        return listing.list_page(listing.selection(request), member, page=None, per_page=7)

    found = show({"q": "Schrott"})
    terms = [s for s in prepared_statements() if "barriers_barriersearchterm" in s]
    assert len(terms) == 2  # the rows (with their ids) and the count
    assert not [s for s in prepared_statements() if "= ANY(" in s]

    ranked = selectors.ranked_matches(member, "Schrott").values_list("barrier_id", flat=True)
    assert [row.pk for row in found.object_list] == list(ranked[:7])
    assert found.total == ranked.count() > 7

    assert show({"q": "Schlacke"}).object_list
    assert not show({"q": "und"}).object_list  # a stop word finds nothing, as before
    assert len([s for s in prepared_statements() if "barriers_barriersearchterm" in s]) == 2
