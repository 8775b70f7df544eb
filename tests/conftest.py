"""Shared fixtures: people for every role (owner, peer, outsider), clients, mail."""

import pytest
from django.test import Client

from tests.factories import (
    CoordinatorFactory,
    MinistryUserFactory,
    OrganisationFactory,
    PendingUserFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache; each test starts with none used.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def member(db):
    """The owner in most tests: an approved member of an SME."""
    return UserFactory(email="mira@example.com", first_name="Mira", last_name="Schäfer")


@pytest.fixture
def peer(db):
    """Another approved member, of another organisation."""
    return UserFactory(email="peter@example.com", first_name="Peter", last_name="Paulsen")


@pytest.fixture
def ministry_user(db):
    return MinistryUserFactory(email="ministerium@example.com", first_name="Mona", last_name="Amt")


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(
        email="koordination@example.com", first_name="Konrad", last_name="Koordinator"
    )


@pytest.fixture
def pending_user(db):
    return PendingUserFactory(email="wartend@example.com", first_name="Wanda", last_name="Wartend")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Rhein-Ruhr Recycling GmbH", slug="rhein-ruhr-recycling")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def role_clients(pending_user, member, ministry_user, coordinator):
    """A logged-in client per role, plus an anonymous one: for permission tables."""
    return {
        "anonymous": Client(),
        "pending": client_for(pending_user),
        "member": client_for(member),
        "ministry": client_for(ministry_user),
        "coordinator": client_for(coordinator),
    }


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def coordinator_client(coordinator):
    return client_for(coordinator)
