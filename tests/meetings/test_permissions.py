"""Every meeting URL × every role gives the expected status; documents stay private."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sessions.models import Document, Meeting
from tests.meetings.factories import InvitationFactory, MeetingFactory

LOGIN = "login"
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
ROLES = ["anonymous", "pending", "member", "ministry", "coordinator"]

TABLE = {
    "/meetings/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/meetings/{pub}/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/meetings/{draft}/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK),
    "/meetings/999999/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "/meetings/{pub}/invite.ics": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/meetings/{draft}/invite.ics": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK),
    "/meetings/{pub}/rsvp/": (LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "/meetings/{pub}/documents/{doc}/": (LOGIN, FORBIDDEN, OK, OK, OK),
    "/meetings/{draft}/documents/{draft_doc}/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK),
    "/meetings/{pub}/documents/{draft_doc}/": (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "/meetings/feed/{token}.ics": (OK, OK, OK, OK, OK),
    "/meetings/feed/not-a-token.ics": (NOT_FOUND,) * 5,
    "/meetings/rsvp/not-a-signed-value/": (400,) * 5,
    "/admin/meetings/meeting/": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/add/": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/{pub}/change/": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/{pub}/attendance/": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/{pub}/attendance.csv": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/{pub}/attendance.xlsx": (302, 302, 302, 302, OK),
    "/admin/meetings/meeting/{pub}/sign-in-sheet/": (302, 302, 302, 302, OK),
    "/admin/meetings/invitation/": (302, 302, 302, 302, OK),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(meeting: Meeting, name: str) -> Document:
    return Document.objects.create(
        meeting=meeting,
        title="Übersicht",
        kind=Document.Kind.SLIDES,
        file=SimpleUploadedFile(name, PDF),
        original_name=name,
        size=len(PDF),
    )


@pytest.fixture
def objects(member):
    published = MeetingFactory()
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    InvitationFactory(meeting=published, user=member)
    return {
        "pub": published.pk,
        "draft": draft.pk,
        "doc": _document(published, "Übersicht Maßnahmen.pdf").pk,
        "draft_doc": _document(draft, "Entwurf.pdf").pk,
        "token": member.feed_token,
    }


@pytest.mark.parametrize("url", TABLE)
def test_url_status_per_role(url, role_clients, objects):
    path = url.format(**objects)
    for role, expected in zip(ROLES, TABLE[url], strict=True):
        response = role_clients[role].get(path)
        if expected == LOGIN:
            assert response.status_code == 302, (path, role)
            assert response["Location"].startswith("/accounts/login/"), (path, role)
        else:
            assert response.status_code == expected, (path, role, response.status_code)


def test_document_download_is_an_attachment_with_safe_headers(role_clients, objects):
    response = role_clients["member"].get("/meetings/{pub}/documents/{doc}/".format(**objects))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%C3%9Cbersicht%20Ma%C3%9Fnahmen.pdf" in disposition


def test_document_never_served_to_anonymous_or_pending(role_clients, objects):
    path = "/meetings/{pub}/documents/{doc}/".format(**objects)

    for role in ("anonymous", "pending"):
        response = role_clients[role].get(path)
        assert response.status_code in (302, 403), role
        assert not getattr(response, "streaming", False), role
        assert PDF not in response.content, role


def test_stored_document_has_a_server_made_name_outside_any_public_url(objects, settings):
    document = Document.objects.get(pk=objects["doc"])

    assert document.file.name.startswith("meetings/")
    assert "Übersicht" not in document.file.name
    assert document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_answer_post_needs_an_invitation(role_clients, objects):
    path = "/meetings/{pub}/rsvp/".format(**objects)

    assert role_clients["ministry"].post(path, {"response": "yes"}).status_code == FORBIDDEN
    assert role_clients["member"].post(path, {"response": "yes"}).status_code == 302
    assert role_clients["pending"].post(path, {"response": "yes"}).status_code == FORBIDDEN
    assert Client().post(path, {"response": "yes"}).status_code == 302  # to login


def test_pending_members_feed_token_shows_nothing(pending_user):
    response = Client().get(f"/meetings/feed/{pending_user.feed_token}.ics")

    assert response.status_code == NOT_FOUND
