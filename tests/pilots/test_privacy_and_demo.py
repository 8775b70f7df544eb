"""Data export of pilot data, notification kinds, and the demo data."""

import io
import json

import pytest
from django.core.management import call_command

from members import extensions
from pilots import demo
from pilots.models import PartnerNeed, PilotApplication, PilotComment, PilotProject
from tests.conftest import client_for
from tests.pilots.factories import ApplicationFactory, NeedFactory, PilotFactory

pytestmark = pytest.mark.django_db


def test_export_contains_own_pilots_applications_and_comments(member, peer):
    PilotFactory(proposer=member, title="Mein Pilot")
    other = PilotFactory(proposer=peer, title="Fremder Pilot")
    ApplicationFactory(need=NeedFactory(pilot=other), applicant=member, message="Meine Bewerbung")
    ApplicationFactory(need=NeedFactory(pilot=other), message="Fremde Bewerbung")
    PilotComment.objects.create(pilot=other, author=member, body="Mein Kommentar")

    data = json.loads(client_for(member).get("/members/me/export/").content)["pilots"]

    assert [p["title"] for p in data["proposed"]] == ["Mein Pilot"]
    assert [a["message"] for a in data["applications"]] == ["Meine Bewerbung"]
    assert [c["comment"] for c in data["comments"]] == ["Mein Kommentar"]


def test_notification_kinds_are_registered():
    assert {
        "pilot_application",
        "pilot_decision",
        "pilot_comment",
        "pilot_status",
        "pilot_renewal",
    } <= set(extensions.notification_kinds)


def seed_members():
    from members import demo as members_demo

    members_demo.seed(scale=0, stdout=io.StringIO())


def test_demo_seeds_the_example_pilots_once():
    seed_members()

    demo.seed(scale=0, stdout=io.StringIO())
    demo.seed(scale=0, stdout=io.StringIO())

    pilots = PilotProject.objects.filter(is_demo=True)
    assert pilots.count() == 8
    assert len(set(pilots.values_list("status", flat=True))) >= 6
    assert PartnerNeed.objects.filter(status="open").exists()
    assert PartnerNeed.objects.filter(status="filled").exists()
    statuses = set(PilotApplication.objects.values_list("status", flat=True))
    assert {"pending", "accepted", "declined"} <= statuses
    assert pilots.filter(strategy="").count() == 0


def test_demo_links_demo_barriers_when_present():
    from barriers.models import Barrier

    seed_members()
    barrier = Barrier.objects.create(
        title="Rückführung von Stanzabfällen zum Bandlieferanten scheitert an Logistik "
        "und Verträgen",
        status="published",
    )

    demo.seed(scale=0, stdout=io.StringIO())

    assert [p.title for p in barrier.pilots.all()] == [
        "Closed Loop für Kupfer- und Messing-Stanzabfälle"
    ]


def test_demo_scale_adds_bulk_pilots_and_needs():
    seed_members()
    demo.seed(scale=0, stdout=io.StringIO())
    before = PartnerNeed.objects.count()

    demo.seed(scale=2, stdout=io.StringIO())
    demo.seed(scale=2, stdout=io.StringIO())

    assert PilotProject.objects.filter(title__startswith="Benchmark-Pilot ").count() == 40
    assert PartnerNeed.objects.count() - before == 120


def test_listing_command_runs(member):
    out = io.StringIO()

    call_command("pilot_listings", stdout=out)

    assert out.getvalue().strip() == "pilots: 0 reminded, 0 back to idea"
