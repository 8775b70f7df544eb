from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members import services
from members.models import Notification
from tests.helpers import assert_email_contains

pytestmark = pytest.mark.django_db


def test_notification_is_mailed_in_the_members_language(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    member.language = "en"
    member.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            member,
            kind="test",
            title=format_lazy("{}: {}", _("Meetings"), "Plenum"),
            url="/meetings/1/",
        )

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Meetings: Plenum"
    assert_email_contains(mailoutbox[0], "https://portal.example.org/meetings/1/")
    assert Notification.objects.get().title == "Meetings: Plenum"


def test_three_notifications_within_minutes_make_one_mail(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(member, kind="comment", title="Kommentar 1")
    with (
        time_machine.travel(start + timedelta(minutes=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(member, kind="comment", title="Kommentar 2")
    with (
        time_machine.travel(start + timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(member, kind="comment", title="Kommentar 3")
    assert len(mailoutbox) == 1

    with (
        time_machine.travel(start + timedelta(minutes=16)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.deliver_due_notifications() == 2

    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "2 neue Benachrichtigungen beim Thementisch Metall"
    assert_email_contains(mailoutbox[1], "Kommentar 2")
    assert_email_contains(mailoutbox[1], "Kommentar 3")


def test_digest_and_off_kinds_are_not_mailed(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    member.notification_settings = {"comment": "digest", "status": "off"}
    member.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(member, kind="comment", title="Kommentar")
        services.notify(member, kind="status", title="Status")

    assert mailoutbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_same_key_notifies_once(member, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(member, kind="x", title="Einmal", key="x:1")
        services.notify(member, kind="x", title="Einmal", key="x:1")

    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_pending_members_get_no_notifications(pending_user, mailoutbox):
    assert services.notify(pending_user, kind="x", title="Nein") is None
    assert Notification.objects.count() == 0
