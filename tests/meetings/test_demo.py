import io

import pytest
from django.core.management import call_command

from sessions.models import Invitation, Meeting

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_explorable_meetings_once(settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    demo = Meeting.objects.filter(is_demo=True)
    assert demo.count() == 3
    plenary = demo.get(kind="plenary")
    assert plenary.is_past
    assert plenary.minutes
    assert plenary.documents.count() == 1
    assert plenary.agenda_items.count() == 4
    workshop = demo.get(kind="workshop")
    answers = set(workshop.invitations.values_list("response", flat=True))
    assert {"yes", "waitlisted", "pending"} <= answers
    assert workshop.invitations.filter(response="waitlisted").count() == 1
    assert demo.get(kind="site_visit").starts_at > plenary.starts_at
    invited = Invitation.objects.filter(user__email="mitglied@example.org", meeting__in=demo)
    assert invited.count() == 3


def test_seed_demo_scale_adds_three_meetings_with_300_invitations_per_unit(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--scale", "1", stdout=io.StringIO())
    call_command("seed_demo", "--scale", "1", stdout=io.StringIO())

    bench = Meeting.objects.filter(title__startswith="Bench-Sitzung ")
    assert bench.count() == 3
    assert Invitation.objects.filter(meeting__in=bench).count() == 300
