import io

import pytest
from django.core.management import CommandError, call_command

from members.models import Organisation, OrganisationType, User

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", "--allow-production", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_logins_and_is_idempotent():
    output = seed()
    seed()

    for email in [
        "koordination@example.org",
        "ministerium@example.org",
        "mitglied@example.org",
        "forschung@example.org",
        "verband@example.org",
        "wartend@example.org",
    ]:
        assert email in output
        assert User.objects.filter(email=email).count() == 1
    assert User.objects.get(email="koordination@example.org").is_coordinator
    assert User.objects.get(email="ministerium@example.org").is_ministry
    assert User.objects.get(email="wartend@example.org").is_pending
    assert User.objects.get(email="mitglied@example.org").check_password("thementisch-demo")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationType.values)


def test_seed_demo_is_refused_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo")


def test_scale_adds_bulk_members_once():
    seed("--scale", "2")
    seed("--scale", "2")

    assert User.objects.filter(email__endswith="@bench.example.org").count() == 100
    assert Organisation.objects.filter(slug__startswith="bench-org-").count() == 6
