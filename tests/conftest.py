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


_migrated_data: dict[str, str] = {}


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _restore_migrated_data(request, django_db_blocker):
    """Give transactional tests what data migrations created (taxonomies, policy items).

    Transactional tests (live server, real workers) end with a flush of every
    table; pytest-django runs them after all other database tests. The first
    one snapshots the migrated data, every later one loads the snapshot
    before it starts, so each sees the same database as a fresh migration.
    """
    if _is_transactional(request):
        from django.db import connection

        with django_db_blocker.unblock():
            if "default" not in _migrated_data:
                _migrated_data["default"] = connection.creation.serialize_db_to_string()
            else:
                connection.creation.deserialize_db_from_string(_migrated_data["default"])


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache; each test starts with none used.
    from django.core.cache import caches

    for alias in ("default", "fragments"):
        caches[alias].clear()


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
