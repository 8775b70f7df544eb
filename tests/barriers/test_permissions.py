"""Every barriers URL × every role gives the expected status (GET and POST)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from barriers import services
from barriers.models import Barrier, EvidenceFile
from tests.conftest import client_for
from tests.factories import BarrierFactory

LOGIN = "login"
OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
ROLES = ["anonymous", "pending", "member", "ministry", "coordinator"]

# GET: (anonymous, pending, member [the submitter], ministry, coordinator)
GET_TABLE = {
    "/barriers/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/new/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/similar/?title=Aluminiumschrott": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/export.csv": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "/barriers/export.xlsx": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "/barriers/stats/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/brief/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/forwarded/": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "/barriers/{published}/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/{submitted}/": (LOGIN, FORBIDDEN, OK, NOT_FOUND, OK),
    "/barriers/{other_submitted}/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK),
    "/barriers/{merged}/": (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT),
    "/barriers/{submitted}/edit/": (LOGIN, FORBIDDEN, OK, NOT_FOUND, OK),
    "/barriers/{published}/edit/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "/barriers/{published}/status/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "/barriers/{published}/merge/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "/barriers/{forwarded}/respond/": (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "/barriers/{published}/respond/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/barriers/{submitted}/files/": (LOGIN, FORBIDDEN, OK, NOT_FOUND, OK),
    "/barriers/{published}/files/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "/barriers/{published}/files/{file}/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/barriers/{other_submitted}/files/{hidden_file}/": (
        LOGIN,
        FORBIDDEN,
        NOT_FOUND,
        NOT_FOUND,
        OK,
    ),
    "/barriers/comments/{comment}/edit/": (LOGIN, FORBIDDEN, OK, REDIRECT, REDIRECT),
    "/admin/barriers/barrier/": (REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK),
    "/admin/barriers/barrier/{published}/change/": (REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK),
}

# POST: expected status per role; 302 = done (redirect after POST).
POST_TABLE = {
    "/barriers/{published}/endorse/": (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT),
    "/barriers/{published}/endorse/withdraw/": (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT),
    "/barriers/{published}/comments/": (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT),
    "/barriers/{other_submitted}/comments/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT),
    "/barriers/comments/{comment}/remove/": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    "/barriers/{published}/files/{file}/remove/": (
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        REDIRECT,
    ),
}


@pytest.fixture
def objects(member, peer, coordinator, ministry_user):
    published = BarrierFactory(author=member, title="Veröffentlichtes Hemmnis")
    submitted = BarrierFactory(author=member, status=Barrier.Status.SUBMITTED)
    other_submitted = BarrierFactory(author=peer, status=Barrier.Status.SUBMITTED)
    merged = BarrierFactory(author=peer)
    services.merge_barriers(merged, into=published, by=coordinator)
    forwarded = BarrierFactory(author=peer)
    services.change_status(
        forwarded,
        by=coordinator,
        to_status=Barrier.Status.FORWARDED,
        level="land_nrw",
        ministry=ministry_user.organisation,
        answer_by=timezone.localdate() + timedelta(days=9),
    )
    comment = services.add_comment(published, by=member, body="Mein Kommentar")
    files = {}
    for name, barrier in (("file", published), ("hidden_file", other_submitted)):
        upload = SimpleUploadedFile("beleg.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        evidence = EvidenceFile(barrier=barrier, original_name="beleg.pdf", size=13)
        evidence.file.save("beleg.pdf", upload, save=True)
        files[name] = evidence.pk
    return {
        "published": published.pk,
        "submitted": submitted.pk,
        "other_submitted": other_submitted.pk,
        "merged": merged.pk,
        "forwarded": forwarded.pk,
        "comment": comment.pk,
        **files,
    }


def _check(response, expected, url, role):
    if expected == LOGIN:
        assert response.status_code == 302, (url, role)
        assert response["Location"].startswith("/accounts/login/"), (url, role)
    else:
        assert response.status_code == expected, (url, role, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("url", GET_TABLE)
def test_get_status_per_role(url, role_clients, objects):
    for role, expected in zip(ROLES, GET_TABLE[url], strict=True):
        _check(role_clients[role].get(url.format(**objects)), expected, url, role)


@pytest.mark.django_db
@pytest.mark.parametrize("url", POST_TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_post_status_per_role(url, role, role_clients, objects):
    expected = POST_TABLE[url][ROLES.index(role)]
    response = role_clients[role].post(url.format(**objects), {"body": "Ein Kommentar"})

    _check(response, expected, url, role)


@pytest.mark.django_db
def test_member_cannot_post_status_change(member, objects):
    response = client_for(member).post(
        f"/barriers/{objects['published']}/status/", {"to_status": "rejected", "reason": "x"}
    )

    assert response.status_code == 403
    assert Barrier.objects.get(pk=objects["published"]).status == "published"


@pytest.mark.django_db
def test_get_is_not_allowed_on_mutations(member_client, objects):
    response = member_client.get(f"/barriers/{objects['published']}/endorse/")

    assert response.status_code == 405
