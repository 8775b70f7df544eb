import pytest

from members.models import User
from tests.factories import material, stage

pytestmark = pytest.mark.django_db


def test_member_edits_profile_and_interests(member_client, member):
    response = member_client.post(
        "/members/me/",
        {
            "first_name": "Mira",
            "last_name": "Schäfer-Lang",
            "position": "Geschäftsführerin",
            "language": "en",
            "digest_frequency": "off",
            "materials": [material("kupfer").pk],
            "value_chain_stages": [stage("schrotthandel").pk],
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_name == "Schäfer-Lang"
    assert member.language == "en"
    assert member.show_in_directory is False  # unchecked box
    assert member.digest_frequency == User.DigestFrequency.OFF
    assert [m.slug for m in member.materials.all()] == ["kupfer"]
    assert [s.slug for s in member.value_chain_stages.all()] == ["schrotthandel"]


def test_bad_profile_input_changes_nothing(member_client, member):
    response = member_client.post(
        "/members/me/", {"first_name": "", "last_name": "X", "language": "fr"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["first_name"] == [
        "Dieses Feld ist zwingend erforderlich."
    ]
    member.refresh_from_db()
    assert (member.first_name, member.language) == ("Mira", "de")


def test_saved_language_wins_when_logged_in(member_client, member):
    member.language = "en"
    member.save()

    response = member_client.get("/members/me/", HTTP_ACCEPT_LANGUAGE="de")

    assert "My profile" in response.content.decode()


def test_language_switch_saves_the_choice(member_client, member):
    member_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    member.refresh_from_db()
    assert member.language == "en"
    assert "My Thementisch" in member_client.get("/").content.decode()


def test_anonymous_language_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "Become a member" in client.get("/").content.decode()


def test_feed_token_can_be_renewed(member_client, member):
    old = member.feed_token

    response = member_client.post("/members/me/feed-token/")

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.feed_token != old
    assert len(member.feed_token) >= 30


def test_coordinator_dashboard_recommends_two_factor(coordinator_client, pending_user):
    html = coordinator_client.get("/").content.decode()

    assert "Zwei-Faktor-Anmeldung einschalten" in html
    assert "1 Registrierung wartet auf Ihre Entscheidung." in html


def test_member_dashboard_does_not_show_coordination(member_client):
    html = member_client.get("/").content.decode()

    assert "Zwei-Faktor-Anmeldung einschalten" not in html
    assert "Registrierungen prüfen" not in html
