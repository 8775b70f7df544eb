"""The search tables (BarrierSearch, and BarrierSearchTerm from it) follow every
write of a barrier, and the ranked search read from them finds and orders
what the ORM path over the barrier table does."""

import pytest
from django.db import connection
from django.test import RequestFactory

from barriers import search, selectors, services
from barriers.models import Barrier, BarrierSearch, BarrierSearchTerm
from barriers.search import search_barriers
from tests.factories import BarrierFactory
from tests.helpers import require_postgres

pytestmark = pytest.mark.django_db

COPIED = ("search_vector", "status", "author_id", "endorsing_organisation_count")


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _copies() -> tuple[list, list]:
    """(barrier table, search table): id and the copied columns of every row."""
    columns = ", ".join(COPIED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM barriers_barrier ORDER BY id")  # noqa: S608
        barriers = cursor.fetchall()
        cursor.execute(
            f"SELECT barrier_id, {columns} FROM barriers_barriersearch ORDER BY barrier_id"  # noqa: S608
        )
        return barriers, cursor.fetchall()


def _found(text: str):
    return BarrierSearch.objects.filter(search_vector=selectors.search_query(text))


def _terms_apart() -> tuple[list, list]:
    """The rows of BarrierSearchTerm missing and those too many, against every word of
    every barrier's vector with `ts_rank` of that one word, status, submitter and
    endorsing organisations."""
    expected = """
        SELECT b.id, word.lexeme, ts_rank(b.search_vector, ('''' || replace(replace(
                   word.lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery),
               b.status, b.author_id, b.endorsing_organisation_count
        FROM barriers_barrier b, unnest(b.search_vector) AS word"""
    kept = """
        SELECT barrier_id, lexeme, rank, status, author_id, endorsing_organisation_count
        FROM barriers_barriersearchterm"""
    with connection.cursor() as cursor:
        cursor.execute(f"{expected} EXCEPT {kept}")
        missing = cursor.fetchall()
        cursor.execute(f"{kept} EXCEPT {expected}")
        return missing, cursor.fetchall()


def _in_step() -> None:
    barriers, copies = _copies()
    assert copies == barriers
    assert _terms_apart() == ([], [])


def test_search_table_follows_inserts_updates_and_deletes(member, peer):
    barrier = BarrierFactory(author=member, title="Schrott wird als Abfall eingestuft")
    other = BarrierFactory(author=peer, title="Schlacke bleibt liegen", status="submitted")
    _in_step()
    assert _found("Schrott").get().pk == barrier.pk

    barrier.title = "Kupferspäne werden nicht angenommen"
    barrier.save()
    _in_step()
    assert not _found("Schrott").exists()
    assert _found("Kupferspäne").get().pk == barrier.pk

    Barrier.objects.filter(pk=other.pk).update(status="published", endorsing_organisation_count=4)
    Barrier.objects.filter(pk=barrier.pk).update(description="Auch Aluminium ist betroffen.")
    _in_step()
    assert BarrierSearch.objects.get(pk=other.pk).endorsing_organisation_count == 4

    peer.delete()  # the barrier's author is set to NULL
    _in_step()
    assert BarrierSearch.objects.get(pk=other.pk).author_id is None

    barrier.delete()
    _in_step()
    assert list(BarrierSearch.objects.values_list("pk", flat=True)) == [other.pk]
    assert set(BarrierSearchTerm.objects.values_list("barrier_id", flat=True)) == {other.pk}


def test_search_terms_keep_words_with_quotes_and_backslashes(member):
    """Every word of a vector becomes a one-word query for its rank, whatever it holds."""
    barrier = BarrierFactory(author=member, title="Schrott")
    words = ["it's", "a\\b", "x:y", "&", "'", "(a|b)", "c:*", "www.example.org/a?b"]
    with connection.cursor() as cursor:
        cursor.execute(  # the vector of these words as they are (no parser splits them)
            "UPDATE barriers_barrier SET search_vector = array_to_tsvector(%s) WHERE id = %s",
            [words, barrier.pk],
        )
    _in_step()
    ranks = dict(BarrierSearchTerm.objects.filter(barrier=barrier).values_list("lexeme", "rank"))
    assert sorted(ranks) == sorted(words)
    assert all(rank > 0 for rank in ranks.values())  # each word's query found the word


def test_search_table_follows_bulk_create_and_services(member, peer, coordinator):
    Barrier.objects.bulk_create(
        Barrier(
            title=f"Schrott Hemmnis {n}", description="Schlacke.", author=member, status="published"
        )
        for n in range(5)
    )
    _in_step()
    assert _found("Schlacke").count() == 5

    barrier = Barrier.objects.order_by("pk").first()
    services.endorse_barrier(barrier, by=peer)
    services.change_status(barrier, to_status="deferred", by=coordinator)
    _in_step()
    copy = BarrierSearch.objects.get(pk=barrier.pk)
    assert (copy.status, copy.endorsing_organisation_count) == ("deferred", 1)


# One word (BarrierSearchTerm), stop words among them, and other searches (BarrierSearch).
QUERIES = [
    "Schrott",
    "Schrotte",
    "KUPFER",
    "Abfall",
    "anerkannt",
    "und",
    "wird",
    "Schlacke Kupfer",
    "Kupfer -Schlacke",
    '"Schrott wird"',
    "Kupfer or Abfall",
    "zzz",
]


@pytest.mark.parametrize("role", ["member", "peer", "coordinator", "outsider"])
def test_ranked_matches_equal_the_orm_path(member, peer, coordinator, pending_user, role):
    for n in range(24):
        BarrierFactory(
            author=[member, peer][n % 2],
            title=["Schrott wird Abfall", "Kupfer und Schlacke", "Schrotte aus Kupfer"][n % 3],
            description="Der Schrott wird nicht anerkannt." if n % 4 else "Schlacke bleibt.",
            status=["published", "submitted", "forwarded", "merged"][n % 4],
            endorsing_organisation_count=n % 5,
        )
    user = {"member": member, "peer": peer, "coordinator": coordinator, "outsider": pending_user}[
        role
    ]
    for text in QUERIES:
        expected = list(
            selectors.apply_search(selectors.list_queryset(user), text, headlines=False)
            .order_by(*selectors.SEARCH_ORDER)
            .values_list("pk", "rank")
        )
        ranked = list(selectors.ranked_matches(user, text).values_list("barrier_id", "rank"))
        assert ranked == expected, text
        if role != "outsider" and text not in ("zzz", "und", "wird"):
            assert expected, text
    assert selectors.ranked_matches(user, "Schrott").model is BarrierSearchTerm
    assert selectors.ranked_matches(user, "Schrott wird").model is BarrierSearch


def test_global_search_section_equals_the_orm_path(member, peer):
    for n in range(16):
        BarrierFactory(
            author=[member, peer][n % 2],
            title=["Schrott wird Abfall", "Schrotte aus Kupfer", "Kupfer"][n % 3],
            description="Der Schrott wird nicht anerkannt.",
            status="submitted" if n % 4 >= 2 else "published",
            endorsing_organisation_count=n % 4,
        )
    request = RequestFactory().get("/search/", {"q": "Schrott"})
    request.user = member
    expected = list(
        selectors.apply_search(selectors.list_queryset(member), "Schrott")
        .order_by(*selectors.SEARCH_ORDER)
        .values_list("title", "snippet")
    )

    section = search_barriers(request, "Schrott")

    assert section.total == len(expected) > search.LIMIT
    shown = [(result.title, result.snippet) for result in section.results]
    assert shown == [
        (title, str(selectors.highlight(snippet))) for title, snippet in expected[: search.LIMIT]
    ]
