"""Stages and materials for the pilot tests.

They come from a data migration; a transactional (browser) test flushes
them at teardown, and with --reuse-db the next session would start
without them. Loading them once per session is idempotent.
"""

from importlib import import_module

import pytest
from django.apps import apps


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_module("thementisch.migrations.0002_taxonomy").load_taxonomy(apps, None)
