"""One factory per model; no surprises: defaults are plain and approved."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from members.models import Organisation, OrganisationType, User
from thementisch.models import Material, ValueChainStage


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationType.SME
    city = "Duisburg"


class UserFactory(factory.django.DjangoModelFactory):
    """An approved member with a verified email address and the password 'password'."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    status = User.Status.APPROVED
    role = User.Role.MEMBER
    privacy_consent_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("password")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class PendingUserFactory(UserFactory):
    status = User.Status.PENDING


class MinistryUserFactory(UserFactory):
    role = User.Role.MINISTRY
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationType.MINISTRY)


class CoordinatorFactory(UserFactory):
    role = User.Role.COORDINATOR
    is_staff = True
    is_superuser = True


def material(slug: str = "aluminium") -> Material:
    return Material.objects.get(slug=slug)


def stage(slug: str = "sortierung_aufbereitung") -> ValueChainStage:
    return ValueChainStage.objects.get(slug=slug)


class BarrierFactory(factory.django.DjangoModelFactory):
    """A published barrier of a member; no timeline, counters at zero."""

    class Meta:
        model = "barriers.Barrier"

    title = factory.Sequence(lambda n: f"Hemmnis Nummer {n} bei der Verwertung")
    description = "Eine ausreichend lange Beschreibung des Hemmnisses für den Test."
    author = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda barrier: barrier.author.organisation)
    status = "published"
