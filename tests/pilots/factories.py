"""Factories for pilot projects; plain defaults: a published idea with no needs."""

import factory
from django.utils import timezone

from pilots.models import PartnerNeed, PilotApplication, PilotProject
from tests.factories import UserFactory


class PilotFactory(factory.django.DjangoModelFactory):
    """A published pilot ("idea") of the proposer's organisation."""

    class Meta:
        model = PilotProject

    title = factory.Sequence(lambda n: f"Pilot {n}")
    summary = "Ein Pilot zur Kreislaufwirtschaft."
    proposer = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda pilot: pilot.proposer.organisation)
    contact_person = factory.LazyAttribute(lambda pilot: pilot.proposer)
    status = PilotProject.Status.IDEA
    published_at = factory.LazyFunction(timezone.now)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerNeed

    pilot = factory.SubFactory(PilotFactory)
    role = "recycler"
    status = PartnerNeed.Status.OPEN


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A pending application of the applicant's organisation."""

    class Meta:
        model = PilotApplication

    need = factory.SubFactory(NeedFactory)
    pilot = factory.LazyAttribute(lambda application: application.need.pilot)
    applicant = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda application: application.applicant.organisation)
    message = "Wir möchten mitmachen."
