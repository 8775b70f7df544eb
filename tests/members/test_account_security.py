"""Login protection: allauth's rate limits and two-factor authentication."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_failed_logins_are_rate_limited_per_account(member):
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": member.email, "password": "falsch"})
        assert response.status_code == 200

    # Five failures in five minutes lock this account's login, even with the right password.
    response = client.post("/accounts/login/", {"login": member.email, "password": "password"})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()


def test_every_member_can_turn_on_two_factor_authentication(member):
    client = Client()
    client.post("/accounts/login/", {"login": member.email, "password": "password"})
    # Changing security settings asks for the password again (allauth reauthentication).
    assert client.get("/accounts/2fa/totp/activate/").status_code == 302
    client.post("/accounts/reauthenticate/", {"password": "password"})

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 200
    assert response.context["form"].secret  # the key the authenticator app scans


def test_admin_login_goes_through_the_portal_login():
    response = Client().get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
