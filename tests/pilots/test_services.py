"""Application flow, pipeline, timeline and the emails they cause."""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Notification
from pilots import services
from pilots.models import PartnerNeed, PilotApplication, PilotEvent, PilotProject
from pilots.services import NeedData, PilotError
from tests.factories import OrganisationFactory, UserFactory, material, stage
from tests.helpers import assert_email_contains
from tests.pilots.factories import ApplicationFactory, NeedFactory, PilotFactory

pytestmark = pytest.mark.django_db


def recipients(outbox) -> list[str]:
    """The plain addresses of the sent messages, in order."""
    return [parseaddr(message.to[0])[1] for message in outbox]


Status = PilotProject.Status


@pytest.fixture
def pilot(member):
    return PilotFactory(
        proposer=member, title="Aluminium-Sortierung mit LIBS", status=Status.SEEKING_PARTNERS
    )


@pytest.fixture
def need(pilot):
    return NeedFactory(pilot=pilot, role="recycler", stage=stage(), material=material())


# --- proposing --------------------------------------------------------------


def test_create_pilot_saves_draft_with_needs_and_timeline(member):
    pilot = services.create_pilot(
        proposer=member,
        data={"title": "Neuer Pilot", "summary": "Text", "materials": [material()]},
        needs=[NeedData(role="recycler", stage=stage()), NeedData(role="research")],
    )

    assert pilot.status == Status.DRAFT
    assert pilot.organisation == member.organisation
    assert pilot.contact_person == member
    assert [n.role for n in pilot.needs.order_by("pk")] == ["recycler", "research"]
    assert list(pilot.events.values_list("kind", "to_status")) == [("created", "draft")]


def test_publishing_with_open_needs_seeks_partners_for_six_months(member):
    pilot = services.create_pilot(
        proposer=member,
        data={"title": "Neuer Pilot", "summary": "Text"},
        needs=[NeedData(role="recycler")],
        publish=True,
    )

    pilot.refresh_from_db()
    assert pilot.status == Status.SEEKING_PARTNERS
    assert pilot.published_at is not None
    assert 181 <= (pilot.seeking_until - pilot.published_at).days <= 184
    assert list(pilot.events.values_list("kind", "to_status")) == [
        ("created", "draft"),
        ("published", "seeking_partners"),
    ]


def test_publishing_without_needs_makes_an_idea(member):
    pilot = services.create_pilot(
        proposer=member, data={"title": "Neuer Pilot", "summary": "Text"}, needs=[], publish=True
    )

    assert pilot.status == Status.IDEA
    assert pilot.seeking_until is None


def test_unpublished_barrier_cannot_be_linked(member):
    from barriers.models import Barrier

    hidden = Barrier.objects.create(title="Noch in Prüfung", status=Barrier.Status.IN_REVIEW)

    with pytest.raises(PilotError):
        services.create_pilot(
            proposer=member,
            data={"title": "Neuer Pilot", "summary": "Text", "barriers": [hidden]},
            needs=[],
        )
    assert not PilotProject.objects.filter(title="Neuer Pilot").exists()


def test_need_with_applications_cannot_be_deleted(pilot, need, peer):
    ApplicationFactory(need=need, applicant=peer)

    with pytest.raises(PilotError, match="als besetzt"):
        services.update_pilot(
            pilot,
            by=pilot.proposer,
            data={},
            needs=[NeedData(pk=need.pk, role=need.role, delete=True)],
        )
    assert PartnerNeed.objects.filter(pk=need.pk).exists()


def test_peer_cannot_update_pilot(pilot, peer):
    with pytest.raises(PilotError):
        services.update_pilot(pilot, by=peer, data={"title": "Gekapert"}, needs=[])


# --- applications -----------------------------------------------------------


def test_apply_creates_pending_application_and_emails_proposer(
    pilot, need, peer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.apply_to_pilot(
            pilot, by=peer, need=need, message="Wir haben eine Sortieranlage."
        )

    assert application.status == PilotApplication.Status.PENDING
    assert application.organisation == peer.organisation
    assert recipients(mailoutbox) == ["mira@example.com"]
    assert "Aluminium-Sortierung mit LIBS" in mailoutbox[0].subject
    assert_email_contains(mailoutbox[0], peer.organisation.name)
    assert_email_contains(mailoutbox[0], f"/pilots/{pilot.pk}/#applications")


def test_one_open_application_per_organisation_and_need(pilot, need, peer):
    services.apply_to_pilot(pilot, by=peer, need=need, message="Erste Bewerbung")
    colleague = UserFactory(organisation=peer.organisation)

    with pytest.raises(PilotError, match="bereits eine offene Bewerbung"):
        services.apply_to_pilot(pilot, by=colleague, need=need, message="Zweite Bewerbung")
    assert PilotApplication.objects.count() == 1


def test_database_refuses_a_second_open_application(need, peer):
    ApplicationFactory(need=need, applicant=peer)

    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(need=need, applicant=peer)


def test_general_and_need_applications_are_separate(pilot, need, peer):
    services.apply_to_pilot(pilot, by=peer, need=need, message="Für den Bedarf")
    services.apply_to_pilot(pilot, by=peer, need=None, message="Allgemein")

    assert PilotApplication.objects.filter(pilot=pilot).count() == 2
    with pytest.raises(PilotError):
        services.apply_to_pilot(pilot, by=peer, need=None, message="Noch einmal allgemein")


def test_cannot_apply_to_a_pilot_of_the_own_organisation(pilot, need):
    colleague = UserFactory(organisation=pilot.organisation)

    with pytest.raises(PilotError):
        services.apply_to_pilot(pilot, by=colleague, need=need, message="Intern")


def test_member_without_organisation_cannot_apply(pilot, need):
    loner = UserFactory(organisation=None)

    with pytest.raises(PilotError, match="im Namen einer Organisation"):
        services.apply_to_pilot(pilot, by=loner, need=need, message="Ohne Organisation")


def test_filled_need_takes_no_applications(pilot, need, peer):
    need.status = PartnerNeed.Status.FILLED
    need.save()

    with pytest.raises(PilotError, match="bereits besetzt"):
        services.apply_to_pilot(pilot, by=peer, need=need, message="Zu spät")


def test_draft_takes_no_applications(need, peer):
    need.pilot.status = Status.DRAFT
    need.pilot.save()

    with pytest.raises(PilotError):
        services.apply_to_pilot(need.pilot, by=peer, need=need, message="Entwurf")


def test_accept_fills_need_joins_consortium_and_emails_applicant(
    pilot, need, peer, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(need=need, applicant=peer)

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_application(application, by=pilot.proposer, note="Willkommen!")

    application.refresh_from_db()
    need.refresh_from_db()
    assert application.status == PilotApplication.Status.ACCEPTED
    assert application.decided_by == pilot.proposer
    assert need.status == PartnerNeed.Status.FILLED
    assert need.filled_by == peer.organisation
    from pilots.selectors import consortium_of

    assert [m.organisation for m in consortium_of(pilot)] == [
        pilot.organisation,
        peer.organisation,
    ]
    event = pilot.events.get(kind="partner_joined")
    assert event.actor == pilot.proposer
    assert peer.organisation.name in event.note
    assert recipients(mailoutbox) == ["peter@example.com"]
    assert "Aluminium-Sortierung mit LIBS" in mailoutbox[0].subject
    assert_email_contains(mailoutbox[0], "Willkommen!")


def test_decline_emails_applicant_and_blocks_a_repeat_until_reopened(
    pilot, need, peer, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(need=need, applicant=peer)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_application(application, by=pilot.proposer, note="Passt gerade nicht.")

    assert recipients(mailoutbox) == ["peter@example.com"]
    assert_email_contains(mailoutbox[0], "Passt gerade nicht.")
    with pytest.raises(PilotError, match="abgelehnt"):
        services.apply_to_pilot(pilot, by=peer, need=need, message="Noch einmal")

    services.reopen_application(application, by=pilot.proposer)
    again = services.apply_to_pilot(pilot, by=peer, need=need, message="Noch einmal")

    assert again.status == PilotApplication.Status.PENDING
    application.refresh_from_db()
    assert application.status == PilotApplication.Status.REOPENED


def test_only_the_proposer_or_the_coordinator_decides(pilot, need, peer, coordinator):
    application = ApplicationFactory(need=need, applicant=peer)
    outsider = UserFactory()

    for person in (peer, outsider):
        with pytest.raises(PilotError):
            services.accept_application(application, by=person)
        with pytest.raises(PilotError):
            services.decline_application(application, by=person)
    application.refresh_from_db()
    assert application.status == PilotApplication.Status.PENDING

    services.accept_application(application, by=coordinator)
    application.refresh_from_db()
    assert application.status == PilotApplication.Status.ACCEPTED


def test_coordinator_decision_is_told_to_both_sides(
    pilot, need, peer, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(need=need, applicant=peer)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_application(application, by=coordinator)

    assert sorted(recipients(mailoutbox)) == ["mira@example.com", "peter@example.com"]


def test_only_a_declined_application_can_be_reopened_by_the_proposer(pilot, need, peer):
    application = ApplicationFactory(need=need, applicant=peer)
    with pytest.raises(PilotError):
        services.reopen_application(application, by=pilot.proposer)
    services.decline_application(application, by=pilot.proposer)
    with pytest.raises(PilotError):
        services.reopen_application(application, by=peer)


def test_a_decided_application_cannot_be_decided_again(pilot, need, peer):
    application = ApplicationFactory(need=need, applicant=peer)
    services.accept_application(application, by=pilot.proposer)

    with pytest.raises(PilotError, match="bereits entschieden"):
        services.decline_application(application, by=pilot.proposer)


def test_second_acceptance_for_a_filled_need_is_refused(pilot, need, peer):
    first = ApplicationFactory(need=need, applicant=peer)
    second = ApplicationFactory(need=need)
    services.accept_application(first, by=pilot.proposer)

    with pytest.raises(PilotError, match="bereits besetzt"):
        services.accept_application(second, by=pilot.proposer)


def test_applicant_withdraws_pending_application(pilot, need, peer):
    application = ApplicationFactory(need=need, applicant=peer)

    services.withdraw_application(application, by=peer)

    application.refresh_from_db()
    assert application.status == PilotApplication.Status.WITHDRAWN
    services.apply_to_pilot(pilot, by=peer, need=need, message="Doch wieder")


# --- pipeline and timeline --------------------------------------------------


def test_state_change_is_stored_and_emailed_to_partners(
    pilot, need, peer, mailoutbox, django_capture_on_commit_callbacks
):
    ApplicationFactory(need=need, applicant=peer, status=PilotApplication.Status.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            pilot, by=pilot.proposer, to_status=Status.CONSORTIUM_FORMED, note="Alle an Bord."
        )

    pilot.refresh_from_db()
    assert pilot.status == Status.CONSORTIUM_FORMED
    assert pilot.seeking_until is None
    event = pilot.events.order_by("-pk").first()
    assert (event.kind, event.actor, event.from_status, event.to_status, event.note) == (
        "status",
        pilot.proposer,
        "seeking_partners",
        "consortium_formed",
        "Alle an Bord.",
    )
    assert recipients(mailoutbox) == ["peter@example.com"]
    assert "Aluminium-Sortierung mit LIBS" in mailoutbox[0].subject
    assert_email_contains(mailoutbox[0], "Alle an Bord.")


def test_coordinator_state_change_is_emailed_to_the_proposer(
    pilot, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(pilot, by=coordinator, to_status=Status.IDEA)

    assert recipients(mailoutbox) == ["mira@example.com"]


def test_pipeline_refuses_a_jump(pilot):
    with pytest.raises(PilotError):
        services.change_status(pilot, by=pilot.proposer, to_status=Status.COMPLETED)
    pilot.refresh_from_db()
    assert pilot.status == Status.SEEKING_PARTNERS
    assert not PilotEvent.objects.filter(pilot=pilot).exists()


def test_discontinuing_needs_a_note(pilot):
    with pytest.raises(PilotError, match="Notiz"):
        services.change_status(pilot, by=pilot.proposer, to_status=Status.DISCONTINUED)

    services.change_status(
        pilot, by=pilot.proposer, to_status=Status.DISCONTINUED, note="Förderung abgelehnt."
    )
    assert pilot.events.get().note == "Förderung abgelehnt."


def test_peer_cannot_change_the_state(pilot, peer):
    with pytest.raises(PilotError):
        services.change_status(pilot, by=peer, to_status=Status.IDEA)


# --- six-month listing ------------------------------------------------------


def _seeking(member, *, ends_in: timedelta) -> PilotProject:
    pilot = PilotFactory(proposer=member, title="Gesuchter Pilot", status=Status.SEEKING_PARTNERS)
    pilot.seeking_until = timezone.now() + ends_in
    pilot.save()
    return pilot


def test_renewal_reminder_goes_out_once_per_period(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    pilot = _seeking(member, ends_in=timedelta(days=10))
    far = _seeking(UserFactory(), ends_in=timedelta(days=60))

    with django_capture_on_commit_callbacks(execute=True):
        first = services.remind_and_expire_listings()
        second = services.remind_and_expire_listings()

    assert first == {"reminded": 1, "expired": 0}
    assert second == {"reminded": 0, "expired": 0}
    assert Notification.objects.filter(kind="pilot_renewal").count() == 1
    assert recipients(mailoutbox) == ["mira@example.com"]
    assert "Gesuchter Pilot" in mailoutbox[0].subject
    assert_email_contains(mailoutbox[0], f"/pilots/{pilot.pk}/")
    far.refresh_from_db()
    assert far.renewal_reminded_for is None


def test_renewing_starts_a_new_period_with_its_own_reminder(member):
    pilot = _seeking(member, ends_in=timedelta(days=10))
    services.remind_and_expire_listings()

    services.renew_listing(pilot, by=member)
    pilot.refresh_from_db()
    assert pilot.seeking_until > timezone.now() + timedelta(days=170)
    later = pilot.seeking_until - timedelta(days=5)
    assert services.remind_and_expire_listings(now=later) == {"reminded": 1, "expired": 0}
    assert Notification.objects.filter(kind="pilot_renewal").count() == 2
    assert pilot.events.filter(kind="renewed").count() == 1


def test_unrenewed_listing_drops_to_idea(member):
    pilot = _seeking(member, ends_in=timedelta(days=-1))

    result = services.remind_and_expire_listings()

    pilot.refresh_from_db()
    assert result == {"reminded": 0, "expired": 1}
    assert pilot.status == Status.IDEA
    event = pilot.events.get()
    assert (event.kind, event.actor, event.to_status) == ("expired", None, "idea")
    assert services.remind_and_expire_listings() == {"reminded": 0, "expired": 0}


def test_listing_task_calls_the_service(member):
    from pilots.tasks import remind_and_expire_listings_task

    _seeking(member, ends_in=timedelta(days=3))

    assert remind_and_expire_listings_task.delay().get() == {"reminded": 1, "expired": 0}


def test_beat_schedule_runs_the_listing_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pilots.remind_and_expire_listings" in tasks


# --- comments ---------------------------------------------------------------


def test_comment_is_emailed_to_the_proposer(
    pilot, peer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(pilot, by=peer, body="Spannend, wir sind **dabei**.")
        services.add_comment(pilot, by=pilot.proposer, body="Danke!")

    assert recipients(mailoutbox) == ["mira@example.com"]
    assert_email_contains(mailoutbox[0], "Spannend")


def test_organisation_factory_is_distinct():
    # Guards the fixtures: member and peer belong to different organisations.
    assert OrganisationFactory().pk != OrganisationFactory().pk


def test_timeline_notes_of_the_portal_are_stored_in_german(pilot, need, peer):
    from django.utils import translation

    application = ApplicationFactory(need=need, applicant=peer)

    with translation.override("en"):
        services.accept_application(application, by=pilot.proposer)

    assert pilot.events.get(kind="partner_joined").note == (
        f"{peer.organisation.name} tritt dem Konsortium bei als Recycler / Aufbereiter."
    )
