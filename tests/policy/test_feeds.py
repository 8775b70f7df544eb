"""Atom feeds and the ICS subscription, parsed as a feed reader and a calendar would."""

import datetime

import feedparser
import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from members import services as member_services
from policy.models import PolicyKeyDate
from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def updates():
    """Three updates published one after another (oldest first)."""
    item = PolicyItemFactory(short_name="ESPR")
    now = timezone.now()
    return [
        PolicyUpdateFactory(
            item=item,
            title=f"Update {number}",
            body=f"Geheime Einschätzung {number}",
            created_at=now - datetime.timedelta(hours=10 - number),
        )
        for number in range(3)
    ]


def test_public_feed_is_valid_atom_with_latest_updates_in_order(updates):
    response = Client().get("/policy/feed/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo is False
    assert feed.version == "atom10"
    assert feed.feed.title == "Thementisch Metall – Politik-Radar"
    assert [entry.title for entry in feed.entries] == [
        "ESPR: Update 2",
        "ESPR: Update 1",
        "ESPR: Update 0",
    ]
    first = feed.entries[0]
    assert (
        first.link
        == f"https://portal.example.org/policy/{updates[2].item.slug}/#update-{updates[2].pk}"
    )
    assert first.id.startswith("tag:portal.example.org,")
    assert first.updated_parsed is not None
    assert feed.feed.links[1].rel == "self"


def test_public_feed_holds_no_members_only_text(updates):
    response = Client().get("/policy/feed/")

    assert "Geheime Einschätzung" not in response.content.decode()


def test_personal_feed_has_the_full_text_in_the_members_language(member, updates):
    member.language = "en"
    member.save()

    response = Client().get(f"/policy/feed/{member.feed_token}/")

    feed = feedparser.parse(response.content)
    assert feed.bozo is False
    assert feed.feed.title == "Thementisch Metall – policy radar"
    assert feed.entries[0].content[0].value == "<p>Geheime Einschätzung 2</p>"
    assert response["Cache-Control"] == "private, max-age=900"


def test_personal_feed_stops_working_when_the_key_is_renewed(member, updates):
    old_token = member.feed_token

    member_services.renew_feed_token(member)

    assert Client().get(f"/policy/feed/{old_token}/").status_code == 404
    assert Client().get(f"/policy/feed/{member.feed_token}/").status_code == 200


def test_personal_feed_refuses_pending_members(pending_user):
    assert Client().get(f"/policy/feed/{pending_user.feed_token}/").status_code == 404


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_ics_subscription_holds_the_exact_key_dates(member):
    calendar = _calendar(Client().get(f"/policy/calendar/{member.feed_token}.ics"))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "Thementisch Metall" in str(calendar["PRODID"])
    assert calendar.get_missing_tzids() == set()
    events = calendar.walk("VEVENT")
    exact = PolicyKeyDate.objects.filter(precision="day")
    assert len(events) == exact.count()
    uids = {str(event["UID"]) for event in events}
    assert len(uids) == len(events)
    shipment = next(e for e in events if "DIWASS" in str(e["SUMMARY"]))
    assert shipment.decoded("DTSTART") == datetime.date(2026, 5, 21)
    assert shipment.decoded("DTEND") == datetime.date(2026, 5, 22)
    assert str(shipment["SUMMARY"]).startswith("Abfallverbringungsverordnung (WSR): Geltungsbeginn")
    assert str(shipment["URL"]) == "https://portal.example.org/policy/eu_waste_shipment/"
    assert shipment["DTSTAMP"].to_ical().endswith(b"Z")


def test_ics_uid_is_stable_across_downloads(member):
    first = _calendar(Client().get(f"/policy/calendar/{member.feed_token}.ics"))
    second = _calendar(Client().get(f"/policy/calendar/{member.feed_token}.ics"))

    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [
        str(e["UID"]) for e in second.walk("VEVENT")
    ]


def test_ics_only_followed_items(member):
    item = PolicyItemFactory(short_name="Gefolgt")
    PolicyKeyDateFactory(item=item, label="Frist läuft ab")
    PolicyFollowFactory(item=item, user=member)

    calendar = _calendar(Client().get(f"/policy/calendar/{member.feed_token}.ics?followed=1"))

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Gefolgt: Frist läuft ab"]


def test_ics_with_a_wrong_token_is_404():
    assert Client().get("/policy/calendar/falsch.ics").status_code == 404


def test_ics_download_for_logged_in_member(member_client):
    calendar = _calendar(member_client.get("/policy/calendar.ics"))

    assert calendar.walk("VEVENT")


def test_profile_shows_the_personal_addresses(member, member_client):
    html = member_client.get("/members/me/").content.decode()

    assert f"https://portal.example.org/policy/feed/{member.feed_token}/" in html
    assert f"https://portal.example.org/policy/calendar/{member.feed_token}.ics" in html
