"""A barrier's journey in a real browser: logged, suggested, endorsed, published,
forwarded, answered; every page visited passes the accessibility check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from barriers.models import Barrier
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    BarrierFactory,
    CoordinatorFactory,
    MinistryUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_user(page, email):
    page.context.clear_cookies()
    log_in(page, email)


def test_barrier_from_logging_to_official_response(page):
    member = UserFactory(email="mira@example.com", first_name="Mira", last_name="Schäfer")
    peer = UserFactory(email="peter@example.com", first_name="Peter", last_name="Paulsen")
    CoordinatorFactory(email="koordination@example.com", first_name="Konrad")
    ministry = MinistryUserFactory(email="ministerium@example.com", first_name="Mona")
    BarrierFactory(
        author=peer,
        title="Abfallende-Status für Aluminiumschrott unklar",
        description="Behörden beurteilen aufbereiteten Schrott unterschiedlich.",
    )

    # A member logs a barrier and is shown the similar one while typing.
    log_in(page, member.email)
    page.goto("/barriers/new/")
    page.get_by_label("Kurzer Titel").fill("Abfallende Aluminiumschrott ungeklärt")
    suggestion = page.locator("#similar-barriers a")
    suggestion.first.wait_for()
    assert "Abfallende-Status für Aluminiumschrott unklar" in suggestion.first.inner_text()
    assert_accessible(page, "new barrier with suggestion")
    page.get_by_label("Worin besteht das Problem?").fill(
        "Unsere sortierten Knetlegierungsschrotte werden je nach Behörde als Abfall eingestuft."
    )
    page.get_by_label("Welche Art von Hemmnis ist es?").select_option("rechtlich_regulatorisch")
    page.get_by_label("Wer kann das Hemmnis beseitigen?").select_option("land_nrw")
    page.get_by_role("button", name="Hemmnis einreichen").click()
    # Before saving, the similar barrier is offered again.
    page.get_by_role("button", name="Mein Hemmnis ist ein anderes: als neues einreichen").click()
    page.get_by_role("heading", name="Abfallende Aluminiumschrott ungeklärt").wait_for()
    barrier = Barrier.objects.get(title="Abfallende Aluminiumschrott ungeklärt")
    assert_accessible(page, "barrier submitted")

    # The coordinator reviews, publishes and forwards it.
    _switch_user(page, "koordination@example.com")
    for status in ["in_review", "published"]:
        page.goto(f"/barriers/{barrier.pk}/status/")
        page.get_by_label("Neuer Status").select_option(status)
        page.get_by_role("button", name="Status ändern").click()
        page.get_by_role("heading", name=barrier.title).wait_for()
    page.goto(f"/barriers/{barrier.pk}/status/")
    assert_accessible(page, "status form")
    page.get_by_label("Neuer Status").select_option("forwarded")
    page.get_by_label("Weiterleiten an Ebene").select_option("land_nrw")
    page.get_by_label("Ministerium oder Behörde (optional)").select_option(
        str(ministry.organisation.pk)
    )
    answer_by = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Antwort erbeten bis").fill(answer_by.isoformat())
    page.get_by_label("Notiz für den Verlauf").fill("Bitte um Stellungnahme.")
    page.get_by_role("button", name="Status ändern").click()
    page.get_by_role("heading", name=barrier.title).wait_for()
    assert_accessible(page, "barrier forwarded (coordinator)")

    # Another member endorses it.
    _switch_user(page, peer.email)
    page.goto("/barriers/")
    assert_accessible(page, "barrier list")
    page.get_by_role("link", name=barrier.title).click()
    page.get_by_label("Notiz (optional)").fill("Betrifft auch unser Werk in Hagen.")
    page.get_by_role("button", name="Betrifft uns auch").click()
    page.get_by_text("Sie unterstützen dieses Hemmnis.").wait_for()
    assert_accessible(page, "barrier endorsed")

    # The ministry answers.
    _switch_user(page, ministry.email)
    page.goto("/barriers/forwarded/")
    assert_accessible(page, "forwarded list")
    page.get_by_role("link", name=barrier.title).click()
    page.get_by_role("link", name="Offizielle Antwort schreiben").click()
    assert_accessible(page, "response form")
    page.get_by_label("Offizielle Antwort").fill("Wir stimmen uns mit den Bezirksregierungen ab.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    page.locator(".official-response").wait_for()

    # The submitter sees the whole timeline.
    _switch_user(page, member.email)
    page.goto(f"/barriers/{barrier.pk}/")
    timeline = page.locator(".timeline").inner_text()
    for step in ["In Prüfung", "Veröffentlicht", "An die Politik weitergeleitet", "Beantwortet"]:
        assert step in timeline
    assert "Bitte um Stellungnahme." in timeline
    assert "Wir stimmen uns mit den Bezirksregierungen ab." in page.content()
    assert_accessible(page, "submitter sees timeline")
    barrier.refresh_from_db()
    assert (barrier.status, barrier.endorsing_organisation_count) == ("answered", 1)

    page.goto("/barriers/stats/")
    assert_accessible(page, "statistics")
    page.goto("/barriers/brief/")
    assert_accessible(page, "policy brief")
    page.goto("/")
    assert_accessible(page, "dashboard")
