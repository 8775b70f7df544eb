"""Factories of the policy radar (kept beside its tests)."""

import datetime

import factory
from django.utils import timezone

from policy.models import Level, PolicyFollow, PolicyItem, PolicyKeyDate, PolicyUpdate, Status


class PolicyItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyItem

    title = factory.Sequence(lambda n: f"Verordnung {n} über Metallschrott")
    short_name = factory.Sequence(lambda n: f"Schrott-VO {n}")
    slug = factory.Sequence(lambda n: f"schrott-vo-{n}")
    level = Level.EU
    kind = "regulation"
    status = Status.IN_FORCE
    relevance = "Betrifft den Handel mit Schrott."


class PolicyKeyDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyKeyDate

    item = factory.SubFactory(PolicyItemFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    precision = "day"
    kind = PolicyKeyDate.Kind.APPLIES_FROM
    label = "Geltungsbeginn"


class PolicyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyUpdate

    item = factory.SubFactory(PolicyItemFactory)
    title = factory.Sequence(lambda n: f"Neuigkeit {n}")
    body = "Was sich geändert hat."


class PolicyFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyFollow

    item = factory.SubFactory(PolicyItemFactory)
