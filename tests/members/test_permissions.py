"""Every URL of the foundation × every role gives the expected status."""

import pytest

LOGIN = "login"  # redirect to the login page
OK, FORBIDDEN = 200, 403

# Expected status per role, in the order of ROLES.
TABLE = {
    "/": (OK, OK, OK, OK, OK),
    "/imprint/": (OK, OK, OK, OK, OK),
    "/privacy/": (OK, OK, OK, OK, OK),
    "/accessibility/": (OK, OK, OK, OK, OK),
    "/healthz": (OK, OK, OK, OK, OK),
    "/accounts/login/": (OK, 302, 302, 302, 302),
    "/accounts/signup/": (OK, 302, 302, 302, 302),
    "/members/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/members/me/": (LOGIN, OK, OK, OK, OK),
    "/members/me/export/": (LOGIN, OK, OK, OK, OK),
    "/members/me/delete/": (LOGIN, OK, OK, OK, OK),
    "/organisations/rhein-ruhr-recycling/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/search/?q=Recycling": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/admin/": (302, 302, 302, 302, OK),
    "/admin/members/user/": (302, 302, 302, 302, OK),
    "/admin/thementisch/outgoingemail/": (302, 302, 302, 302, OK),
}
ROLES = ["anonymous", "pending", "member", "ministry", "coordinator"]


@pytest.mark.parametrize("url", TABLE)
def test_url_status_per_role(url, role_clients, organisation):
    for role, expected in zip(ROLES, TABLE[url], strict=True):
        response = role_clients[role].get(url)
        if expected == LOGIN:
            assert response.status_code == 302, (url, role)
            assert response["Location"].startswith("/accounts/login/"), (url, role)
        else:
            assert response.status_code == expected, (url, role, response.status_code)


def test_pending_member_sees_review_notice_on_home(role_clients):
    response = role_clients["pending"].get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "digests/pending.html"


def test_forbidden_page_explains_pending_membership(role_clients):
    response = role_clients["pending"].get("/members/")

    assert response.status_code == 403
    assert "digests/_pending_notice.html" in [t.name for t in response.templates]
