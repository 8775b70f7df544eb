"""A hand-built week for the digest tests.

The weekly edition 2026-W11 is sent on Monday 9 March 2026, 07:00, and covers
2 to 8 March. Who is who:

- alma: interested in aluminium; gets the new aluminium barriers (one of them
  anonymous), not the copper one.
- conrad: interested in copper; endorsed an older barrier that was forwarded
  during the week; gets the copper barrier and the status change.
- sina: submitted that older barrier; gets the status change (and, as a
  member of a sorting company, the pilot seeking a sorting partner).
- fiona: follows a policy item that got an update.
- ines: invited to a meeting in ten days, has not answered yet.
- dora: wants comments on her barriers in the digest only; has one.
- quentin: interested in zinc, follows nothing, invited nowhere: no news,
  although a new organisation joined that week.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from barriers.models import Barrier, BarrierEvent, Endorsement
from members.models import Notification, User
from sessions.models import Invitation
from tests.factories import BarrierFactory, OrganisationFactory, UserFactory, material, stage
from tests.meetings.factories import MeetingFactory
from tests.pilots.factories import NeedFactory, PilotFactory
from tests.policy.factories import PolicyFollowFactory, PolicyItemFactory, PolicyUpdateFactory

SEND = timezone.make_aware(datetime.datetime(2026, 3, 9, 7, 30))
IN_WEEK = timezone.make_aware(datetime.datetime(2026, 3, 4, 11, 0))
BEFORE = timezone.make_aware(datetime.datetime(2026, 2, 10, 9, 0))


@dataclass
class Week:
    now: datetime.datetime
    alma: User
    conrad: User
    sina: User
    fiona: User
    ines: User
    dora: User
    quentin: User
    aluminium_barrier: Barrier
    anonymous_barrier: Barrier
    copper_barrier: Barrier
    forwarded_barrier: Barrier
    notification: Notification
    everyone: list

    @property
    def member_ids(self) -> list[int]:
        return [user.pk for user in self.everyone]


def _member(email: str, first_name: str, *, materials=(), stages=(), **fields) -> User:
    user = UserFactory(email=email, first_name=first_name, last_name="Beispiel", **fields)
    if materials:
        user.materials.set([material(slug) for slug in materials])
    if stages:
        user.value_chain_stages.set([stage(slug) for slug in stages])
    return user


def _barrier(title: str, *, materials=(), created_at=IN_WEEK, **fields) -> Barrier:
    barrier = BarrierFactory(
        title=title, created_at=created_at, status_changed_at=created_at, **fields
    )
    barrier.materials.set([material(slug) for slug in materials])
    return barrier


@pytest.fixture
def week(db, coordinator):
    alma = _member("alma@example.com", "Alma", materials=["aluminium"])
    conrad = _member("conrad@example.com", "Conrad", materials=["kupfer"], language="en")
    sorting = OrganisationFactory(name="Sortierwerk Ruhr GmbH", slug="sortierwerk-ruhr")
    sorting.value_chain_stages.set([stage("sortierung_aufbereitung")])
    sina = _member("sina@example.com", "Sina", materials=["blei"], organisation=sorting)
    fiona = _member("fiona@example.com", "Fiona", materials=["titan"])
    ines = _member("ines@example.com", "Ines", materials=["mangan"])
    dora = _member(
        "dora@example.com",
        "Dora",
        materials=["gallium"],
        notification_settings={"barrier_comment": "digest"},
    )
    quentin = _member("quentin@example.com", "Quentin", materials=["zink"])

    author = UserFactory(email="autor@example.com")
    aluminium_barrier = _barrier(
        "Aluminiumspäne gelten als Abfall", materials=["aluminium"], author=author
    )
    aluminium_barrier.endorsement_count = 3
    aluminium_barrier.save()
    anonymous_barrier = _barrier(
        "Anonym: Krätze aus der Aluminiumgießerei",
        materials=["aluminium"],
        author=UserFactory(
            email="geheim@example.com",
            last_name="Verborgen",
            organisation=OrganisationFactory(name="Geheime Gießerei GmbH"),
        ),
        is_anonymous=True,
    )
    copper_barrier = _barrier("Kupferkabel ohne Nachweis", materials=["kupfer"], author=author)
    # Logged before the week, published within it: new this week.
    published_late = _barrier(
        "Aluminiumschrott im Export",
        materials=["aluminium"],
        author=author,
        created_at=BEFORE,
    )
    BarrierEvent.objects.create(
        barrier=published_late, kind="status", from_status="in_review", to_status="published",
        created_at=IN_WEEK,
    )  # fmt: skip
    Barrier.objects.filter(pk=published_late.pk).update(status_changed_at=IN_WEEK)
    # An older barrier (not new) by Sina, endorsed by Conrad, forwarded this week.
    forwarded = _barrier("Genehmigung dauert zu lange", author=sina, created_at=BEFORE)
    Endorsement.objects.create(barrier=forwarded, user=conrad, organisation=conrad.organisation)
    BarrierEvent.objects.create(
        barrier=forwarded, actor=coordinator, kind="status", from_status="published",
        to_status="forwarded", created_at=IN_WEEK,
    )  # fmt: skip
    Barrier.objects.filter(pk=forwarded.pk).update(status="forwarded", status_changed_at=IN_WEEK)
    # Not new: published long before the week.
    _barrier("Alte Aluminiumfrage", materials=["aluminium"], author=author, created_at=BEFORE)

    item = PolicyItemFactory(short_name="Schrott-VO")
    PolicyUpdateFactory(item=item, title="Rat einigt sich auf Schrott-VO", created_at=IN_WEEK)
    PolicyFollowFactory(item=item, user=fiona)

    meeting = MeetingFactory(
        title="Plenum im März",
        starts_at=SEND + datetime.timedelta(days=10),
        ends_at=SEND + datetime.timedelta(days=10, hours=4),
    )
    Invitation.objects.create(meeting=meeting, user=ines, invited_at=IN_WEEK, sequence_sent=0)

    pilot = PilotFactory(
        title="Sensorsortierung für Mischschrott",
        status="seeking_partners",
        published_at=IN_WEEK,
        proposer=author,
        organisation=author.organisation,
    )
    NeedFactory(pilot=pilot, role="recycler", stage=stage("sortierung_aufbereitung"))

    OrganisationFactory(name="Neue Gießerei Hagen GmbH", created_at=IN_WEEK)

    notification = Notification.objects.create(
        recipient=dora,
        kind="barrier_comment",
        title="Neuer Kommentar zu Ihrem Hemmnis „Gallium fehlt“",
        body="Das sehen wir genauso.",
        url="/barriers/999/#comment-1",
        created_at=IN_WEEK,
    )
    return Week(
        now=SEND,
        alma=alma,
        conrad=conrad,
        sina=sina,
        fiona=fiona,
        ines=ines,
        dora=dora,
        quentin=quentin,
        aluminium_barrier=aluminium_barrier,
        anonymous_barrier=anonymous_barrier,
        copper_barrier=copper_barrier,
        forwarded_barrier=forwarded,
        notification=notification,
        everyone=[alma, conrad, sina, fiona, ines, dora, quentin],
    )
