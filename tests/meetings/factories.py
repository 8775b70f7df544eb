"""Factories of the meetings tests: plain, published, upcoming by default."""

from datetime import timedelta

import factory
from django.utils import timezone

from sessions.models import AgendaItem, Invitation, Meeting


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published plenary in ten days, 10:00–16:00 local time, in Duisburg."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    kind = Meeting.Kind.PLENARY
    title = factory.Sequence(lambda n: f"Plenum {n}")
    description = "Wir besprechen **Sekundärrohstoffe**."
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + timedelta(days=10)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    venue = "Haus der Technik, Hollestraße 1, 45127 Essen"
    status = Meeting.Status.PUBLISHED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation already sent (at the meeting's current revision)."""

    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    user = None
    sequence_sent = 0
    invited_at = factory.LazyFunction(timezone.now)
