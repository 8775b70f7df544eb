"""seed_demo adds updates and followers once, and bench data per --scale."""

import io

import pytest
from django.core.management import call_command

from policy.models import PolicyFollow, PolicyItem, PolicyUpdate

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_scales():
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    updates, follows = PolicyUpdate.objects.count(), PolicyFollow.objects.count()

    call_command("seed_demo", "--allow-production", stdout=io.StringIO())

    assert updates >= 5
    assert follows >= 5
    assert PolicyUpdate.objects.count() == updates
    assert PolicyFollow.objects.count() == follows

    call_command("seed_demo", "--allow-production", "--scale", "2", stdout=io.StringIO())

    assert PolicyItem.objects.filter(slug__startswith="bench-policy-").count() == 2
    assert PolicyUpdate.objects.filter(item__slug__startswith="bench-policy-").count() == 12
