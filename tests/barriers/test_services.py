"""Workflow, timeline, notifications, merge, endorsements and comments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from barriers import services
from barriers.models import Barrier, BarrierComment, BarrierEvent, Endorsement, Responsibility
from barriers.permissions import TRANSITIONS
from members.models import Notification
from tests.factories import BarrierFactory, UserFactory
from tests.helpers import assert_email_contains, parse

S = Barrier.Status
pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "title": "Genehmigung für Schrottplatz dauert ein Jahr",
        "description": "Die Genehmigung einer Lagerfläche für Schrott dauert über ein Jahr.",
        "category": "verwaltung_vollzug",
        "need_type": "implementation",
        "level": "land_nrw",
        "root_cause": "administration",
        "severity": 3,
    }
    data.update(overrides)
    return data


def test_create_barrier_writes_timeline_and_tells_coordinator(member, coordinator):
    barrier = services.create_barrier(author=member, data=_data())

    assert barrier.status == S.SUBMITTED
    assert barrier.organisation == member.organisation
    assert list(barrier.events.values_list("kind", "to_status", "actor")) == [
        ("submitted", "submitted", member.pk)
    ]
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (coordinator.pk, services.KIND_SUBMITTED)
    ]


# Every (from, to) pair: allowed only where TRANSITIONS says so.
ALL_PAIRS = [(old, new) for old in S.values for new in S.values if new != S.MERGED]


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_coordinator_transitions_follow_the_workflow(old, new, coordinator, member):
    barrier = BarrierFactory(author=member, status=old)
    allowed = new in TRANSITIONS[old]
    extra = {}
    if new == S.REJECTED:
        extra["reason"] = "Kein Hemmnis der Kreislaufwirtschaft."
    if new == S.FORWARDED:
        extra.update(level="land_nrw", answer_by=timezone.localdate() + timedelta(days=14))

    if allowed:
        services.change_status(barrier, by=coordinator, to_status=new, **extra)
        barrier.refresh_from_db()
        assert barrier.status == new
        event = barrier.events.get()
        assert (event.from_status, event.to_status, event.actor) == (old, new, coordinator)
    else:
        with pytest.raises(services.BarrierError):
            services.change_status(barrier, by=coordinator, to_status=new, **extra)
        barrier.refresh_from_db()
        assert barrier.status == old
        assert barrier.events.count() == 0


@pytest.mark.parametrize("role", ["member", "peer", "ministry_user"])
@pytest.mark.parametrize("old", [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.FORWARDED])
def test_only_the_coordinator_changes_status(role, old, request, member):
    actor = request.getfixturevalue(role)
    barrier = BarrierFactory(author=member, status=old)

    for new in TRANSITIONS[old]:
        with pytest.raises(services.BarrierError):
            services.change_status(barrier, by=actor, to_status=new, reason="x")
    barrier.refresh_from_db()
    assert barrier.status == old


def test_rejection_needs_a_reason(coordinator, barrier):
    with pytest.raises(services.BarrierError):
        services.change_status(barrier, by=coordinator, to_status=S.REJECTED, reason=" ")

    barrier.refresh_from_db()
    assert barrier.status == S.PUBLISHED


def test_forwarding_needs_level_and_future_date(coordinator, barrier):
    with pytest.raises(services.BarrierError):
        services.change_status(
            barrier, by=coordinator, to_status=S.FORWARDED, level="land_nrw", answer_by=None
        )
    with pytest.raises(services.BarrierError):
        services.change_status(
            barrier,
            by=coordinator,
            to_status=S.FORWARDED,
            level="land_nrw",
            answer_by=timezone.localdate(),
        )
    barrier.refresh_from_db()
    assert barrier.status == S.PUBLISHED


def test_submitter_may_edit_only_while_submitted(member, coordinator):
    barrier = services.create_barrier(author=member, data=_data())

    services.update_barrier(barrier, by=member, data={"title": "Genehmigung dauert zu lange"})
    services.change_status(barrier, by=coordinator, to_status=S.IN_REVIEW)

    with pytest.raises(services.BarrierError):
        services.update_barrier(barrier, by=member, data={"title": "Noch eine Änderung"})
    services.update_barrier(barrier, by=coordinator, data={"title": "Von der Koordination"})
    barrier.refresh_from_db()
    assert barrier.title == "Von der Koordination"
    assert [e.kind for e in barrier.events.all()] == ["submitted", "edited", "status", "edited"]


def test_status_change_notifies_submitter_and_endorsers_by_email(
    member, peer, coordinator, barrier, mailoutbox, django_capture_on_commit_callbacks
):
    services.endorse_barrier(barrier, by=peer)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            barrier,
            by=coordinator,
            to_status=S.FORWARDED,
            level="land_nrw",
            answer_by=timezone.localdate() + timedelta(days=30),
            note="An das Landesministerium.",
        )

    recipients = sorted(parse(m)["To"].addresses[0].addr_spec for m in mailoutbox)
    assert recipients == ["mira@example.com", "peter@example.com"]
    for message in mailoutbox:
        assert_email_contains(message, "Abfallende-Status für Aluminiumschrott unklar")
        assert_email_contains(message, "An die Politik weitergeleitet")
        assert_email_contains(message, "An das Landesministerium.")
    assert not Notification.objects.filter(recipient=coordinator).exists()


def test_nobody_is_notified_of_their_own_comment(member, peer, barrier):
    services.add_comment(barrier, by=member, body="Eigene Ergänzung")
    assert Notification.objects.count() == 0

    services.add_comment(barrier, by=peer, body="Betrifft uns auch")
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (member.pk, services.KIND_COMMENT)
    ]
    barrier.refresh_from_db()
    assert barrier.comment_count == 2


def test_forwarded_barrier_is_answered_by_the_ministry(
    member, peer, ministry_user, coordinator, barrier
):
    services.change_status(
        barrier,
        by=coordinator,
        to_status=S.FORWARDED,
        level="land_nrw",
        ministry=ministry_user.organisation,
        answer_by=timezone.localdate() + timedelta(days=30),
    )
    assert Notification.objects.filter(
        recipient=ministry_user, kind=services.KIND_FORWARDED
    ).exists()

    with pytest.raises(services.BarrierError):
        services.respond_to_barrier(barrier, by=peer, body="Ich bin kein Ministerium.")
    response = services.respond_to_barrier(
        barrier, by=ministry_user, body="Wir prüfen eine Änderung des Erlasses."
    )

    barrier.refresh_from_db()
    assert barrier.status == S.ANSWERED
    assert response.organisation == ministry_user.organisation
    last = barrier.events.last()
    assert (last.kind, last.from_status, last.to_status) == ("response", "forwarded", "answered")
    assert Notification.objects.filter(recipient=member, kind=services.KIND_RESPONSE).exists()


def test_ministry_of_the_responsible_level_may_answer(ministry_user, coordinator, barrier):
    other_ministry = UserFactory(role="ministry")
    Responsibility.objects.create(organisation=ministry_user.organisation, level="bund")
    services.change_status(
        barrier,
        by=coordinator,
        to_status=S.FORWARDED,
        level="bund",
        answer_by=timezone.localdate() + timedelta(days=5),
    )

    with pytest.raises(services.BarrierError):
        services.respond_to_barrier(barrier, by=other_ministry, body="Nicht zuständig")
    services.respond_to_barrier(barrier, by=ministry_user, body="Zuständig")


def test_endorsements_count_organisations_not_clicks(barrier, peer):
    colleague = UserFactory(organisation=peer.organisation)
    services.endorse_barrier(barrier, by=peer, note="Auch bei uns")
    services.endorse_barrier(barrier, by=peer, note="Geänderte Notiz")
    services.endorse_barrier(barrier, by=colleague)

    barrier.refresh_from_db()
    assert (barrier.endorsement_count, barrier.endorsing_organisation_count) == (2, 1)
    assert Endorsement.objects.get(user=peer).note == "Geänderte Notiz"

    services.withdraw_endorsement(barrier, by=peer)
    barrier.refresh_from_db()
    assert (barrier.endorsement_count, barrier.endorsing_organisation_count) == (1, 1)


def test_submitter_cannot_endorse_own_barrier(member, barrier):
    with pytest.raises(services.BarrierError):
        services.endorse_barrier(barrier, by=member)


def test_merge_moves_everything_without_duplicate_endorsements(member, peer, coordinator):
    other_author = UserFactory()
    source = BarrierFactory(author=other_author, title="Quelle")
    target = BarrierFactory(author=member, title="Ziel")
    third = UserFactory()
    services.endorse_barrier(source, by=peer)
    services.endorse_barrier(target, by=peer)
    services.endorse_barrier(source, by=third)
    services.endorse_barrier(source, by=member)  # the target's own submitter
    services.add_comment(source, by=peer, body="Kommentar an der Quelle")

    services.merge_barriers(source, into=target, by=coordinator, note="Gleiches Thema")

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == S.MERGED
    assert source.merged_into == target
    assert sorted(Endorsement.objects.filter(barrier=target).values_list("user", flat=True)) == (
        sorted([peer.pk, third.pk])
    )
    assert Endorsement.objects.filter(barrier=source).count() == 0
    assert Endorsement.objects.filter(user=peer).count() == 1
    assert target.endorsement_count == 2
    assert BarrierComment.objects.get().barrier == target
    assert target.comment_count == 1
    told = set(
        Notification.objects.filter(title__contains="zusammengeführt").values_list(
            "recipient", flat=True
        )
    )
    assert {member.pk, other_author.pk, third.pk} <= told
    assert coordinator.pk not in told


def test_merged_barrier_cannot_be_merged_again(coordinator, member):
    source, target = BarrierFactory(author=member), BarrierFactory(author=member)
    services.merge_barriers(source, into=target, by=coordinator)

    with pytest.raises(services.BarrierError):
        services.merge_barriers(source, into=target, by=coordinator)
    with pytest.raises(services.BarrierError):
        services.merge_barriers(target, into=source, by=coordinator)


def test_overdue_forwarded_barriers_are_flagged_once(coordinator, member):
    barrier = BarrierFactory(
        author=member, status=S.FORWARDED, answer_by=timezone.localdate() - timedelta(days=1)
    )
    BarrierFactory(
        author=member, status=S.FORWARDED, answer_by=timezone.localdate() + timedelta(days=1)
    )

    assert services.flag_overdue_barriers() == 1
    assert services.flag_overdue_barriers() == 0
    assert list(Notification.objects.values_list("recipient", "kind", "url")) == [
        (coordinator.pk, services.KIND_OVERDUE, barrier.get_absolute_url())
    ]


def test_removed_comment_no_longer_counts(coordinator, peer, barrier):
    comment = services.add_comment(barrier, by=peer, body="Bitte entfernen")

    services.remove_barrier_comment(comment, by=coordinator)

    barrier.refresh_from_db()
    assert barrier.comment_count == 0
    assert BarrierEvent.objects.filter(barrier=barrier).count() == 0
