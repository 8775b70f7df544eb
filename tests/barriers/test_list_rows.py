"""The rows of `/barriers/` come from the fragment cache (thementisch/fragments.py).

Their key (barriers.views._list_row_key) must hold every value a row shows:
each test shows the list once, so the row is cached, changes one value and
looks for the new one.
"""

from datetime import UTC, datetime

import pytest
from django.core.cache import caches

from barriers.models import Barrier
from tests.conftest import client_for
from tests.factories import BarrierFactory, material

pytestmark = pytest.mark.django_db

TITLE = "Abfallende-Status für Aluminiumschrott unklar"


@pytest.fixture
def shown(member, peer):
    """A barrier of `member`, and `peer`'s client that has seen the list once."""
    barrier = BarrierFactory(author=member, title=TITLE, description="Schlacke und Schrott.")
    client = client_for(peer)
    assert TITLE in _list(client)
    return barrier, client


def _list(client, **params) -> str:
    response = client.get("/barriers/", params)
    assert response.status_code == 200
    return response.content.decode()


def _change(barrier, **values):
    Barrier.objects.filter(pk=barrier.pk).update(**values)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": "Schlackeverwertung scheitert an Nachweisen"}, "Schlackeverwertung scheitert"),
        ({"status": "forwarded"}, ">An die Politik weitergeleitet</span>"),
        ({"is_demo": True}, ">Demo-Inhalt</span>"),
        ({"category": "technisch"}, '<span class="ms-1">Technisch</span>'),
        ({"level": "land_nrw"}, "<span>Land NRW</span>"),
        ({"endorsing_organisation_count": 3}, "3 Organisationen betroffen"),
        ({"endorsement_count": 7}, "7 Mitglieder"),
        ({"comment_count": 5}, "5 Kommentare"),
        (
            {"created_at": datetime(2024, 3, 1, 9, 30, tzinfo=UTC)},
            'datetime="2024-03-01T10:30:00+01:00"',
        ),
    ],
)
def test_row_shows_each_changed_value(shown, values, expected):
    barrier, client = shown
    assert expected not in _list(client)

    _change(barrier, **values)

    assert expected in _list(client)


def test_row_shows_a_new_status_badge(shown):
    barrier, client = shown

    _change(barrier, status="forwarded")

    text = _list(client)
    assert "status-forwarded" in text
    assert "status-published" not in text


def test_row_shows_added_material_and_renamed_label(shown):
    barrier, client = shown
    copper = material("kupfer")

    badge = '<span class="badge text-bg-light border">{}</span>'
    assert badge.format(copper.label_de) not in _list(client)

    barrier.materials.add(copper)
    assert badge.format(copper.label_de) in _list(client)

    copper.label_de = "Kupfer und Kupferlegierungen"
    copper.save()
    caches["default"].clear()  # the cached taxonomy labels expire (five minutes)
    assert badge.format("Kupfer und Kupferlegierungen") in _list(client)


def test_row_shows_renamed_organisation(shown, member):
    _barrier, client = shown

    member.organisation.name = "Umbenannte Gießerei GmbH"
    member.organisation.save()

    assert "Umbenannte Gießerei GmbH" in _list(client)


def test_row_shows_renamed_submitter_without_organisation(shown, member):
    barrier, client = shown
    _change(barrier, organisation=None)
    assert "Mira Schäfer" in _list(client)

    member.first_name = "Mirabel"
    member.save()

    assert "Mirabel Schäfer" in _list(client)


def test_row_shows_former_member_once_the_account_is_gone(shown):
    barrier, client = shown

    _change(barrier, organisation=None, author=None)

    assert "ehemaliges Mitglied" in _list(client)


def test_row_of_a_former_member_turns_anonymous(shown):
    barrier, client = shown
    _change(barrier, organisation=None, author=None)
    assert "ehemaliges Mitglied" in _list(client)

    _change(barrier, is_anonymous=True)

    text = _list(client)
    assert "ehemaliges Mitglied" not in text
    assert '<span class="fst-italic">anonym</span>' in text


def test_row_turns_anonymous(shown, member):
    barrier, client = shown
    organisation = member.organisation.name
    assert organisation in _list(client)

    _change(barrier, is_anonymous=True)

    text = _list(client)
    assert "anonym" in text
    assert organisation not in text


def test_anonymous_row_seen_by_the_coordinator_is_not_served_to_members(member, peer, coordinator):
    BarrierFactory(author=member, title=TITLE, is_anonymous=True)
    organisation = member.organisation.name

    assert organisation in _list(client_for(coordinator))

    text = _list(client_for(peer))
    assert TITLE in text
    assert organisation not in text
    assert "Schäfer" not in text


def test_search_rows_highlight_what_was_searched(shown):
    _barrier, client = shown

    assert "<mark>Aluminiumschrott</mark>" in _list(client, q="Aluminiumschrott")
    text = _list(client, q="Abfallende")
    assert "<mark>Abfallende-Status</mark>" in text or "<mark>Abfallende</mark>" in text
    assert "<mark>Aluminiumschrott</mark>" not in text
    assert TITLE in _list(client)  # and without a search, the plain title again


def test_search_rows_show_the_snippet_of_what_was_searched(shown):
    _barrier, client = shown

    assert "<mark>Schlacke</mark>" in _list(client, q="Schlacke")
    text = _list(client, q="Schrott")  # the title shows no match either time
    assert "<mark>Schrott</mark>" in text
    assert "<mark>Schlacke</mark>" not in text


def test_search_row_shows_the_snippet_of_a_changed_description(shown):
    barrier, client = shown
    assert "<mark>Schrott</mark>" in _list(client, q="Schrott")  # cached with its snippet

    # The search still matches (the title), the snippet must follow the description.
    _change(barrier, description="Nur noch Schrott aus Kupfer.")

    text = _list(client, q="Schrott")
    assert "<mark>Schrott</mark> aus Kupfer" in text
    assert "Schlacke und Schrott" not in text


def test_search_row_shows_a_changed_title_highlighted(shown):
    barrier, client = shown
    assert "<mark>Aluminiumschrott</mark>" in _list(client, q="Aluminiumschrott")

    _change(barrier, title="Aluminiumschrott bleibt Abfall")

    assert "<mark>Aluminiumschrott</mark> bleibt Abfall" in _list(client, q="Aluminiumschrott")


def test_rows_that_look_alike_link_to_their_own_barrier(member, peer):
    created = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    first = BarrierFactory(author=member, title=TITLE, created_at=created)
    second = BarrierFactory(author=member, title=TITLE, created_at=created)

    text = _list(client_for(peer))

    assert f'href="/barriers/{first.pk}/"' in text
    assert f'href="/barriers/{second.pk}/"' in text
