"""Notification settings (profile section, /digest/preferences/) and the admin preview."""

import pytest

from digests.tokens import unsubscribe_url
from members.models import Notification, User
from tests.conftest import client_for
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db

PREFERENCES = "/digest/preferences/"
PREVIEW = "/admin/digests/digestrun/preview/"
PREVIEW_HTML = "/admin/digests/digestrun/preview/html/"
SEND_TEST = "/admin/digests/digestrun/preview/send/"


# --- who may open what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("pending", 403),
        ("member", 200),
        ("ministry", 200),
        ("coordinator", 200),
    ],
)
def test_preferences_page_needs_an_approved_member(role_clients, role, expected):
    response = role_clients[role].get(PREFERENCES)

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("pending", 302),
        ("member", 302),
        ("ministry", 302),
        ("coordinator", 200),
    ],
)
def test_admin_preview_is_for_the_coordinator_only(role_clients, member, role, expected):
    response = role_clients[role].get(PREVIEW, {"member": member.email})

    assert response.status_code == expected
    if expected == 302:
        assert "/admin/login/" in response["Location"]


def test_admin_preview_html_and_send_test_are_for_the_coordinator_only(role_clients, member):
    for role in ("anonymous", "pending", "member", "ministry"):
        html = role_clients[role].get(PREVIEW_HTML, {"member": member.email})
        sent = role_clients[role].post(SEND_TEST, {"member": member.email})
        assert (html.status_code, sent.status_code) == (302, 302), role
    assert OutgoingEmail.objects.filter(topic="digest-test").count() == 0


def test_unsubscribe_page_is_public(member):
    response = client_for(None).get(unsubscribe_url(member))

    assert response.status_code == 200


# --- notification settings -----------------------------------------------------------------


def test_profile_shows_the_notification_settings_to_members(member_client):
    response = member_client.get("/members/me/")

    page = response.content.decode()
    assert 'id="email-settings"' in page
    assert "Hemmnisse: neue Kommentare zu Ihren Hemmnissen" in page
    assert 'action="/digest/preferences/"' in page
    # Kinds for the coordination are not offered to members.
    assert 'name="barrier_submitted"' not in page
    assert 'name="barrier_comment"' in page


def test_profile_of_a_pending_member_has_no_notification_settings(role_clients):
    response = role_clients["pending"].get("/members/me/")

    assert response.status_code == 200
    assert 'id="email-settings"' not in response.content.decode()


def test_coordinator_is_asked_about_coordination_kinds(coordinator_client):
    page = coordinator_client.get("/members/me/").content.decode()

    assert 'name="barrier_submitted"' in page


def _all_kinds(mode: str, member) -> dict[str, str]:
    from digests.forms import kinds_for

    return {kind: mode for kind, _label in kinds_for(member)}


def test_member_saves_a_mode_per_kind(member, member_client):
    data = _all_kinds("instant", member)
    data["barrier_comment"] = "digest"
    data["policy_update"] = "off"

    response = member_client.post(PREFERENCES, data)

    member.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/members/me/#email-settings"
    assert member.notification_mode("barrier_comment") == Notification.Mode.DIGEST
    assert member.notification_mode("policy_update") == Notification.Mode.OFF
    assert member.notification_mode("pilot_comment") == Notification.Mode.INSTANT


def test_invalid_choice_shows_a_message_and_changes_nothing(member, member_client):
    data = _all_kinds("instant", member)
    data["barrier_comment"] = "sometimes"

    response = member_client.post(PREFERENCES, data)

    member.refresh_from_db()
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte prüfen Sie die unten markierten Angaben" in page
    assert "Bitte eine gültige Auswahl treffen." in page
    assert member.notification_settings == {}


def test_profile_keeps_the_digest_frequency_in_one_place(member_client):
    page = member_client.get("/members/me/").content.decode()

    assert page.count('name="digest_frequency"') == 1


# --- admin preview and test digest ---------------------------------------------------------------


def test_coordinator_previews_a_members_digest(week, coordinator_client):
    import time_machine

    with time_machine.travel(week.now):
        page = coordinator_client.get(PREVIEW, {"member": "alma@example.com"})
        html = coordinator_client.get(PREVIEW_HTML, {"member": "alma@example.com"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "Ausgabe 2026-W11" in text
    assert "Aluminiumspäne gelten als Abfall" in text  # the text part
    assert 'src="/admin/digests/digestrun/preview/html/?member=alma%40example.com' in text
    assert html.status_code == 200
    assert "Aluminiumspäne gelten als Abfall" in html.content.decode()
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]
    assert "sandbox" in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    # Pages of the portal keep the strict policy.
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_preview_of_an_unknown_address_says_so(coordinator_client):
    response = coordinator_client.get(PREVIEW, {"member": "niemand@example.com"})

    assert response.status_code == 200
    assert "Es gibt kein Konto mit dieser E-Mail-Adresse." in response.content.decode()


def test_coordinator_sends_a_test_digest_to_themself(
    week, coordinator, coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    import time_machine

    with time_machine.travel(week.now), django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(SEND_TEST, {"member": "dora@example.com"})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["Konrad Koordinator <koordination@example.com>"]]
    message = mailoutbox[0]
    assert message.subject.startswith("[Test] Thementisch Metall: Ihr Wochenüberblick")
    assert "Gallium fehlt" in message.body
    # The test acts for nobody: the member's notification stays for the real digest,
    # and the unsubscribe link is the coordinator's own.
    week.notification.refresh_from_db()
    assert week.notification.digested_at is None
    assert unsubscribe_url(coordinator) in message.body
    assert unsubscribe_url(week.dora) not in message.body
    assert User.objects.get(pk=week.dora.pk).digest_frequency == "weekly"
