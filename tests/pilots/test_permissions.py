"""Every pilot URL × every role (and the proposer) gives the expected status."""

import pytest

from pilots.models import PilotComment, PilotProject
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.pilots.factories import ApplicationFactory, NeedFactory, PilotFactory

LOGIN = "login"  # redirect to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
ROLES = ["anonymous", "pending", "member", "ministry", "coordinator", "proposer"]

# (method, url, data): expected status per role, in the order of ROLES.
# {pilot} is a published pilot seeking partners, {draft} a draft, both of the
# proposer; {application} a pending application of a third organisation,
# {comment} a fresh comment of the proposer.
TABLE = {
    ("get", "/pilots/", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/?view=board", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/?status=nonsense&trl=x", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/new/", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/barrier-search/?barrier_q=Alu", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/{pilot}/", None): (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    ("get", "/pilots/{draft}/", None): (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, OK),
    ("get", "/pilots/999999/", None): (LOGIN, FORBIDDEN) + (NOT_FOUND,) * 4,
    ("get", "/pilots/{pilot}/edit/", None): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("get", "/pilots/{draft}/edit/", None): (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, OK),
    ("get", "/pilots/{pilot}/apply/", None): (LOGIN, FORBIDDEN, OK, OK, OK, REDIRECT),
    ("get", "/pilots/{draft}/apply/", None): (
        LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/{pilot}/apply/", (("message", "Wir machen gern mit."),)): (
        LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/{pilot}/status/", (("to_status", "idea"),)): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT,
    ),
    ("get", "/pilots/{pilot}/status/", None): (NOT_ALLOWED,) * 6,
    ("post", "/pilots/{draft}/publish/", ()): (
        LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/{pilot}/renew/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/{pilot}/comments/", (("body", "Gute Idee"),)): (
        LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/{draft}/comments/", (("body", "Gute Idee"),)): (
        LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN,
    ),
    ("post", "/pilots/applications/{application}/accept/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/applications/{application}/decline/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/applications/{application}/reopen/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT,
    ),
    ("post", "/pilots/applications/{application}/withdraw/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ),
    ("get", "/pilots/applications/{application}/accept/", None): (NOT_ALLOWED,) * 6,
    ("get", "/pilots/comments/{comment}/edit/", None): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,
    ),
    ("post", "/pilots/comments/{comment}/remove/", ()): (
        LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN,
    ),
    ("get", "/admin/pilots/pilotproject/", None): (302, 302, 302, 302, OK, 302),
    ("get", "/admin/pilots/pilotproject/{pilot}/change/", None): (302, 302, 302, 302, OK, 302),
    ("get", "/admin/pilots/pilotapplication/", None): (302, 302, 302, 302, OK, 302),
    ("get", "/admin/pilots/pilotcomment/", None): (302, 302, 302, 302, OK, 302),
}  # fmt: skip


def make_objects(peer) -> dict[str, int]:
    pilot = PilotFactory(proposer=peer, status=PilotProject.Status.SEEKING_PARTNERS)
    draft = PilotFactory(proposer=peer, status=PilotProject.Status.DRAFT, published_at=None)
    application = ApplicationFactory(need=NeedFactory(pilot=pilot), applicant=UserFactory())
    comment = PilotComment.objects.create(pilot=pilot, author=peer, body="Erster Kommentar")
    return {
        "pilot": pilot.pk,
        "draft": draft.pk,
        "application": application.pk,
        "comment": comment.pk,
    }


@pytest.mark.parametrize(("method", "url", "data"), TABLE)
def test_url_status_per_role(method, url, data, role_clients, peer):
    clients = {**role_clients, "proposer": client_for(peer)}
    for role, expected in zip(ROLES, TABLE[(method, url, data)], strict=True):
        # Fresh objects for every role: a mutation by one role must not decide the next.
        path = url.format(**make_objects(peer))
        client = clients[role]
        response = client.post(path, dict(data)) if method == "post" else client.get(path)
        if expected == LOGIN:
            assert response.status_code == 302, (path, role, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), (path, role)
        else:
            assert response.status_code == expected, (path, role, response.status_code)
