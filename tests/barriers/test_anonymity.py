"""An anonymous barrier shows neither name, email nor organisation of its submitter
to members or ministry users: in any page, fragment, export or email. The
coordinator sees them."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from barriers import services
from barriers.models import Barrier
from members.models import Notification, OrganisationType
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRETS = ["Schäfer", "mira@example.com", "Geheimmetall GmbH", "Mira"]


@pytest.fixture
def setup(member, peer, ministry_user, coordinator, anonymous_barrier):
    organisation = member.organisation
    organisation.name = "Geheimmetall GmbH"
    organisation.kind = OrganisationType.ASSOCIATION
    organisation.save()
    barrier = anonymous_barrier
    barrier.on_behalf = "named"
    barrier.on_behalf_names = "Geheimmetall Tochter GmbH"
    barrier.save()
    services.endorse_barrier(barrier, by=peer, note="Auch bei uns")
    services.add_comment(barrier, by=member, body="Nachtrag des Einreichers: 8.000 t pro Jahr")
    services.add_comment(barrier, by=peer, body="Frage an den Einreicher")
    services.change_status(
        barrier,
        by=coordinator,
        to_status=Barrier.Status.FORWARDED,
        level="land_nrw",
        ministry=ministry_user.organisation,
        answer_by=timezone.localdate() + timedelta(days=20),
    )
    return barrier


def _urls(barrier):
    return [
        "/barriers/",
        "/barriers/?q=Gießereirestsand",
        "/barriers/?q=Ersatzbaustoffverordnung",
        f"/barriers/?org_type={OrganisationType.ASSOCIATION}",
        f"/barriers/{barrier.pk}/",
        "/barriers/stats/",
        "/barriers/brief/",
        "/barriers/forwarded/",
        "/barriers/similar/?title=Ersatzbaustoffverordnung+erschwert+Verwertung",
        "/search/?q=Ersatzbaustoffverordnung",
        "/",
        "/barriers/export.csv",
        "/barriers/export.xlsx",
    ]


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode() for name in archive.namelist() if name.endswith("xml")
            )
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("viewer", ["peer", "ministry_user"])
def test_anonymous_submitter_never_shown(viewer, request, setup):
    client = client_for(request.getfixturevalue(viewer))
    for url in _urls(setup):
        response = client.get(url)
        if response.status_code == 403:  # exports are not for members
            continue
        assert response.status_code == 200, url
        text = _text(response)
        for secret in [*SECRETS, "Geheimmetall Tochter GmbH"]:
            assert secret not in text, (viewer, url, secret)


def test_pages_do_contain_the_barrier(setup, peer):
    # Guards the test above: the pages really show the anonymous barrier.
    client = client_for(peer)
    assert "Ersatzbaustoffverordnung" in client.get("/barriers/").content.decode()
    detail = client.get(f"/barriers/{setup.pk}/").content.decode()
    assert "Nachtrag des Einreichers" in detail
    assert "der Einreicher" in detail or "die einreichende Person" in detail
    assert "anonym" in detail


def test_ministry_export_contains_barrier_but_no_identity(setup, ministry_user):
    text = _text(client_for(ministry_user).get("/barriers/export.csv"))

    assert "Ersatzbaustoffverordnung" in text
    assert "anonym" in text
    for secret in SECRETS:
        assert secret not in text


def test_coordinator_sees_the_submitter(setup, coordinator):
    client = client_for(coordinator)

    detail = client.get(f"/barriers/{setup.pk}/").content.decode()
    export = _text(client.get("/barriers/export.csv"))
    xlsx = _text(client.get("/barriers/export.xlsx"))

    assert "Geheimmetall GmbH" in detail
    assert "Mira Schäfer" in detail
    assert "Geheimmetall GmbH" in export
    assert "Mira Schäfer" in xlsx


def test_filter_by_organisation_type_does_not_reveal_anonymous(setup, peer, coordinator):
    url = f"/barriers/?org_type={OrganisationType.ASSOCIATION}"

    title = "Ersatzbaustoffverordnung erschwert Verwertung"  # not a policy filter option
    assert title not in client_for(peer).get(url).content.decode()
    assert title in client_for(coordinator).get(url).content.decode()


def test_submitter_sees_own_name(setup, member):
    detail = client_for(member).get(f"/barriers/{setup.pk}/").content.decode()

    assert "Geheimmetall GmbH" in detail


def test_notifications_and_emails_to_others_do_not_name_the_submitter(
    setup, peer, coordinator, ministry_user, django_capture_on_commit_callbacks
):
    third = UserFactory(email="dritte@example.com")
    services.endorse_barrier(setup, by=third)
    with django_capture_on_commit_callbacks(execute=True):
        services.respond_to_barrier(setup, by=ministry_user, body="Antwort des Ministeriums")
        services.add_comment(setup, by=coordinator, body="Hinweis der Koordination")

    others = Notification.objects.exclude(recipient__email__in=["mira@example.com"])
    assert others.exists()
    for notification in others:
        for secret in SECRETS:
            assert secret not in f"{notification.title} {notification.body}"
    to_others = [m for m in mail.outbox if "mira@example.com" not in m.to[0]]
    assert to_others
    for message in to_others:
        html = message.alternatives[0][0]
        for secret in SECRETS:
            assert secret not in message.subject + message.body + html


def test_masked_barrier_cannot_be_saved(setup, peer):
    from barriers.permissions import get_barrier_for_user

    masked = get_barrier_for_user(peer, setup.pk)

    assert masked.author is None
    with pytest.raises(RuntimeError):
        masked.save()
    setup.refresh_from_db()
    assert setup.author is not None
