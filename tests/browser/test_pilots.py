"""Pilot journey in Chromium: propose with two needs, apply, accept; pages are accessible."""

from email.utils import parseaddr
from importlib import import_module

import pytest
from django.apps import apps

from barriers.models import Barrier
from pilots.models import PartnerNeed, PilotApplication, PilotProject
from tests.browser.conftest import assert_accessible
from tests.factories import OrganisationFactory, UserFactory, material, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Legierungsgenaue Sortierung von Aluminiumschrott"


@pytest.fixture(autouse=True)
def _taxonomy(db):
    """Stages and materials come from a data migration that transactional tests flush."""
    import_module("thementisch.migrations.0002_taxonomy").load_taxonomy(apps, None)


def log_in(page, email: str) -> None:
    # conftest.log_in clicks a button named "Anmelden"; allauth's German label is "Anmeldung".
    page.goto("/accounts/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill("password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def switch_user(page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email)


def test_propose_apply_accept_journey(page, mailoutbox):
    proposer = UserFactory(
        email="mira@example.com",
        first_name="Mira",
        last_name="Schäfer",
        organisation=OrganisationFactory(name="Rhein-Ruhr Recycling GmbH"),
    )
    partner_org = OrganisationFactory(name="Institut für Metallrecycling")
    partner_org.value_chain_stages.set([stage("sortierung_aufbereitung")])
    partner_org.materials.set([material("aluminium")])
    applicant = UserFactory(
        email="felix@example.com",
        first_name="Felix",
        last_name="Hartmann",
        organisation=partner_org,
    )

    barrier = Barrier.objects.create(
        title="Förderlücke bei sensorgestützter Sortierung",
        status=Barrier.Status.PUBLISHED,
        author=UserFactory(first_name="Anonyma", last_name="Verborgen"),
        is_anonymous=True,
    )

    Barrier.objects.create(title="Verbringung dauert Monate", status=Barrier.Status.PUBLISHED)

    # The proposer proposes a pilot with two partner needs.
    log_in(page, proposer.email)
    page.goto("/pilots/")
    assert_accessible(page, "pilot list (empty)")
    page.get_by_role("link", name="Pilot vorschlagen").click()
    page.get_by_role("button", name="Veröffentlichen").click()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "pilot form with errors")
    assert PilotProject.objects.count() == 0

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Eine Demonstrationslinie trennt Knetlegierungen per LIBS.")
    page.locator("#id_strategy").select_option("R8")
    page.get_by_label("Aluminium und Aluminiumlegierungen").check()
    page.locator("#id_trl_current").select_option("5")
    page.locator("#id_trl_target").select_option("7")
    # The barrier picker searches as you type (htmx) and keeps the ticked ones.
    assert page.get_by_label("Verbringung dauert Monate").count() == 1
    page.get_by_label("Hemmnisse nach Titel suchen").fill("sensorgestützt")
    page.get_by_label("Verbringung dauert Monate").wait_for(state="detached")
    page.get_by_label("Förderlücke bei sensorgestützter Sortierung").check()
    page.locator("#id_needs-0-role").select_option("recycler")
    page.locator("#id_needs-0-stage").select_option(
        label="Sortierung & Aufbereitung (Schreddern, Separieren)"
    )
    page.locator("#id_needs-0-material").select_option(label="Aluminium und Aluminiumlegierungen")
    page.locator("#id_needs-0-description").fill("Sortierte Shredderfraktion")
    page.locator("#id_needs-1-role").select_option("end_user")
    page.locator("#id_needs-1-description").fill("Strangpresswerk als Abnehmer")
    assert_accessible(page, "pilot form")
    page.get_by_role("button", name="Veröffentlichen").click()

    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    pilot = PilotProject.objects.get()
    assert pilot.status == PilotProject.Status.SEEKING_PARTNERS
    assert pilot.needs.count() == 2
    assert list(pilot.barriers.all()) == [barrier]
    assert "Verborgen" not in page.content()
    assert_accessible(page, "pilot page of the proposer")
    page.get_by_role("link", name="Bearbeiten").first.click()
    page.get_by_role("heading", level=1, name="Pilotprojekt bearbeiten").wait_for()
    assert page.get_by_label("Förderlücke bei sensorgestützter Sortierung").is_checked()
    assert_accessible(page, "pilot edit form")

    # Another member finds it on the dashboard and applies for the recycler need.
    switch_user(page, applicant.email)
    page.goto("/")
    page.get_by_role("link", name=TITLE).wait_for()
    assert_accessible(page, "dashboard with pilot suggestions")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    assert_accessible(page, "pilot page of another member")
    page.get_by_role("link", name="Bewerben – Recycler / Aufbereiter").click()
    assert_accessible(page, "apply page")
    page.get_by_label("Ihre Nachricht an die einreichende Person").fill(
        "Wir betreiben eine Sortieranlage und liefern gern."
    )
    page.get_by_role("button", name="Bewerbung senden").click()
    page.get_by_text("Ihre Bewerbung ist gesendet.").wait_for()
    application = PilotApplication.objects.get()
    assert application.organisation == partner_org

    # The proposer accepts; the consortium shows the partner, the need is filled.
    switch_user(page, proposer.email)
    page.goto(f"/pilots/{pilot.pk}/")
    page.get_by_role("button", name="Annehmen – Institut für Metallrecycling").click()
    page.get_by_text(
        "Die Bewerbung von Institut für Metallrecycling ist jetzt: angenommen."
    ).wait_for()
    consortium = page.locator("#consortium")
    assert "Institut für Metallrecycling" in consortium.inner_text()
    assert "Recycler / Aufbereiter" in consortium.inner_text()
    need_row = page.locator(f"#need-{pilot.needs.get(role='recycler').pk}")
    assert "besetzt" in need_row.inner_text()
    assert "durch Institut für Metallrecycling" in need_row.inner_text()
    assert_accessible(page, "pilot page after the decision")
    assert pilot.needs.get(role="recycler").status == PartnerNeed.Status.FILLED
    assert pilot.needs.get(role="end_user").status == PartnerNeed.Status.OPEN

    # Both sides were emailed: the proposer about the application, the applicant about the decision.
    sent = [(parseaddr(m.to[0])[1], m.subject) for m in mailoutbox]
    assert ("mira@example.com", f"Institut für Metallrecycling bewirbt sich bei „{TITLE}“") in sent
    assert (
        "felix@example.com",
        f"Willkommen an Bord: Ihre Bewerbung bei „{TITLE}“ wurde angenommen",
    ) in sent


def test_board_and_filtered_list_are_accessible(page):
    member = UserFactory(email="vera@example.com")
    for number, status in enumerate(["idea", "seeking_partners", "running", "completed"]):
        PilotProject.objects.create(
            title=f"Pilot {number}", status=status, proposer=member, summary="Text"
        )

    log_in(page, member.email)
    page.goto("/pilots/?view=board")
    page.get_by_role("heading", name="Pilotprojekte nach Status").wait_for()
    assert_accessible(page, "board")
    page.goto("/pilots/?open_needs=on&status=idea")
    assert_accessible(page, "filtered list")
