"""The coordinator's admin: state changes and decisions go through the services."""

import pytest

from pilots.models import PilotApplication, PilotProject
from tests.pilots.factories import ApplicationFactory, NeedFactory, PilotFactory

pytestmark = pytest.mark.django_db


def admin_form(pilot, **changes):
    data = {
        "title": pilot.title,
        "summary": pilot.summary,
        "objectives": "",
        "strategy": "",
        "trl_current": "",
        "trl_target": "",
        "funding_programme": "",
        "funding_other": "",
        "budget_range": "",
        "duration_months": "",
        "planned_start": "",
        "proposer": pilot.proposer_id,
        "organisation": pilot.organisation_id,
        "contact_person": pilot.contact_person_id,
        "barriers": "",
        "new_status": "",
        "status_note": "",
        "needs-TOTAL_FORMS": "0",
        "needs-INITIAL_FORMS": "0",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_state_change_goes_to_the_timeline(coordinator_client, coordinator):
    pilot = PilotFactory(status=PilotProject.Status.SEEKING_PARTNERS)
    url = f"/admin/pilots/pilotproject/{pilot.pk}/change/"

    response = coordinator_client.post(
        url, admin_form(pilot, new_status="consortium_formed", status_note="Per Admin")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    pilot.refresh_from_db()
    assert pilot.status == PilotProject.Status.CONSORTIUM_FORMED
    event = pilot.events.get()
    assert (event.actor, event.kind, event.note) == (coordinator, "status", "Per Admin")


def test_admin_refuses_a_jump_with_a_message(coordinator_client):
    pilot = PilotFactory(status=PilotProject.Status.IDEA)

    response = coordinator_client.post(
        f"/admin/pilots/pilotproject/{pilot.pk}/change/", admin_form(pilot, new_status="completed")
    )

    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    pilot.refresh_from_db()
    assert pilot.status == PilotProject.Status.IDEA


def test_admin_action_accepts_through_the_service(coordinator_client):
    application = ApplicationFactory(need=NeedFactory())

    coordinator_client.post(
        "/admin/pilots/pilotapplication/",
        {"action": "accept", "_selected_action": [application.pk]},
    )

    application.refresh_from_db()
    assert application.status == PilotApplication.Status.ACCEPTED
    assert application.need.status == "filled"
    assert application.pilot.events.filter(kind="partner_joined").count() == 1
