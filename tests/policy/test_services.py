"""Updates reach followers (only them, once); following is idempotent."""

import pytest

from members.models import Notification
from policy import services
from policy.models import PolicyFollow, PolicyUpdate
from tests.factories import PendingUserFactory
from tests.helpers import assert_email_contains, parse
from tests.policy.factories import PolicyFollowFactory, PolicyItemFactory

pytestmark = pytest.mark.django_db


def recipients(outbox) -> list[str]:
    return [parse(message)["To"].addresses[0].addr_spec for message in outbox]


@pytest.fixture
def item():
    return PolicyItemFactory(short_name="WSR", title="Abfallverbringungsverordnung")


def test_follow_and_unfollow(item, member):
    services.follow_item(item, user=member)
    services.follow_item(item, user=member)

    assert PolicyFollow.objects.filter(item=item, user=member).count() == 1
    assert services.unfollow_item(item, user=member) is True
    assert services.unfollow_item(item, user=member) is False
    assert not PolicyFollow.objects.filter(item=item).exists()


def test_pending_member_cannot_follow(item, pending_user):
    with pytest.raises(services.PolicyError):
        services.follow_item(item, user=pending_user)


def test_new_update_emails_each_follower_once_and_nobody_else(
    item, member, peer, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    PolicyFollowFactory(item=item, user=member)
    PolicyFollowFactory(item=item, user=coordinator)  # the author is not told of their own update
    PolicyFollowFactory(user=peer)  # peer follows another item only

    with django_capture_on_commit_callbacks(execute=True):
        update = services.add_update(
            item,
            title="DIWASS startet",
            body="Notifizierungen laufen **elektronisch**.",
            author=coordinator,
        )

    assert recipients(mailoutbox) == ["mira@example.com"]
    message = mailoutbox[0]
    assert message.subject == "Politik-Radar: WSR: DIWASS startet"
    assert_email_contains(message, "DIWASS startet")
    assert_email_contains(message, f"/policy/{item.slug}/#update-{update.pk}")
    assert "Notifizierungen laufen elektronisch." in message.body
    assert parse(message)["Auto-Submitted"] == "auto-generated"
    assert Notification.objects.filter(kind="policy_update").count() == 1


def test_notifying_again_sends_nothing_twice(
    item, member, django_capture_on_commit_callbacks, mailoutbox
):
    PolicyFollowFactory(item=item, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.add_update(item, title="Neu", body="Text")

    with django_capture_on_commit_callbacks(execute=True):
        told_again = services.notify_followers(update)

    assert told_again == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(recipient=member, kind="policy_update").count() == 1


def test_digest_preference_keeps_the_mail_for_the_digest(
    item, member, django_capture_on_commit_callbacks, mailoutbox
):
    member.notification_settings = {"policy_update": "digest"}
    member.save()
    PolicyFollowFactory(item=item, user=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.add_update(item, title="Neu", body="Text")

    assert mailoutbox == []
    notification = Notification.objects.get(recipient=member)
    assert notification.emailed_at is None


def test_pending_or_inactive_followers_are_not_told(item, member, mailoutbox):
    pending = PendingUserFactory()
    PolicyFollow.objects.create(item=item, user=pending)
    member.is_active = False
    member.save()
    PolicyFollowFactory(item=item, user=member)

    services.add_update(item, title="Neu", body="Text")

    assert not Notification.objects.exists()


def test_update_needs_headline_and_text(item):
    with pytest.raises(services.PolicyError):
        services.add_update(item, title="  ", body="Text")
    with pytest.raises(services.PolicyError):
        services.add_update(item, title="Titel", body="   ")
    assert not PolicyUpdate.objects.filter(item=item).exists()


def test_english_follower_gets_english_subject(
    item, member, django_capture_on_commit_callbacks, mailoutbox
):
    member.language = "en"
    member.save()
    PolicyFollowFactory(item=item, user=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.add_update(item, title="DIWASS", body="Text")

    assert mailoutbox[0].subject == "Policy radar: WSR: DIWASS"


def test_mark_reviewed_clears_the_flag(item):
    item.needs_review = True
    item.save()

    assert services.mark_reviewed([item]) == 1
    item.refresh_from_db()
    assert item.needs_review is False
