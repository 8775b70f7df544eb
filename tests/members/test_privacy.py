import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from members import extensions, services
from members.models import User
from tests.conftest import client_for
from tests.factories import UserFactory

# Models with a user foreign key that the export covers by itself (members.services).
COVERED_BY_MEMBERS = {
    "members.User",  # status_changed_by: the coordinator's decision on this account
    "members.Notification",
    "thementisch.OutgoingEmail",
    "account.EmailAddress",
    "mfa.Authenticator",
}
# Not personal data of the member, or removed with the account.
NOT_EXPORTED = {
    "admin.LogEntry",  # coordinator's admin log, kept as an audit trail
    "usersessions.UserSession",  # technical session records, ended on deletion
    "account.EmailConfirmation",
    "barriers.BarrierSearch",  # a trigger's copy of the barrier's search columns (exported there)
    "barriers.BarrierSearchTerm",  # the same, word by word
}


def test_every_model_with_a_user_foreign_key_is_in_the_export():
    user_model = get_user_model()
    covered = set(COVERED_BY_MEMBERS) | set(NOT_EXPORTED)
    for exporter in extensions.exporters.values():
        covered |= set(exporter.models)
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        for field in model._meta.get_fields():
            points_to_user = field.many_to_one and field.related_model is user_model
            if points_to_user and label not in covered:
                missing.append(f"{label}.{field.name}")
    assert missing == []


def test_export_contains_own_data_and_nothing_of_others(member, peer):
    services.notify(member, kind="test", title="Für Mira")
    services.notify(peer, kind="test", title="Für Peter")

    response = client_for(member).get("/members/me/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "mira@example.com"
    assert [n["title"] for n in data["notifications"]] == ["Für Mira"]
    text = response.content.decode()
    assert "peter@example.com" not in text
    assert "Paulsen" not in text
    assert "Für Peter" not in text


@pytest.mark.django_db
def test_delete_account_requires_the_password(member):
    client = client_for(member)

    response = client.post("/members/me/delete/", {"password": "wrong", "confirm": "on"})

    assert response.status_code == 200
    assert "Das Passwort ist nicht korrekt." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_account_removes_person_and_ends_sessions(member):
    client = client_for(member)

    response = client.post("/members/me/delete/", {"password": "password", "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(email="mira@example.com").exists()
    assert client.get("/members/me/").status_code == 302  # logged out


@pytest.mark.django_db
def test_deleted_author_shows_as_former_member(member):
    from django.template import Context, Template

    from barriers.models import Barrier

    barrier = Barrier.objects.create(title="Schlacke als Abfall eingestuft", author=member)
    services.delete_account(member)
    barrier.refresh_from_db()

    rendered = Template("{{ barrier.author|person }}").render(Context({"barrier": barrier}))

    assert barrier.author is None
    assert rendered == "ehemaliges Mitglied"


@pytest.mark.django_db
def test_other_members_data_untouched_by_deletion(member):
    other = UserFactory(email="other@example.com")

    services.delete_account(member)

    assert User.objects.filter(pk=other.pk).exists()
