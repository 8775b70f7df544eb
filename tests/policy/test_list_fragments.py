"""/policy/ keeps its rows and timeline entries as fragments: every change shows.

Each test shows the list once (so the rows are cached), changes one value a
row or timeline entry shows, and looks for the new value.
"""

import datetime

import pytest
from django.utils import timezone, translation

from policy.models import Level, PolicyFollow, PolicyItem, PolicyKeyDate, Status
from tests.conftest import client_for
from tests.factories import material
from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def item():
    """The only item on the list, with one upcoming key date."""
    PolicyItem.objects.all().delete()
    item = PolicyItemFactory(short_name="CBAM", title="Grenzausgleichsmechanismus")
    PolicyKeyDateFactory(item=item, date=days(40), label="Zertifikatverkauf startet")
    return item


def _list(client, query: str = "") -> str:
    response = client.get(f"/policy/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _german(label) -> str:
    with translation.override("de"):
        return str(label)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("short_name", "CBAM-neu", ">CBAM-neu</a>"),
        ("title", "Neuer Titel der Verordnung", "Neuer Titel der Verordnung</p>"),
        ("slug", "cbam-neu", 'href="/policy/cbam-neu/"'),
        ("level", Level.NRW, f'border">{_german(Level.NRW.label)}</span>'),
        ("kind", "strategy", 'border">Strategie</span>'),
        ("status", Status.REPEALED, f'secondary">{_german(Status.REPEALED.label)}</span>'),
        ("needs_review", True, "noch nicht vollständig geprüft"),
        ("status_as_of", datetime.date(2025, 3, 1), "Stand März 2025"),
    ],
)
def test_row_shows_a_changed_item_field(item, member_client, field, value, shown):
    assert shown not in _list(member_client)

    PolicyItem.objects.filter(pk=item.pk).update(**{field: value})

    assert shown in _list(member_client)


def test_row_without_short_name_shows_the_title(item, member_client):
    _list(member_client)

    PolicyItem.objects.filter(pk=item.pk).update(short_name="")

    assert ">Grenzausgleichsmechanismus</a>" in _list(member_client)


def test_row_in_english_shows_the_english_title_and_its_change(item, member, member_client):
    member.language = "en"
    member.save()
    PolicyItem.objects.filter(pk=item.pk).update(short_name="", title_en="Border adjustment")
    assert ">Border adjustment</a>" in _list(member_client)

    PolicyItem.objects.filter(pk=item.pk).update(title_en="Carbon border adjustment")

    assert ">Carbon border adjustment</a>" in _list(member_client)


def test_row_shows_new_updates_count_and_date(item, member_client):
    assert "noch keine Updates" in _list(member_client)

    PolicyUpdateFactory(item=item, date=datetime.date(2026, 2, 3))
    assert "1 Update, zuletzt am 03.02.2026" in _list(member_client)

    PolicyUpdateFactory(item=item, date=datetime.date(2026, 4, 5))
    assert "2 Updates, zuletzt am 05.04.2026" in _list(member_client)


def test_row_shows_changed_materials(item, member_client):
    aluminium, copper = material("aluminium"), material("kupfer")
    assert f"{aluminium.label_de} ·" not in _list(member_client)

    item.materials.add(aluminium)
    assert f"{aluminium.label_de} ·" in _list(member_client)

    item.materials.add(copper)
    in_order = ", ".join(m.label_de for m in item.materials.all())  # the materials' ordering
    assert f"{in_order} ·" in _list(member_client)


def test_row_and_timeline_show_a_changed_next_date(item, member_client):
    key_date = item.key_dates.get()
    html = _list(member_client)
    assert html.count("Zertifikatverkauf startet") == 2  # the row and the timeline

    key_date.label = "Verkauf beginnt"
    key_date.needs_review = True
    key_date.save()
    html = _list(member_client)
    assert html.count("Verkauf beginnt") == 2
    assert "(nicht bestätigt)" in html

    key_date.date = datetime.date(days(40).year + 1, 1, 1)
    key_date.precision = "year"
    key_date.save()
    assert f"{key_date.date.year} – " in _list(member_client)

    sooner = PolicyKeyDateFactory(item=item, date=days(5), label="Übergangsphase endet")
    html = _list(member_client)
    assert "Übergangsphase endet" in html.split('id="timeline-heading"')[0]  # now the row's
    sooner.delete()
    assert "Übergangsphase endet" not in _list(member_client)


def test_timeline_shows_a_changed_item_name(item, member_client):
    _list(member_client)

    PolicyItem.objects.filter(pk=item.pk).update(short_name="CBAM 2")

    timeline = _list(member_client).split('id="timeline-heading"')[1]
    assert ">CBAM 2</a>: " in timeline


def test_timeline_shows_dates_of_a_running_period(item, member_client):
    _list(member_client)
    this_year = timezone.localdate().year
    PolicyKeyDateFactory(
        item=item, date=datetime.date(this_year, 1, 1), precision="year", label="Leitfaden"
    )

    timeline = _list(member_client).split('id="timeline-heading"')[1]
    assert f"{this_year}</span>: " in timeline
    assert "Leitfaden" in timeline


def test_follow_badge_is_per_viewer(item, member, peer):
    PolicyFollowFactory(item=item, user=member)

    assert "Sie folgen" in _list(client_for(member))
    assert "Sie folgen" not in _list(client_for(peer))

    PolicyFollow.objects.filter(item=item, user=member).delete()
    PolicyFollowFactory(item=item, user=peer)

    assert "Sie folgen" not in _list(client_for(member))
    assert "Sie folgen" in _list(client_for(peer))


def test_filtered_timeline_shows_only_dates_of_the_filtered_items(item, member_client):
    other = PolicyItemFactory(short_name="NRW-Plan", level=Level.NRW)
    PolicyKeyDateFactory(item=other, date=days(10), label="Landesplan beschlossen")
    assert "Landesplan beschlossen" in _list(member_client)

    html = _list(member_client, f"?level={Level.EU}")

    assert "Landesplan beschlossen" not in html
    assert "Zertifikatverkauf startet" in html
    assert PolicyKeyDate.objects.count() == 2


def _timeline(client) -> str:
    return _list(client).split('id="timeline-heading"')[1].split('id="subscribe-heading"')[0]


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"kind": PolicyKeyDate.Kind.DEADLINE}, '<span class="small">Frist</span>'),
        ({"label": "Zertifikate ab jetzt"}, ">Zertifikate ab jetzt</span>"),
        ({"needs_review": True}, "(nicht bestätigt)"),
        ({"date": days(41)}, f"{days(41).day}. "),
    ],
)
def test_timeline_block_shows_each_changed_date_value(item, member_client, change, shown):
    """The timeline is one fragment: a change to any date it shows is a new key."""
    key_date = item.key_dates.get()
    assert shown not in _timeline(member_client)

    for field, value in change.items():
        setattr(key_date, field, value)
    key_date.save()

    assert shown in _timeline(member_client)


def test_timeline_block_shows_a_changed_address_and_title(item, member_client):
    _timeline(member_client)

    PolicyItem.objects.filter(pk=item.pk).update(slug="cbam-2", short_name="")

    timeline = _timeline(member_client)
    assert 'href="/policy/cbam-2/">Grenzausgleichsmechanismus</a>' in timeline


def test_timeline_block_in_english_shows_the_english_label(item, member, member_client):
    member.language = "en"
    member.save()
    assert 'lang="de">Zertifikatverkauf startet' in _timeline(member_client)

    PolicyKeyDate.objects.filter(item=item).update(label_en="Certificate sales start")

    assert ">Certificate sales start</span>" in _timeline(member_client)


def test_timeline_block_counts_the_running_periods(item, member_client):
    this_year = timezone.localdate().year
    PolicyKeyDateFactory(item=item, date=datetime.date(this_year, 1, 1), precision="year")
    assert "1 weiterer Termin im laufenden Zeitraum" in _timeline(member_client)

    PolicyKeyDateFactory(item=item, date=datetime.date(this_year, 1, 1), precision="year")

    assert "2 weitere Termine im laufenden Zeitraum" in _timeline(member_client)


def test_page_of_rows_shows_a_change_to_any_of_its_rows(item, member_client):
    """The rows of a page are one fragment too: its key holds every row's key."""
    other = PolicyItemFactory(short_name="ESPR", title="Ökodesign-Verordnung")
    PolicyKeyDateFactory(item=other, date=days(90), label="Delegierter Rechtsakt")
    assert ">ESPR</a>" in _list(member_client)

    PolicyItem.objects.filter(pk=other.pk).update(short_name="ESPR 2")
    html = _list(member_client)
    assert ">ESPR 2</a>" in html
    assert ">CBAM</a>" in html

    PolicyUpdateFactory(item=other, date=datetime.date(2026, 2, 3))
    assert "1 Update, zuletzt am 03.02.2026" in _list(member_client)
