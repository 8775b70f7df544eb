"""Matching: fitting organisations for a pilot, fitting pilots for a member."""

import pytest
from django.utils import translation

from pilots.models import PartnerNeed, PilotProject
from pilots.selectors import fitting_organisations, pilots_seeking_partners_like
from tests.factories import OrganisationFactory, UserFactory, material, stage
from tests.pilots.factories import NeedFactory, PilotFactory
from thementisch.taxonomy import stage_labels

pytestmark = pytest.mark.django_db


def organisation(name, stages=(), materials=()):
    org = OrganisationFactory(name=name)
    org.value_chain_stages.set([stage(s) for s in stages])
    org.materials.set([material(m) for m in materials])
    return org


@pytest.fixture
def pilot():
    lead = organisation("Lead GmbH", ["sortierung_aufbereitung"], ["aluminium"])
    pilot = PilotFactory(
        proposer=UserFactory(organisation=lead), status=PilotProject.Status.SEEKING_PARTNERS
    )
    NeedFactory(
        pilot=pilot,
        role="recycler",
        stage=stage("sortierung_aufbereitung"),
        material=material("aluminium"),
    )
    NeedFactory(
        pilot=pilot,
        role="research",
        stage=stage("sekundaererzeugung"),
        material=material("seltene_erden"),
    )
    NeedFactory(pilot=pilot, role="it_provider")  # no stage or material: matches nobody
    NeedFactory(
        pilot=pilot,
        role="end_user",
        stage=stage("produktnutzung"),
        material=material("kupfer"),
        status=PartnerNeed.Status.FILLED,
    )
    return pilot


def test_fitting_organisations_are_ranked_by_match_quality(pilot, django_assert_num_queries):
    organisation(
        "Alpha Recycling", ["sortierung_aufbereitung", "sekundaererzeugung"], ["aluminium"]
    )
    organisation("Epsilon Institut", ["sekundaererzeugung"], ["seltene_erden"])
    organisation("Beta Sort", ["sortierung_aufbereitung"], ["aluminium"])
    organisation("Gamma Alu", [], ["aluminium"])
    organisation("Delta Kupfer", ["produktnutzung"], ["kupfer"])  # fits only the filled need
    organisation("Omega Nichts", ["rohstoffgewinnung"], ["blei"])

    with django_assert_num_queries(4), translation.override("en"):
        matches = fitting_organisations(pilot)
        reasons = [(m.organisation.name, m.score, m.reason) for m in matches]

    assert reasons == [
        (
            "Alpha Recycling",
            7,
            "Recycler, Sorting & preparation, Aluminium and aluminium alloys; "
            "Research partner, Secondary production",
        ),
        ("Beta Sort", 5, "Recycler, Sorting & preparation, Aluminium and aluminium alloys"),
        (
            "Epsilon Institut",
            5,
            "Research partner, Secondary production, Rare earth elements",
        ),
        ("Gamma Alu", 2, "Recycler, Aluminium and aluminium alloys"),
    ]


def test_lead_and_consortium_are_not_suggested(pilot):
    partner = organisation("Partner AG", ["sortierung_aufbereitung"], ["aluminium"])

    matches = fitting_organisations(pilot, exclude={partner.pk})

    assert matches == []


def test_pilot_without_open_needs_has_no_matches(pilot):
    pilot.needs.update(status=PartnerNeed.Status.FILLED)
    organisation("Beta Sort", ["sortierung_aufbereitung"], ["aluminium"])

    assert fitting_organisations(pilot) == []


def test_member_sees_pilots_looking_for_partners_like_their_organisation(
    django_assert_num_queries,
):
    mine = organisation("Meine Recycling GmbH", ["sortierung_aufbereitung"], ["aluminium"])
    member = UserFactory(organisation=mine)
    seeking = PilotProject.Status.SEEKING_PARTNERS
    best = PilotFactory(title="Bester Treffer", status=seeking)
    NeedFactory(
        pilot=best,
        role="recycler",
        stage=stage("sortierung_aufbereitung"),
        material=material("aluminium"),
    )
    weaker = PilotFactory(title="Schwächerer Treffer", status=seeking)
    NeedFactory(pilot=weaker, role="end_user", material=material("aluminium"))
    idea = PilotFactory(title="Nur eine Idee", status=PilotProject.Status.IDEA)
    NeedFactory(pilot=idea, material=material("aluminium"))
    own = PilotFactory(title="Eigener Pilot", status=seeking, organisation=mine)
    NeedFactory(pilot=own, material=material("aluminium"))
    filled = PilotFactory(title="Schon besetzt", status=seeking)
    NeedFactory(pilot=filled, material=material("aluminium"), status=PartnerNeed.Status.FILLED)
    other = PilotFactory(title="Anderes Metall", status=seeking)
    NeedFactory(pilot=other, material=material("blei"))

    stage_labels()  # the taxonomy labels come from the cache on a warm server
    # the interests (organisation's and own), the matching needs with their pilot's title
    with django_assert_num_queries(2), translation.override("en"):
        suggestions = [(s.pilot.title, s.reason) for s in pilots_seeking_partners_like(member)]

    assert suggestions == [
        ("Bester Treffer", "Recycler, Sorting & preparation, Aluminium and aluminium alloys"),
        ("Schwächerer Treffer", "End user / OEM, Aluminium and aluminium alloys"),
    ]


def test_member_without_organisation_profile_uses_own_interests():
    member = UserFactory(organisation=OrganisationFactory())
    member.materials.set([material("kupfer")])
    pilot = PilotFactory(title="Kupfer-Kreislauf", status=PilotProject.Status.SEEKING_PARTNERS)
    NeedFactory(pilot=pilot, material=material("kupfer"))

    assert [s.pilot for s in pilots_seeking_partners_like(member)] == [pilot]


def test_dashboard_shows_the_panel(member_client, member):
    member.organisation.materials.set([material("kupfer")])
    pilot = PilotFactory(title="Kupfer-Kreislauf", status=PilotProject.Status.SEEKING_PARTNERS)
    NeedFactory(pilot=pilot, role="recycler", material=material("kupfer"))

    response = member_client.get("/")

    assert response.context["partner_pilots"][0].pilot == pilot
    assert 'id="partner-pilots-heading"' in response.content.decode()
    assert "Kupfer-Kreislauf" in response.content.decode()
