"""Instant notifications: bundled per 15 minutes, or kept for the digest, as the member chose."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from barriers import services as barrier_services
from digests import services
from digests.periods import WEEKLY, current_period
from members import services as member_services
from members.models import Notification
from tests.factories import BarrierFactory, UserFactory
from tests.helpers import assert_email_contains
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _comment(barrier, by, body, at, capture):
    with time_machine.travel(at), capture(execute=True):
        barrier_services.add_comment(barrier, by=by, body=body)


def test_three_comments_within_minutes_make_one_mail(
    member, peer, mailoutbox, django_capture_on_commit_callbacks
):
    barrier = BarrierFactory(author=member, title="Schlacke als Baustoff")
    third = UserFactory(email="dritte@example.com")
    start = timezone.now()

    _comment(barrier, peer, "Erster Kommentar", start, django_capture_on_commit_callbacks)
    _comment(barrier, third, "Zweiter Kommentar", start + timedelta(minutes=2),
             django_capture_on_commit_callbacks)  # fmt: skip
    _comment(barrier, peer, "Dritter Kommentar", start + timedelta(minutes=4),
             django_capture_on_commit_callbacks)  # fmt: skip

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to[0].endswith("<mira@example.com>")
    assert_email_contains(mailoutbox[0], "Erster Kommentar")

    # The beat task, after the 15 minutes: everything new in one more mail.
    with (
        time_machine.travel(start + timedelta(minutes=10)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert member_services.deliver_due_notifications() == 0
    with (
        time_machine.travel(start + timedelta(minutes=16)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert member_services.deliver_due_notifications() == 2

    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "2 neue Benachrichtigungen beim Thementisch Metall"
    assert_email_contains(mailoutbox[1], "Zweiter Kommentar")
    assert_email_contains(mailoutbox[1], "Dritter Kommentar")


def test_comments_kept_for_the_digest_are_mailed_in_the_digest_only(
    member, peer, mailoutbox, django_capture_on_commit_callbacks
):
    member_services.set_notification_modes(member, modes={"barrier_comment": "digest"})
    barrier = BarrierFactory(author=member, title="Schlacke als Baustoff")
    start = timezone.now()
    _comment(barrier, peer, "Für den Überblick", start, django_capture_on_commit_callbacks)

    with time_machine.travel(start + timedelta(minutes=20)):
        assert member_services.deliver_due_notifications() == 0
    assert mailoutbox == []

    monday = start + timedelta(days=7)
    period = current_period(WEEKLY, monday)
    with django_capture_on_commit_callbacks(execute=True):
        services.compose_digests(period, [member.pk], now=monday)

    assert len(mailoutbox) == 1
    assert_email_contains(mailoutbox[0], "Für den Überblick")
    notification = Notification.objects.get(recipient=member)
    assert notification.digested_at == monday
    assert notification.emailed_at is None


def test_kinds_switched_off_are_neither_mailed_nor_in_the_digest(
    member, peer, mailoutbox, django_capture_on_commit_callbacks
):
    member_services.set_notification_modes(member, modes={"barrier_comment": "off"})
    barrier = BarrierFactory(author=member)
    _comment(barrier, peer, "Nicht gewünscht", timezone.now(), django_capture_on_commit_callbacks)

    period = current_period(WEEKLY, timezone.now() + timedelta(days=7))
    services.compose_digests(period, [member.pk], now=timezone.now() + timedelta(days=7))

    assert mailoutbox == []
    assert not OutgoingEmail.objects.filter(body_text__contains="Nicht gewünscht").exists()


def test_switching_a_kind_to_immediately_sends_what_waits(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    member_services.set_notification_modes(member, modes={"barrier_comment": "digest"})
    member_services.notify(member, kind="barrier_comment", title="Wartet")

    member_services.set_notification_modes(member, modes={"barrier_comment": "instant"})
    with django_capture_on_commit_callbacks(execute=True):
        assert member_services.deliver_due_notifications() == 1

    assert [m.subject for m in mailoutbox] == ["Wartet"]
    member.refresh_from_db()
    assert member.notification_settings == {"barrier_comment": "instant"}


def test_an_unknown_mode_is_refused(member):
    with pytest.raises(ValueError, match="sometimes"):
        member_services.set_notification_modes(member, modes={"barrier_comment": "sometimes"})

    member.refresh_from_db()
    assert member.notification_settings == {}
