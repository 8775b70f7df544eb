"""Every URL of the policy radar × every role gives the expected status."""

import pytest
from django.test import Client

from members.models import User
from policy.models import PolicyFollow

LOGIN = "login"  # redirect to the login page
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405

# Expected status per role, in the order of ROLES.
TABLE = {
    "/policy/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/policy/?level=eu&q=Schrott": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/policy/eu_crma/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/policy/gibt-es-nicht/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "/policy/calendar/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/policy/calendar.ics": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/policy/feed/": (OK, OK, OK, OK, OK),  # public headlines only
    "/policy/feed/not-a-token/": (NOT_FOUND,) * 5,
    "/policy/calendar/not-a-token.ics": (NOT_FOUND,) * 5,
    "/policy/eu_crma/follow/": (NOT_ALLOWED,) * 5,  # POST only
    "/admin/policy/policyitem/": (302, 302, 302, 302, OK),
    "/admin/policy/policyitem/?needs_review__exact=1": (302, 302, 302, 302, OK),
    "/admin/policy/policyfollow/": (302, 302, 302, 302, OK),
}
ROLES = ["anonymous", "pending", "member", "ministry", "coordinator"]


@pytest.mark.parametrize("url", TABLE)
def test_url_status_per_role(url, role_clients):
    for role, expected in zip(ROLES, TABLE[url], strict=True):
        response = role_clients[role].get(url)
        if expected == LOGIN:
            assert response.status_code == 302, (url, role)
            assert response["Location"].startswith("/accounts/login/"), (url, role)
        else:
            assert response.status_code == expected, (url, role, response.status_code)


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_follow_post_per_role(action, role_clients):
    expected = {"anonymous": LOGIN, "pending": FORBIDDEN, "member": 302, "ministry": 302}
    for role, status in expected.items():
        response = role_clients[role].post(f"/policy/eu_crma/{action}/")
        if status == LOGIN:
            assert response.status_code == 302, role
            assert response["Location"].startswith("/accounts/login/"), role
        else:
            assert response.status_code == status, (role, response.status_code)


def test_anonymous_and_pending_cannot_follow(role_clients, pending_user):
    role_clients["anonymous"].post("/policy/eu_crma/follow/")
    role_clients["pending"].post("/policy/eu_crma/follow/")

    assert not PolicyFollow.objects.exists()


@pytest.mark.parametrize("role", ["member", "ministry", "coordinator"])
def test_personal_urls_work_with_the_members_token(role, role_clients):
    user = User.objects.get(pk=role_clients[role].session["_auth_user_id"])
    anonymous = Client()

    assert anonymous.get(f"/policy/feed/{user.feed_token}/").status_code == OK
    assert anonymous.get(f"/policy/calendar/{user.feed_token}.ics").status_code == OK


def test_personal_urls_refuse_a_pending_members_token(pending_user):
    anonymous = Client()

    assert anonymous.get(f"/policy/feed/{pending_user.feed_token}/").status_code == NOT_FOUND
    assert anonymous.get(f"/policy/calendar/{pending_user.feed_token}.ics").status_code == NOT_FOUND


def test_mutations_need_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/policy/eu_crma/follow/")

    assert response.status_code == FORBIDDEN
    assert not PolicyFollow.objects.exists()
