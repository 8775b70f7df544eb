"""The coordinator's desk in the admin: actions, saving, attendance, exports."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from barriers.models import Barrier, BarrierEvent
from pilots.models import PilotEvent, PilotProject
from sessions import services
from sessions.models import AgendaItem, Document, Invitation, Meeting
from tests.factories import UserFactory
from tests.helpers import parse
from tests.meetings.factories import AgendaItemFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/meetings/meeting/"


def _local(value):
    return timezone.localtime(value)


def form_data(meeting, agenda=(), documents=0, **overrides):
    """The change form of `meeting` as the browser would post it."""
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "description": meeting.description,
        "starts_at_0": _local(meeting.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": _local(meeting.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": _local(meeting.ends_at).strftime("%Y-%m-%d"),
        "ends_at_1": _local(meeting.ends_at).strftime("%H:%M:%S"),
        "venue": meeting.venue,
        "online_url": meeting.online_url,
        "capacity": meeting.capacity or "",
        "rsvp_deadline_0": "",
        "rsvp_deadline_1": "",
        "status": meeting.status,
        "guest_emails": meeting.guest_emails,
        "reminder_days": meeting.reminder_days,
        "minutes": meeting.minutes,
        "agenda_items-TOTAL_FORMS": len(agenda),
        "agenda_items-INITIAL_FORMS": sum(1 for item in agenda if item.get("id")),
        "agenda_items-MIN_NUM_FORMS": 0,
        "agenda_items-MAX_NUM_FORMS": 1000,
        "documents-TOTAL_FORMS": documents,
        "documents-INITIAL_FORMS": 0,
        "documents-MIN_NUM_FORMS": 0,
        "documents-MAX_NUM_FORMS": 1000,
    }
    if meeting.audience_all_members:
        data["audience_all_members"] = "on"
    for number, item in enumerate(agenda):
        for key, value in item.items():
            data[f"agenda_items-{number}-{key}"] = value
    data.update(overrides)
    return data


def test_send_invitations_action_invites_the_audience_and_shows_progress(
    coordinator_client, member, peer, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Plenum Winter", guest_emails="gast@example.net")
    meeting.audience_members.add(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            CHANGELIST,
            {"action": "send_invitations", "_selected_action": [meeting.pk]},
            follow=True,
        )

    assert "Die Einladungen werden versendet (2 neu Eingeladene)" in response.content.decode()
    assert len(mailoutbox) == 2
    page = coordinator_client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode()
    assert "gesendet: <strong>2</strong>" in page
    assert "Noch keine Antwort: <strong>2</strong>" in page


def test_send_invitations_refuses_a_draft(coordinator_client, member, mailoutbox):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    meeting.audience_members.add(member)

    response = coordinator_client.post(
        CHANGELIST, {"action": "send_invitations", "_selected_action": [meeting.pk]}, follow=True
    )

    assert "Nur eine veröffentlichte, bevorstehende Sitzung kann versendet werden." in (
        response.content.decode()
    )
    assert Invitation.objects.count() == 0


def test_audience_by_organisation_type_and_stage(member, peer, ministry_user):
    from thementisch.models import ValueChainStage

    stage = ValueChainStage.objects.create(slug="test-stage", label_de="Test", label_en="Test")
    meeting = MeetingFactory(audience_organisation_kinds=["ministry"])
    peer.organisation.value_chain_stages.add(stage)
    meeting.audience_stages.add(stage)

    assert set(services.audience(meeting)) == {ministry_user, peer}


def test_all_members_audience_excludes_pending(member, pending_user, coordinator):
    meeting = MeetingFactory(audience_all_members=True)

    assert pending_user not in services.audience(meeting)
    assert {member, coordinator} <= set(services.audience(meeting))


def test_saving_a_new_time_raises_the_sequence_and_asks_for_an_update(coordinator_client, member):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=member)
    later = _local(meeting.starts_at + timedelta(hours=1))

    response = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/change/",
        form_data(meeting, starts_at_1=later.strftime("%H:%M:%S")),
        follow=True,
    )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert "Verwenden Sie die Aktion „Aktualisierung versenden“" in response.content.decode()


def test_invalid_guest_address_is_refused_next_to_the_field(coordinator_client):
    meeting = MeetingFactory()

    response = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/change/",
        form_data(meeting, guest_emails="ok@example.org\nkein-mail"),
    )

    assert response.status_code == 200
    assert "Zeile 2 ist keine gültige E-Mail-Adresse: „kein-mail“." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.guest_emails == ""


def test_setting_status_cancelled_in_the_form_tells_everyone_invited(
    coordinator_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Plenum Sommer")
    InvitationFactory(meeting=meeting, user=member)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            f"{CHANGELIST}{meeting.pk}/change/", form_data(meeting, status="cancelled")
        )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    assert parse(mailoutbox[0])["Subject"].startswith("Abgesagt: Plenum Sommer")


def test_raising_capacity_in_the_form_moves_people_up(coordinator_client):
    meeting = MeetingFactory(capacity=1)
    first, second = (InvitationFactory(meeting=meeting, user=UserFactory()) for _ in range(2))
    services.answer(first, "yes")
    services.answer(second, "yes")

    coordinator_client.post(f"{CHANGELIST}{meeting.pk}/change/", form_data(meeting, capacity=2))

    second.refresh_from_db()
    assert second.response == "yes"


def test_outcome_of_linked_agenda_items_goes_into_the_timelines(coordinator_client, coordinator):
    barrier = Barrier.objects.create(title="Abfallende für Schrott unklar")
    pilot = PilotProject.objects.create(title="Sortierpilot Ruhr")
    meeting = MeetingFactory(title="Plenum Frühling")
    item_barrier = AgendaItemFactory(meeting=meeting, title="Abfallende", barrier=barrier)
    item_pilot = AgendaItemFactory(meeting=meeting, title="Pilot", pilot=pilot)
    agenda = [
        {"id": item_barrier.pk, "meeting": meeting.pk, "order": 1, "title": "Abfallende",
         "barrier": barrier.pk, "outcome": "An das MWIKE weiterleiten."},
        {"id": item_pilot.pk, "meeting": meeting.pk, "order": 2, "title": "Pilot",
         "pilot": pilot.pk, "outcome": "Konsortium bis März bilden."},
    ]  # fmt: skip

    response = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/change/", form_data(meeting, agenda=agenda)
    )

    assert response.status_code == 302
    event = BarrierEvent.objects.get(barrier=barrier)
    assert (event.kind, event.actor) == ("meeting_outcome", coordinator)
    assert event.note.endswith("Abfallende: An das MWIKE weiterleiten.")
    assert PilotEvent.objects.get(pilot=pilot).note.endswith("Konsortium bis März bilden.")
    # Saving again without a change writes nothing twice.
    coordinator_client.post(f"{CHANGELIST}{meeting.pk}/change/", form_data(meeting, agenda=agenda))
    assert BarrierEvent.objects.count() == 1


def test_document_upload_is_checked_and_stored_privately(coordinator_client, coordinator):
    meeting = MeetingFactory()
    data = form_data(meeting, documents=1)
    data.update({"documents-0-kind": "agenda", "documents-0-title": "Tagesordnung"})

    bad = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/change/",
        {**data, "documents-0-file": SimpleUploadedFile("tagesordnung.pdf", b"<html>nope")},
    )
    good = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/change/",
        {**data, "documents-0-file": SimpleUploadedFile("Tagesordnung.pdf", b"%PDF-1.4 ok")},
    )

    assert bad.status_code == 200
    assert "Der Inhalt der Datei passt nicht zur Endung „.pdf“." in bad.content.decode()
    assert good.status_code == 302
    document = Document.objects.get()
    assert (document.original_name, document.uploaded_by) == ("Tagesordnung.pdf", coordinator)
    assert document.file.name.startswith("meetings/")


def _past_meeting_with_people():
    start = timezone.now() - timedelta(days=1)
    meeting = MeetingFactory(
        title="Plenum gestern", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    there = InvitationFactory(
        meeting=meeting, user=UserFactory(first_name="Anna", last_name="Anwesend"), response="yes"
    )
    away = InvitationFactory(
        meeting=meeting, user=UserFactory(first_name="Bernd", last_name="Fehlt"), response="yes"
    )
    guest = InvitationFactory(
        meeting=meeting, email="=cmd@example.net", name="=HYPERLINK()", response="maybe"
    )
    return meeting, there, away, guest


def test_attendance_is_marked_after_the_meeting(coordinator_client):
    meeting, there, away, _guest = _past_meeting_with_people()

    response = coordinator_client.post(
        f"{CHANGELIST}{meeting.pk}/attendance/", {"attended": [there.pk]}, follow=True
    )

    assert "Anwesenheit gespeichert: 1 Person war anwesend." in response.content.decode()
    there.refresh_from_db()
    away.refresh_from_db()
    assert (there.attended, away.attended) == (True, False)


def test_attendance_cannot_be_marked_before_the_meeting(coordinator_client, member):
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting, user=member)

    with pytest.raises(services.MeetingError):
        services.mark_attendance(meeting, attended_ids=[invitation.pk])
    page = coordinator_client.get(f"{CHANGELIST}{meeting.pk}/attendance/").content.decode()
    assert "sobald die Sitzung begonnen hat" in page


def test_attendance_exports_csv_and_xlsx_with_organisations(coordinator_client):
    meeting, there, _away, _guest = _past_meeting_with_people()

    csv_text = coordinator_client.get(f"{CHANGELIST}{meeting.pk}/attendance.csv").content.decode()
    xlsx = coordinator_client.get(f"{CHANGELIST}{meeting.pk}/attendance.xlsx").content

    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Name;Organisation;Organisationstyp;E-Mail;Gast;Antwort;Anwesend"
    assert f"Anna Anwesend;{there.user.organisation.name};KMU;" in csv_text
    assert "'=HYPERLINK()" in csv_text
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    assert {row[0] for row in rows[1:]} == {"Anna Anwesend", "Bernd Fehlt", "'=HYPERLINK()"}


def test_sign_in_sheet_lists_yes_and_maybe_and_is_printable(coordinator_client):
    meeting, _there, _away, _guest = _past_meeting_with_people()

    html = coordinator_client.get(f"{CHANGELIST}{meeting.pk}/sign-in-sheet/").content.decode()

    assert "Anna Anwesend" in html
    assert "Bernd Fehlt" in html
    assert "css/sign-in-sheet.css" in html
    assert "Unterschrift" in html


def test_send_minutes_action_emails_participants_once(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    meeting, there, _away, _guest = _past_meeting_with_people()
    services.mark_attendance(meeting, attended_ids=[there.pk])
    meeting.minutes = "Beschlossen: **Positionspapier** bis Mai."
    meeting.save()
    action = {"action": "send_minutes", "_selected_action": [meeting.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(CHANGELIST, action)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(CHANGELIST, action)

    assert [parse(m)["To"] for m in mailoutbox] == [f"Anna Anwesend <{there.user.email}>"]
    assert parse(mailoutbox[0])["Subject"] == "Protokoll: Plenum gestern"
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None


def test_invitation_list_shows_organisations(coordinator_client, member):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=member)

    html = coordinator_client.get(
        f"/admin/meetings/invitation/?meeting__id__exact={meeting.pk}"
    ).content.decode()

    assert member.organisation.name in html
    assert AgendaItem.objects.count() == 0
