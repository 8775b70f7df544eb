"""German full-text search and similar titles on PostgreSQL."""

import pytest

from barriers import selectors
from tests.conftest import client_for
from tests.factories import BarrierFactory
from tests.helpers import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _titles(user, text):
    queryset = selectors.apply_search(selectors.list_queryset(user), text)
    return [b.title for b in queryset.order_by("-rank", "pk")]


def test_inflected_forms_find_each_other(member):
    BarrierFactory(author=member, title="Schrott wird als Abfall eingestuft")
    BarrierFactory(author=member, title="Genehmigungen dauern zu lange")
    BarrierFactory(author=member, title="Fachkräfte fehlen")

    assert _titles(member, "Schrotte") == ["Schrott wird als Abfall eingestuft"]
    assert _titles(member, "Genehmigung") == ["Genehmigungen dauern zu lange"]
    assert _titles(member, "Abfälle") == ["Schrott wird als Abfall eingestuft"]


def test_title_ranks_above_description(member):
    BarrierFactory(
        author=member,
        title="Daten fehlen entlang der Lieferkette",
        description="Auch beim Kupferschrott und beim Aluminium fehlen Daten.",
    )
    BarrierFactory(author=member, title="Kupferschrott geht ins Ausland", description="Exportsog.")

    assert _titles(member, "Kupferschrott") == [
        "Kupferschrott geht ins Ausland",
        "Daten fehlen entlang der Lieferkette",
    ]


def test_search_only_finds_barriers_the_user_may_read(member, peer):
    BarrierFactory(author=member, title="Schlacke nicht verwertbar", status="submitted")

    assert _titles(peer, "Schlacke") == []
    assert _titles(member, "Schlacke") == ["Schlacke nicht verwertbar"]


def test_list_shows_highlighted_snippet(member):
    BarrierFactory(
        author=member,
        title="Verbringung dauert Monate",
        description="Die Notifizierung für den Filterstaub <b>dauert</b> lange.",
    )

    text = client_for(member).get("/barriers/", {"q": "Filterstäube"}).content.decode()

    assert "<mark>Filterstaub</mark>" in text
    assert "<b>dauert</b>" not in text


def test_global_search_uses_the_same_search(member):
    BarrierFactory(author=member, title="Schrottpreise schwanken stark")

    text = client_for(member).get("/search/", {"q": "Schrottpreis"}).content.decode()

    assert "Schrottpreise schwanken stark" in text
    assert "/barriers/?q=Schrottpreis" in text


def test_search_vector_is_filled_for_bulk_rows(member):
    from barriers.models import Barrier

    Barrier.objects.bulk_create(
        [Barrier(title="Zinkstaub im Zwischenlager", author=member, status="published")]
    )

    assert _titles(member, "Zinkstäube") == ["Zinkstaub im Zwischenlager"]


def test_similar_titles_by_trigram(member, peer):
    BarrierFactory(author=peer, title="Abfallende-Status für Aluminiumschrott unklar")
    BarrierFactory(author=peer, title="Lithium-Akkus verursachen Brände")

    similar = selectors.similar_barriers(member, "Abfallende Aluminiumschrot")

    assert [b.title for b in similar] == ["Abfallende-Status für Aluminiumschrott unklar"]
