"""Who gets which items in a hand-built week (tests/digests/conftest.py)."""

import pytest

from digests import services
from digests.content import digest_for, load_content
from digests.periods import WEEKLY, current_period
from members.models import Notification
from tests.digests.conftest import BEFORE
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _digests(week):
    period = current_period(WEEKLY, week.now)
    content = load_content(period, week.member_ids, now=week.now)
    return {member.email.split("@")[0]: digest_for(content, member) for member in content.members}


def _titles(items):
    return [item.title for item in items]


def test_each_member_gets_the_items_that_concern_them(week):
    digests = _digests(week)

    assert _titles(digests["alma"].barriers) == [
        "Aluminiumspäne gelten als Abfall",  # most endorsed first, then the newest
        "Anonym: Krätze aus der Aluminiumgießerei",
        "Aluminiumschrott im Export",
    ]
    assert _titles(digests["conrad"].barriers) == ["Kupferkabel ohne Nachweis"]
    assert [(c.barrier.title, c.role) for c in digests["conrad"].changes] == [
        ("Genehmigung dauert zu lange", "endorsed")
    ]
    assert [(c.barrier.title, c.role) for c in digests["sina"].changes] == [
        ("Genehmigung dauert zu lange", "submitted")
    ]
    assert [fit.pilot.title for fit in digests["sina"].pilots_fit] == [
        "Sensorsortierung für Mischschrott"
    ]
    assert digests["sina"].pilots_fit[0].reasons == [
        "Recycler / Aufbereiter, Sortierung & Aufbereitung"
    ]
    assert _titles(digests["fiona"].policy_followed) == ["Rat einigt sich auf Schrott-VO"]
    assert [
        (e.meeting.title, e.invitation.response, e.answers_open, e.newly_invited)
        for e in digests["ines"].meetings
    ] == [("Plenum im März", "pending", True, True)]
    assert _titles(digests["dora"].notifications) == [
        "Neuer Kommentar zu Ihrem Hemmnis „Gallium fehlt“"
    ]


def test_items_reach_nobody_else(week):
    digests = _digests(week)

    with_barriers = {name for name, d in digests.items() if d.barriers}
    with_changes = {name for name, d in digests.items() if d.changes}
    with_pilots = {name for name, d in digests.items() if d.pilots_fit or d.pilots_new}
    with_policy = {name for name, d in digests.items() if d.policy_followed or d.policy_other}
    with_meetings = {name for name, d in digests.items() if d.meetings}
    with_notifications = {name for name, d in digests.items() if d.notifications}
    assert with_barriers == {"alma", "conrad"}
    assert with_changes == {"conrad", "sina"}
    assert with_pilots == {"sina"}
    assert with_policy == {"fiona"}
    assert with_meetings == {"ines"}
    assert with_notifications == {"dora"}


def test_a_member_with_no_news_gets_no_digest(week):
    digests = _digests(week)

    quentin = digests["quentin"]
    assert [org.name for org in quentin.organisations] == ["Neue Gießerei Hagen GmbH"]
    assert quentin.has_news is False
    assert {name for name, d in digests.items() if d.has_news} == {
        "alma",
        "conrad",
        "sina",
        "fiona",
        "ines",
        "dora",
    }


def test_compose_queues_one_digest_per_member_with_news(week):
    period = current_period(WEEKLY, week.now)

    result = services.compose_digests(period, week.member_ids, now=week.now)

    rows = OutgoingEmail.objects.filter(topic="digest:2026-W11")
    assert sorted(rows.values_list("to_email", flat=True)) == [
        "alma@example.com",
        "conrad@example.com",
        "dora@example.com",
        "fiona@example.com",
        "ines@example.com",
        "sina@example.com",
    ]
    assert sorted(rows.values_list("key", flat=True))[0].startswith("digest:2026-W11:user:")
    assert (result.queued, result.without_news) == (6, 1)


def test_anonymous_barrier_shows_neither_person_nor_organisation(week):
    author = week.anonymous_barrier.author
    period = current_period(WEEKLY, week.now)

    services.compose_digests(period, [week.alma.pk], now=week.now)

    row = OutgoingEmail.objects.get(recipient=week.alma)
    assert "Anonym: Krätze aus der Aluminiumgießerei" in row.body_text
    assert "anonym eingereicht" in row.body_text
    for secret in (author.organisation.name, author.last_name, author.email):
        assert secret not in row.body_text
        assert secret not in row.body_html


def test_digested_notifications_are_marked_once_the_mail_is_queued(week):
    period = current_period(WEEKLY, week.now)

    services.compose_digests(period, week.member_ids, now=week.now)

    week.notification.refresh_from_db()
    assert week.notification.digested_at == week.now
    assert week.notification.emailed_at is None
    assert "Gallium fehlt" in OutgoingEmail.objects.get(recipient=week.dora).body_text


def test_instant_notifications_are_left_to_the_instant_mail(week):
    pending = Notification.objects.create(
        recipient=week.alma, kind="barrier_comment", title="Sofort, bitte"
    )
    period = current_period(WEEKLY, week.now)

    services.compose_digests(period, [week.alma.pk], now=week.now)

    pending.refresh_from_db()
    assert pending.digested_at is None
    assert "Sofort, bitte" not in OutgoingEmail.objects.get(recipient=week.alma).body_text


def test_a_status_change_notification_is_not_listed_twice(week):
    week.conrad.notification_settings = {"barrier_status": "digest"}
    week.conrad.save()
    notification = Notification.objects.create(
        recipient=week.conrad,
        kind="barrier_status",
        title="Barrier forwarded",
        url=f"/barriers/{week.forwarded_barrier.pk}/",
        created_at=week.now,
    )

    digest = _digests(week)["conrad"]

    assert digest.notifications == []
    assert digest.notification_ids == [notification.pk]


def test_members_without_interests_get_every_new_barrier_and_a_hint(week):
    week.quentin.materials.clear()
    period = current_period(WEEKLY, week.now)

    services.compose_digests(period, [week.quentin.pk], now=week.now)

    row = OutgoingEmail.objects.get(recipient=week.quentin)
    assert "Kupferkabel ohne Nachweis" in row.body_text
    assert "Aluminiumspäne gelten als Abfall" in row.body_text
    assert "noch keine Materialien oder Stufen der Wertschöpfungskette gewählt" in row.body_text


def test_members_who_left_or_switched_off_get_nothing(week):
    week.alma.digest_frequency = "off"
    week.alma.save()
    week.conrad.is_active = False
    week.conrad.save()
    period = current_period(WEEKLY, week.now)

    services.compose_digests(period, week.member_ids, now=week.now, frequency=WEEKLY)

    recipients = set(OutgoingEmail.objects.values_list("to_email", flat=True))
    assert "alma@example.com" not in recipients
    assert "conrad@example.com" not in recipients
    assert "sina@example.com" in recipients


def test_a_meeting_invited_to_earlier_is_shown_but_no_news_on_its_own(week):
    Invitation = week.ines.meeting_invitations.model
    Invitation.objects.filter(user=week.ines).update(invited_at=BEFORE)

    digest = _digests(week)["ines"]

    assert [entry.meeting.title for entry in digest.meetings] == ["Plenum im März"]
    assert digest.has_news is False
