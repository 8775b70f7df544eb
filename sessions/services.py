"""Operations on meetings: invite, answer, revise, cancel, remind, minutes, attendance.

Every caller (admin actions, views, tasks, management commands, demo data)
goes through these functions. Mail goes through the outbox with one key per
logical message, so running an operation twice sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barriers import services as barrier_services
from members import services as member_services
from members.models import User
from pilots import services as pilot_services
from thementisch import mail
from thementisch.models import OutgoingEmail
from thementisch.queue import enqueue

from . import calendar, tokens
from .models import AgendaItem, Invitation, Meeting

logger = logging.getLogger(__name__)

CHUNK = 500
# Changes that make calendars show the meeting differently: they raise SEQUENCE.
SIGNIFICANT_FIELDS = ("title", "starts_at", "ends_at", "venue", "online_url")
WAITLIST_KIND = "meeting_waitlist"

Response = Invitation.Response


class MeetingError(Exception):
    """An operation on a meeting that cannot be done now; the message says why."""


# --- audience ---------------------------------------------------------------


def parse_guest_emails(text: str) -> list[tuple[str, str]]:
    """(name, email) per non-empty line of `text`; raises ValidationError naming the line."""
    guests: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip().rstrip(",;")
        if not line:
            continue
        name, address = parseaddr(line)
        address = address.strip().lower()
        try:
            validate_email(address)
        except ValidationError as error:
            raise ValidationError(
                _("Line %(number)d is not a valid email address: “%(line)s”.")
                % {"number": number, "line": line}
            ) from error
        if address not in seen:
            seen.add(address)
            guests.append((name.strip(), address))
    return guests


def audience(meeting: Meeting) -> QuerySet[User]:
    """The approved members the meeting's audience settings select (without guests)."""
    approved = User.objects.filter(is_active=True, status=User.Status.APPROVED)
    if meeting.audience_all_members:
        return approved
    condition = Q(pk__in=meeting.audience_members.values("pk"))
    if meeting.audience_organisation_kinds:
        condition |= Q(organisation__kind__in=meeting.audience_organisation_kinds)
    stages = meeting.audience_stages.values("pk")
    condition |= Q(pk__in=User.objects.filter(organisation__value_chain_stages__in=stages))
    condition |= Q(pk__in=User.objects.filter(value_chain_stages__in=stages))
    return approved.filter(condition)


@transaction.atomic
def create_invitations(meeting: Meeting) -> int:
    """Add an invitation for everyone in the audience who has none. Returns how many.

    A guest address that belongs to an approved member invites the member.
    """
    now = timezone.now()
    invited_users = Invitation.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    new_user_ids = set(audience(meeting).exclude(pk__in=invited_users).values_list("pk", flat=True))
    guests = parse_guest_emails(meeting.guest_emails)
    members_by_email = {
        user.email.lower(): user.pk
        for user in User.objects.filter(
            email__in=[address for _name, address in guests],
            is_active=True,
            status=User.Status.APPROVED,
        )
    }
    already = set(Invitation.objects.filter(meeting=meeting).values_list("user_id", flat=True)) | {
        None
    }
    new_guests = []
    for name, address in guests:
        user_id = members_by_email.get(address)
        if user_id is not None:
            if user_id not in already:
                new_user_ids.add(user_id)
        else:
            new_guests.append(Invitation(meeting=meeting, email=address, name=name, created_at=now))
    rows = [Invitation(meeting=meeting, user_id=pk, created_at=now) for pk in sorted(new_user_ids)]
    rows += new_guests
    before = Invitation.objects.filter(meeting=meeting).count()
    Invitation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Invitation.objects.filter(meeting=meeting).count() - before


def request_invitations(meeting: Meeting) -> None:
    """Send the invitations in a worker once the current transaction commits.

    Falls back to sending in this process when the broker cannot be reached.
    """
    from .tasks import send_invitations_task

    def run() -> None:
        if not enqueue(send_invitations_task, meeting.pk):
            send_invitations(Meeting.objects.get(pk=meeting.pk))

    transaction.on_commit(run)


def send_invitations(meeting: Meeting) -> int:
    """Invite everyone in the audience not yet invited, by email with the calendar entry.

    Creates the missing invitations, then queues one invitation mail per new
    invitee (key `invite:meeting:<id>:<invitee>:seq:<n>`) in chunks, each in
    its own transaction and, with a broker, in its own task, so sending to
    thousands is shared by the workers and shows its progress at once.
    Raises MeetingError for drafts, cancelled or past meetings. Returns the
    number of invitees whose invitation is queued.
    """
    if meeting.status != Meeting.Status.PUBLISHED:
        raise MeetingError(_("Only a published meeting can be sent out. Publish it first."))
    if meeting.is_past:
        raise MeetingError(_("This meeting is over; invitations can no longer be sent."))
    create_invitations(meeting)
    ids = list(
        Invitation.objects.filter(meeting=meeting, sequence_sent__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _dispatch(meeting, ids, kind="invite")


def _dispatch(meeting: Meeting, ids: Sequence[int], *, kind: str) -> int:
    """After commit, mail `ids` in chunks: one task each, or here if the broker is down."""
    from .tasks import mail_chunk_task

    chunks = [list(ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK)]
    meeting_id = meeting.pk

    def run() -> None:
        for chunk in chunks:
            if not enqueue(mail_chunk_task, meeting_id, chunk, kind):
                mail_chunk(Meeting.objects.get(pk=meeting_id), chunk, kind=kind)

    if chunks:
        transaction.on_commit(run)
    return len(ids)


def mail_chunk(meeting: Meeting, ids: Sequence[int], *, kind: str) -> int:
    """Queue one REQUEST (invite/update) or CANCEL mail per invitation in `ids`.

    Idempotent: invitations already mailed at this revision are skipped (and
    the outbox keys would refuse a second mail anyway).
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        invitations = Invitation.objects.filter(pk__in=ids).select_related("user")
        if kind == "invite":
            invitations = invitations.filter(sequence_sent__isnull=True)
        else:
            invitations = invitations.filter(sequence_sent__lt=locked.sequence)
        invitations = list(invitations)
        mails = MeetingMails(locked, agenda=list(locked.agenda_items.all()))
        rows = [mails.revision(invitation, kind=kind) for invitation in invitations]
        mail.queue_emails(rows)
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
            sequence_sent=locked.sequence
        )
        if kind == "invite":
            Invitation.objects.filter(
                pk__in=[i.pk for i in invitations], invited_at__isnull=True
            ).update(invited_at=timezone.now())
    return len(rows)


# --- mails ------------------------------------------------------------------

TEMPLATES = {
    "invite": ("meeting_invitation", "REQUEST", "invite"),
    "update": ("meeting_update", "REQUEST", "invite"),
    "cancel": ("meeting_cancelled", "CANCEL", "cancel"),
}


def _language(invitation: Invitation) -> str:
    if invitation.user_id and invitation.user.language:
        return invitation.user.language
    return settings.LANGUAGE_CODE


class MeetingMails:
    """The mails of one meeting to many invitees, built from parts made once.

    The text is rendered once per language and kind of invitee, with each
    invitee's name and answer links filled in (`mail.Frames`), and the
    calendar around each invitee's ATTENDEE line is serialised once
    (`calendar.InvitationCalendar`): the same mails as built one by one,
    in a fraction of the time.
    """

    def __init__(self, meeting: Meeting, *, agenda: list[AgendaItem]):
        self.meeting = meeting
        self.agenda = agenda
        self.meeting_url = mail.absolute_url(meeting.get_absolute_url())
        self.frames = mail.Frames()
        self.calendars: dict[str, calendar.InvitationCalendar] = {}

    def revision(self, invitation: Invitation, *, kind: str) -> OutgoingEmail:
        """The invitation, update or cancellation of one invitee, with the iCalendar parts."""
        meeting = self.meeting
        template, method, key_prefix = TEMPLATES[kind]
        if method not in self.calendars:
            self.calendars[method] = calendar.InvitationCalendar(
                meeting, method=method, agenda=self.agenda
            )
        ics = self.calendars[method].ics(invitation)
        return self.email(
            invitation,
            key=f"{key_prefix}:meeting:{meeting.pk}:{invitation.recipient_key}:seq:{meeting.sequence}",
            template=template,
            answer_links=method == "REQUEST",
            # One part, stored once: the calendar view of the message and the
            # invite.ics attachment (build_message puts it in both places).
            parts=[
                {
                    "mimetype": "text/calendar",
                    "method": method,
                    "content": ics,
                    "alternative": True,
                    "filename": "invite.ics",
                }
            ],
        )

    def email(
        self,
        invitation: Invitation,
        *,
        key: str,
        template: str,
        answer_links: bool = False,
        parts: list[dict[str, Any]] | None = None,
    ) -> OutgoingEmail:
        """An outbox row (not saved) of `templates/emails/<template>/` to the invitee.

        With `answer_links`, the context has the invitee's one-click answer URLs.
        """
        values = {"name": invitation.user.first_name if invitation.user_id else invitation.name}
        if answer_links:
            for answer, url in tokens.answer_urls(invitation).items():
                values[f"answer:{answer}"] = url

        def context(values: dict[str, str]) -> dict[str, Any]:
            result = {
                "meeting": self.meeting,
                "invitation": invitation,
                "agenda": self.agenda,
                "name": values["name"],
                "is_guest": invitation.is_guest,
                "meeting_url": self.meeting_url,
            }
            if answer_links:
                result["answer_urls"] = {a: values[f"answer:{a}"] for a in tokens.ANSWERS}
            return result

        language = _language(invitation)
        rendered = self.frames.render(
            template,
            language,
            # What the templates show of the invitee besides the values.
            shape=(invitation.is_guest, invitation.response),
            values=values,
            context=context,
        )
        return mail.build_email(
            key=key,
            to=invitation.address,
            to_name=invitation.display_name,
            recipient=invitation.user,
            language=language,
            template=template,
            topic=self.meeting.topic,
            parts=parts,
            rendered=rendered,
        )


# --- revisions, updates, cancellation ----------------------------------------


def revise_meeting(meeting: Meeting, *, changed: Iterable[str]) -> bool:
    """Raise SEQUENCE after a significant change (time, place, title) of a sent meeting.

    Called after the coordinator saved the meeting. Returns True if the
    invitees' calendars need an update (then "send update" tells them).
    """
    if not set(changed) & set(SIGNIFICANT_FIELDS):
        return False
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.invitations.filter(sequence_sent=locked.sequence).exists():
            return locked.invitations.filter(sequence_sent__lt=locked.sequence).exists()
        locked.sequence += 1
        locked.save(update_fields=["sequence"])
    meeting.sequence = locked.sequence
    return True


def send_update(meeting: Meeting) -> int:
    """Send everyone invited the meeting as it is now (same UID, higher SEQUENCE).

    Raises SEQUENCE if the current revision was already sent. Returns the
    number of update mails queued. Raises MeetingError unless published.
    """
    if meeting.status != Meeting.Status.PUBLISHED:
        raise MeetingError(_("Only a published meeting can be updated."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        invited = locked.invitations.filter(sequence_sent__isnull=False)
        if not invited.exists():
            raise MeetingError(_("Nobody has been invited yet."))
        if not invited.filter(sequence_sent__lt=locked.sequence).exists():  # all up to date
            locked.sequence += 1
            locked.save(update_fields=["sequence"])
        ids = list(
            invited.filter(sequence_sent__lt=locked.sequence)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    meeting.sequence = locked.sequence
    return _dispatch(locked, ids, kind="update")


def cancel_meeting(meeting: Meeting, *, by: User | None = None) -> int:
    """Cancel the meeting and send everyone invited a cancellation (METHOD:CANCEL).

    Idempotent: a second call sends nothing new. Returns the mails queued.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != Meeting.Status.CANCELLED:
            locked.status = Meeting.Status.CANCELLED
            locked.sequence += 1
            locked.save(update_fields=["status", "sequence", "updated_at"])
        ids = list(
            locked.invitations.filter(sequence_sent__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    meeting.status, meeting.sequence = locked.status, locked.sequence
    logger.info("meetings: meeting %s cancelled by %s", meeting.pk, getattr(by, "pk", None))
    return _dispatch(locked, ids, kind="cancel")


# --- answers and the waiting list ---------------------------------------------


def answer(invitation: Invitation, response: str, *, now: datetime | None = None) -> Invitation:
    """Record the invitee's answer (yes, no, maybe).

    A yes beyond the capacity goes onto the waiting list; when a confirmed
    place is given up, the first on the waiting list moves up and is told.
    The meeting row is locked, so simultaneous answers never overbook.
    Raises MeetingError when answers are closed (deadline, cancelled, over).
    """
    if response not in tokens.ANSWERS:
        raise MeetingError(_("Unknown answer."))
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open(meeting, now)
        previous = current.response
        if response == Response.YES:
            if previous not in (Response.YES, Response.WAITLISTED):
                if meeting.capacity is not None and _confirmed(meeting) >= meeting.capacity:
                    current.response = Response.WAITLISTED
                    current.waitlisted_at = now
                else:
                    current.response = Response.YES
        else:
            current.response = response
            current.waitlisted_at = None
        current.responded_at = now
        current.save(update_fields=["response", "responded_at", "waitlisted_at"])
        if previous == Response.YES and current.response != Response.YES:
            fill_from_waitlist(meeting)
    invitation.response = current.response
    invitation.responded_at = current.responded_at
    invitation.waitlisted_at = current.waitlisted_at
    return invitation


def _check_open(meeting: Meeting, now: datetime) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingError(_("This meeting has been cancelled."))
    if meeting.status != Meeting.Status.PUBLISHED:
        raise MeetingError(_("This meeting is not open for answers."))
    if meeting.ends_at <= now:
        raise MeetingError(_("This meeting is over."))
    if now >= meeting.answer_until:
        raise MeetingError(_("The deadline for answers has passed."))


def _confirmed(meeting: Meeting) -> int:
    return Invitation.objects.filter(meeting=meeting, response=Response.YES).count()


def fill_from_waitlist(meeting: Meeting) -> list[Invitation]:
    """Move people up from the waiting list while places are free; tell each of them.

    Call inside a transaction that holds the meeting row lock (`answer`
    does; the admin calls it after raising the capacity).
    """
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - _confirmed(meeting)
        if free <= 0:
            return []
    waiting = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, response=Response.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )
    promoted = list(waiting if free is None else waiting[:free])
    for invitation in promoted:
        invitation.response = Response.YES
        invitation.waitlisted_at = None
        invitation.save(update_fields=["response", "waitlisted_at"])
        _tell_promoted(meeting, invitation)
    return promoted


def _tell_promoted(meeting: Meeting, invitation: Invitation) -> None:
    key = (
        f"waitlist:meeting:{meeting.pk}:{invitation.recipient_key}:{timezone.now():%Y%m%d%H%M%S%f}"
    )
    if invitation.user_id:
        member_services.notify(
            invitation.user,
            kind=WAITLIST_KIND,
            title=format_lazy(
                gettext_lazy("A place has become free for you: “{title}”"), title=meeting.title
            ),
            body=format_lazy(
                gettext_lazy(
                    "You were on the waiting list for “{title}” on {date}. "
                    "Someone cancelled, and your place is now confirmed."
                ),
                title=meeting.title,
                date=timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
            ),
            url=meeting.get_absolute_url(),
            key=key,
        )
    else:
        mails = MeetingMails(meeting, agenda=[])
        mail.queue_emails([mails.email(invitation, key=key, template="meeting_waitlist_promoted")])


def set_capacity(meeting: Meeting, capacity: int | None) -> list[Invitation]:
    """Change the capacity; a larger one moves people up from the waiting list."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.capacity = capacity
        locked.save(update_fields=["capacity"])
        promoted = fill_from_waitlist(locked)
    meeting.capacity = capacity
    return promoted


# --- reminders ----------------------------------------------------------------


def send_answer_reminders(*, now: datetime | None = None) -> int:
    """Remind invitees who have not answered, `reminder_days` before the deadline, once.

    Run by celery beat (and `manage.py send_meeting_reminders`). Each
    invitee gets at most one such reminder per meeting (outbox key
    `rsvp-reminder:meeting:<id>:<invitee>` and a mark on the invitation),
    even when the beat runs twice. Returns the number of mails queued.
    """
    now = now or timezone.now()
    queued = 0
    due = Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED,
        rsvp_deadline__gt=now,
        starts_at__gt=now,
        reminder_days__gt=0,
    )
    for meeting in due:
        if meeting.rsvp_deadline - timedelta(days=meeting.reminder_days) > now:
            continue
        queued += _remind(
            meeting,
            filter=Q(response=Response.PENDING, rsvp_reminder_sent_at__isnull=True),
            mark="rsvp_reminder_sent_at",
            key="rsvp-reminder",
            template="meeting_rsvp_reminder",
            now=now,
        )
    return queued


def send_meeting_reminders(*, now: datetime | None = None) -> int:
    """Remind those who said yes or maybe, 24 hours before the start, once.

    Run by celery beat. Outbox key `reminder-24h:meeting:<id>:<invitee>`.
    Returns the number of mails queued.
    """
    now = now or timezone.now()
    queued = 0
    due = Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + timedelta(hours=24)
    )
    for meeting in due:
        queued += _remind(
            meeting,
            filter=Q(response__in=[Response.YES, Response.MAYBE], reminder_sent_at__isnull=True),
            mark="reminder_sent_at",
            key="reminder-24h",
            template="meeting_reminder",
            now=now,
        )
    return queued


def _remind(meeting: Meeting, *, filter: Q, mark: str, key: str, template: str, now) -> int:
    with transaction.atomic():
        # The lock makes a second beat run wait and then find everyone marked.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        invitations = list(
            locked.invitations.filter(filter, sequence_sent__isnull=False).select_related("user")
        )
        if not invitations:
            return 0
        mails = MeetingMails(locked, agenda=list(locked.agenda_items.all()))
        rows = [
            mails.email(
                invitation,
                key=f"{key}:meeting:{locked.pk}:{invitation.recipient_key}",
                template=template,
                answer_links=template == "meeting_rsvp_reminder",
            )
            for invitation in invitations
        ]
        mail.queue_emails(rows)
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(**{mark: now})
    return len(rows)


# --- after the meeting ----------------------------------------------------------


def record_outcome(item: AgendaItem, *, outcome: str, by: User | None) -> AgendaItem:
    """Save the decision or outcome of an agenda item.

    If the item names a barrier or a pilot, the outcome is written into that
    item's timeline (kind `meeting_outcome`).
    """
    outcome = outcome.strip()
    with transaction.atomic():
        item.outcome = outcome
        item.outcome_recorded_at = timezone.now() if outcome else None
        item.save(update_fields=["outcome", "outcome_recorded_at"])
        if not outcome:
            return item
        meeting = item.meeting
        day = timezone.localtime(meeting.starts_at)
        note = f"{meeting.title} ({day:%d.%m.%Y}), {item.title}: {outcome}"
        if item.barrier_id:
            barrier_services.record_event(item.barrier, actor=by, kind="meeting_outcome", note=note)
        if item.pilot_id:
            pilot_services.record_event(item.pilot, actor=by, kind="meeting_outcome", note=note)
    return item


def participants(meeting: Meeting) -> QuerySet[Invitation]:
    """Who took part: marked as attended, or said yes where attendance was not taken."""
    return meeting.invitations.filter(
        Q(attended=True) | Q(attended__isnull=True, response=Response.YES)
    ).select_related("user", "user__organisation")


def publish_minutes(meeting: Meeting, *, by: User | None = None) -> int:
    """Email the minutes to the participants (once per person) and mark them published.

    Raises MeetingError if there are no minutes yet. Returns the mails queued.
    """
    if not meeting.minutes.strip():
        raise MeetingError(_("Write the minutes first."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.minutes_published_at is None:
            locked.minutes_published_at = timezone.now()
            locked.save(update_fields=["minutes_published_at"])
        mails = MeetingMails(locked, agenda=list(locked.agenda_items.all()))
        rows = [
            mails.email(
                invitation,
                key=f"minutes:meeting:{locked.pk}:{invitation.recipient_key}",
                template="meeting_minutes",
            )
            for invitation in participants(locked)
        ]
        mail.queue_emails(rows)
    meeting.minutes_published_at = locked.minutes_published_at
    return len(rows)


def mark_attendance(meeting: Meeting, *, attended_ids: Iterable[int]) -> int:
    """Record who attended: the given invitations did, every other one did not."""
    if meeting.starts_at > timezone.now():
        raise MeetingError(_("Attendance can be recorded once the meeting has started."))
    attended = set(attended_ids)
    with transaction.atomic():
        invitations = meeting.invitations.all()
        invitations.filter(pk__in=attended).update(attended=True)
        invitations.exclude(pk__in=attended).update(attended=False)
    return len(attended)


def invitation_for(meeting: Meeting, user: Any) -> Invitation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Invitation.objects.filter(meeting=meeting, user=user).first()


def admin_url(meeting: Meeting) -> str:
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])
