"""Operations on pilot projects: propose, publish, change state, apply, decide, comment.

Views, the admin, Celery tasks and the demo data call these functions; none
of them sends mail directly: members are told through
`members.services.notify` (stored, then mailed through the outbox after
commit). Rule violations raise `PilotError` with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from barriers.models import Barrier
from members.models import User
from members.services import notify

from .models import PartnerNeed, PilotApplication, PilotComment, PilotEvent, PilotProject
from .permissions import can_apply, can_manage_pilot, can_withdraw
from .taxonomy import PartnerRole

Status = PilotProject.Status

# A pilot stays listed as "seeking partners" this long, unless renewed.
LISTING_PERIOD = relativedelta(months=6)
# The proposer is asked to renew this long before the listing ends.
RENEWAL_NOTICE = timedelta(days=14)

# Barriers a pilot may address: published ones and the states after publication.
PICKABLE_BARRIER_STATUSES = (
    Barrier.Status.PUBLISHED,
    Barrier.Status.FORWARDED,
    Barrier.Status.ANSWERED,
    Barrier.Status.RESOLVED,
)

# The pipeline: which state may follow which. Publishing leaves the draft.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.IDEA, Status.SEEKING_PARTNERS),
    Status.IDEA: (Status.SEEKING_PARTNERS, Status.CONSORTIUM_FORMED, Status.DISCONTINUED),
    Status.SEEKING_PARTNERS: (Status.IDEA, Status.CONSORTIUM_FORMED, Status.DISCONTINUED),
    Status.CONSORTIUM_FORMED: (
        Status.SEEKING_PARTNERS,
        Status.FUNDING_APPLIED,
        Status.RUNNING,
        Status.DISCONTINUED,
    ),
    Status.FUNDING_APPLIED: (Status.CONSORTIUM_FORMED, Status.RUNNING, Status.DISCONTINUED),
    Status.RUNNING: (Status.COMPLETED, Status.DISCONTINUED),
    Status.COMPLETED: (),
    Status.DISCONTINUED: (Status.IDEA,),
}

NOTIFICATION_KINDS = {
    "pilot_application": _("Applications to my pilot projects"),
    "pilot_decision": _("Decisions on my applications to pilot projects"),
    "pilot_comment": _("Comments on my pilot projects"),
    "pilot_status": _("State changes of pilot projects I take part in"),
    "pilot_renewal": _("Reminders to renew my search for partners"),
}


def _system_note(text: Any, **params: Any) -> str:
    """A timeline note the portal writes, stored in the primary language (German)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params if params else str(text)


class PilotError(Exception):
    """An operation on a pilot that the rules do not allow; the message says why."""


@dataclass
class NeedData:
    """One row of the partner-needs form: a new need (pk None) or a change."""

    role: str
    stage: Any = None
    material: Any = None
    description: str = ""
    status: str = PartnerNeed.Status.OPEN
    pk: int | None = None
    delete: bool = False


# --- timeline ---------------------------------------------------------------


def record_event(
    pilot: PilotProject,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> PilotEvent:
    """Add an entry to the pilot's timeline (status change, note, meeting outcome)."""
    return PilotEvent.objects.create(
        pilot=pilot,
        actor=actor,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


# --- proposing and editing --------------------------------------------------

PILOT_FIELDS = (
    "title",
    "summary",
    "objectives",
    "strategy",
    "trl_current",
    "trl_target",
    "funding_programme",
    "funding_other",
    "budget_range",
    "duration_months",
    "planned_start",
    "contact_person",
)


def pickable_barriers():
    """Barriers a pilot may name: published and later states, newest first."""
    return Barrier.objects.filter(status__in=PICKABLE_BARRIER_STATUSES).order_by("-created_at")


@transaction.atomic
def create_pilot(
    *, proposer: User, data: dict[str, Any], needs: list[NeedData], publish: bool = False
) -> PilotProject:
    """Save a new pilot as a draft of `proposer`'s organisation, with its needs.

    With `publish`, publishes it at once (see `publish_pilot`). Raises
    PilotError for barriers that may not be named or an inconsistent TRL.
    """
    pilot = PilotProject(proposer=proposer, organisation=proposer.organisation)
    _apply_data(pilot, data)
    pilot.contact_person = data.get("contact_person") or proposer
    pilot.save()
    _set_relations(pilot, data)
    _sync_needs(pilot, needs)
    record_event(pilot, actor=proposer, kind="created", to_status=Status.DRAFT)
    if publish:
        publish_pilot(pilot, by=proposer)
    return pilot


@transaction.atomic
def update_pilot(
    pilot: PilotProject,
    *,
    by: User,
    data: dict[str, Any],
    needs: list[NeedData],
    publish: bool = False,
) -> PilotProject:
    """Change a pilot's description and partner needs (proposer or coordinator).

    With `publish`, a draft is published afterwards. Raises PilotError for
    someone else, for barriers that may not be named, and for deleting a
    need that has applications.
    """
    if not can_manage_pilot(by, pilot):
        raise PilotError(_("Only the proposer or the coordination may change this pilot."))
    _apply_data(pilot, data)
    pilot.save()
    _set_relations(pilot, data)
    _sync_needs(pilot, needs)
    if publish and pilot.status == Status.DRAFT:
        publish_pilot(pilot, by=by)
    return pilot


def _apply_data(pilot: PilotProject, data: dict[str, Any]) -> None:
    for field in PILOT_FIELDS:
        if field in data:
            value = data[field]
            setattr(pilot, field, "" if value is None and field in _TEXT_FIELDS else value)
    if pilot.funding_programme != "other":
        pilot.funding_other = ""
    current, target = pilot.trl_current, pilot.trl_target
    if current and target and target < current:
        raise PilotError(_("The targeted readiness level cannot be below the current one."))


_TEXT_FIELDS = {"summary", "objectives", "strategy", "funding_programme", "funding_other"}


def _set_relations(pilot: PilotProject, data: dict[str, Any]) -> None:
    if "materials" in data:
        pilot.materials.set(data["materials"])
    if "value_chain_stages" in data:
        pilot.value_chain_stages.set(data["value_chain_stages"])
    if "barriers" in data:
        wanted = {barrier.pk for barrier in data["barriers"]}
        already = set(pilot.barriers.values_list("pk", flat=True)) if pilot.pk else set()
        allowed = set(
            pickable_barriers().filter(pk__in=wanted - already).values_list("pk", flat=True)
        )
        if wanted - already - allowed:
            raise PilotError(_("Only published barriers can be linked to a pilot."))
        pilot.barriers.set(wanted)


def _sync_needs(pilot: PilotProject, needs: list[NeedData]) -> None:
    existing = {need.pk: need for need in pilot.needs.all()}
    for row in needs:
        need = existing.get(row.pk) if row.pk else None
        if row.pk and need is None:
            raise PilotError(_("This partner need belongs to another pilot."))
        if row.delete:
            if need is None:
                continue
            if need.applications.exists():
                raise PilotError(
                    _(
                        "The need “%(role)s” has applications and cannot be deleted. "
                        "Mark it as filled instead."
                    )
                    % {"role": need.get_role_display()}
                )
            need.delete()
            continue
        need = need or PartnerNeed(pilot=pilot)
        need.role = row.role
        need.stage = row.stage
        need.material = row.material
        need.description = row.description
        if row.status != need.status:
            need.status = row.status
            if row.status == PartnerNeed.Status.FILLED:
                need.filled_at = timezone.now()
            else:
                need.filled_by, need.filled_at = None, None
        need.save()


# --- the pipeline -----------------------------------------------------------


def allowed_transitions(pilot: PilotProject) -> tuple[str, ...]:
    return TRANSITIONS.get(pilot.status, ())


@transaction.atomic
def publish_pilot(pilot: PilotProject, *, by: User, seek_partners: bool | None = None) -> None:
    """Make a draft visible to all members.

    It starts as "seeking partners" when it has open needs (or when
    `seek_partners` says so), otherwise as "idea". Raises PilotError if it
    is published already or `by` may not change it.
    """
    if pilot.status != Status.DRAFT:
        raise PilotError(_("This pilot is published already."))
    if seek_partners is None:
        seek_partners = pilot.needs.filter(status=PartnerNeed.Status.OPEN).exists()
    target = Status.SEEKING_PARTNERS if seek_partners else Status.IDEA
    change_status(pilot, by=by, to_status=target, kind="published")


@transaction.atomic
def change_status(
    pilot: PilotProject,
    *,
    by: User | None,
    to_status: str,
    note: str = "",
    kind: str = "status",
    now: datetime | None = None,
) -> PilotEvent:
    """Move a pilot along the pipeline, store who/when/note and tell the partners.

    `by` None is the system (an expired listing). Entering "seeking
    partners" starts a listing period of six months. Discontinuing needs a
    note. Notifies proposer, contact person and accepted partners (never the
    actor). Raises PilotError for a step the pipeline does not allow.
    """
    now = now or timezone.now()
    if by is not None and not can_manage_pilot(by, pilot):
        raise PilotError(_("Only the proposer or the coordination may change this pilot."))
    if to_status not in allowed_transitions(pilot):
        raise PilotError(
            _("A pilot cannot go from “%(from)s” to “%(to)s”.")
            % {"from": pilot.get_status_display(), "to": dict(Status.choices).get(to_status, "?")}
        )
    note = note.strip()
    if to_status == Status.DISCONTINUED and not note:
        raise PilotError(_("Please say in a note why the pilot is discontinued."))
    from_status = pilot.status
    pilot.status = to_status
    if from_status == Status.DRAFT:
        pilot.published_at = now
    if to_status == Status.SEEKING_PARTNERS:
        pilot.seeking_until = now + LISTING_PERIOD
    else:
        pilot.seeking_until = None
    pilot.renewal_reminded_for = None
    pilot.save(
        update_fields=[
            "status",
            "published_at",
            "seeking_until",
            "renewal_reminded_for",
            "updated_at",
        ]
    )
    event = record_event(
        pilot, actor=by, kind=kind, note=note, from_status=from_status, to_status=to_status
    )
    if from_status != Status.DRAFT:
        _notify_participants(
            pilot,
            actor=by,
            kind="pilot_status",
            key=f"pilot:{pilot.pk}:event:{event.pk}",
            title=format_lazy(
                _("“{pilot}” is now: {status}"),
                pilot=pilot.title,
                status=Status(to_status).label,
            ),
            body=note,
        )
    return event


@transaction.atomic
def renew_listing(pilot: PilotProject, *, by: User, now: datetime | None = None) -> PilotProject:
    """Keep a pilot listed as seeking partners for another six months from now."""
    now = now or timezone.now()
    if not can_manage_pilot(by, pilot):
        raise PilotError(_("Only the proposer or the coordination may renew the search."))
    if pilot.status != Status.SEEKING_PARTNERS:
        raise PilotError(_("Only a pilot that seeks partners can be renewed."))
    pilot.seeking_until = now + LISTING_PERIOD
    pilot.renewal_reminded_for = None
    pilot.save(update_fields=["seeking_until", "renewal_reminded_for", "updated_at"])
    record_event(
        pilot,
        actor=by,
        kind="renewed",
        note=_system_note(
            _("Search for partners renewed until %(date)s."),
            date=timezone.localdate(pilot.seeking_until).strftime("%d.%m.%Y"),
        ),
    )
    return pilot


def remind_and_expire_listings(*, now: datetime | None = None) -> dict[str, int]:
    """Ask proposers to renew listings that end soon; drop ended ones to "idea".

    Runs daily (beat) and by hand (`manage.py pilot_listings`). Each pilot
    is reminded exactly once per listing period (the period's end is stored
    and the notification key names it). Returns the counts.
    """
    now = now or timezone.now()
    reminded = expired = 0
    due = PilotProject.objects.filter(
        status=Status.SEEKING_PARTNERS,
        seeking_until__gt=now,
        seeking_until__lte=now + RENEWAL_NOTICE,
    ).select_related("proposer")
    for pilot in due:
        if pilot.renewal_reminded_for == pilot.seeking_until:
            continue
        with transaction.atomic():
            locked = PilotProject.objects.select_for_update().get(pk=pilot.pk)
            if locked.renewal_reminded_for == locked.seeking_until or locked.seeking_until is None:
                continue
            locked.renewal_reminded_for = locked.seeking_until
            locked.save(update_fields=["renewal_reminded_for"])
            recipient = pilot.proposer or pilot.contact_person
            if recipient is not None:
                notify(
                    recipient,
                    kind="pilot_renewal",
                    key=f"pilot:{pilot.pk}:renewal:{locked.seeking_until:%Y%m%d%H%M%S}",
                    title=format_lazy(
                        _("Still seeking partners for “{pilot}”? Please renew by {date}."),
                        pilot=pilot.title,
                        date=timezone.localdate(locked.seeking_until).strftime("%d.%m.%Y"),
                    ),
                    body=_(
                        "Otherwise the pilot no longer appears as seeking partners and "
                        "returns to the idea state. One click on the pilot page renews "
                        "the search for six months."
                    ),
                    url=pilot.get_absolute_url(),
                )
            reminded += 1
    ended = PilotProject.objects.filter(
        status=Status.SEEKING_PARTNERS, seeking_until__lte=now
    ).select_related("proposer")
    for pilot in ended:
        with transaction.atomic():
            locked = PilotProject.objects.select_for_update().get(pk=pilot.pk)
            if locked.status != Status.SEEKING_PARTNERS or locked.seeking_until > now:
                continue
            ended_at = locked.seeking_until
            change_status(
                locked,
                by=None,
                to_status=Status.IDEA,
                kind="expired",
                note=_system_note(_("The search for partners was not renewed within six months.")),
                now=now,
            )
            if locked.proposer is not None:
                notify(
                    locked.proposer,
                    kind="pilot_renewal",
                    key=f"pilot:{locked.pk}:expired:{ended_at:%Y%m%d%H%M%S}",
                    title=format_lazy(
                        _("“{pilot}” is no longer listed as seeking partners"),
                        pilot=locked.title,
                    ),
                    body=_(
                        "The search was not renewed, so the pilot returned to the idea "
                        "state. You can start a new search for partners at any time."
                    ),
                    url=locked.get_absolute_url(),
                )
            expired += 1
    return {"reminded": reminded, "expired": expired}


# --- applications -----------------------------------------------------------


@transaction.atomic
def apply_to_pilot(
    pilot: PilotProject, *, by: User, message: str, need: PartnerNeed | None = None
) -> PilotApplication:
    """Apply on behalf of `by`'s organisation, for an open need or in general.

    Notifies the proposer. Raises PilotError when the member may not apply,
    the need is filled or belongs to another pilot, the organisation already
    has an open application for it, or a declined one the proposer has not
    reopened.
    """
    if not can_apply(by, pilot):
        if not by.organisation_id:
            raise PilotError(_("You can apply only on behalf of an organisation."))
        raise PilotError(_("Your organisation cannot apply to this pilot."))
    message = message.strip()
    if not message:
        raise PilotError(_("Please write a few words about what your organisation brings."))
    organisation = by.organisation
    if need is not None:
        if need.pilot_id != pilot.pk:
            raise PilotError(_("This partner need belongs to another pilot."))
        if not need.is_open:
            raise PilotError(_("This partner need is already filled."))
    blocking = PilotApplication.objects.filter(
        pilot=pilot,
        organisation=organisation,
        need=need,
        status__in=[PilotApplication.Status.PENDING, PilotApplication.Status.DECLINED],
    ).first()
    if blocking is not None:
        raise PilotError(_duplicate_message(blocking))
    if (
        need is None
        and PilotApplication.objects.filter(
            pilot=pilot, organisation=organisation, status=PilotApplication.Status.ACCEPTED
        ).exists()
    ):
        raise PilotError(_("Your organisation is already part of the consortium."))
    try:
        with transaction.atomic():
            application = PilotApplication.objects.create(
                pilot=pilot, need=need, organisation=organisation, applicant=by, message=message
            )
    except IntegrityError as error:
        # Two colleagues applied at the same moment: the constraint decides.
        raise PilotError(_duplicate_message(None)) from error
    for recipient in _managers(pilot, exclude=by):
        notify(
            recipient,
            kind="pilot_application",
            key=f"pilot:{pilot.pk}:application:{application.pk}:user:{recipient.pk}",
            title=format_lazy(
                _("{organisation} applies to join “{pilot}”"),
                organisation=organisation.name,
                pilot=pilot.title,
            ),
            body=_need_line(need) + message[:500],
            url=pilot.get_absolute_url() + "#applications",
        )
    return application


def _duplicate_message(blocking: PilotApplication | None) -> Any:
    if blocking is not None and blocking.status == PilotApplication.Status.DECLINED:
        return _(
            "This application of your organisation was declined. You can apply again "
            "once the proposer reopens it."
        )
    return _("Your organisation already has an open application for this partner need.")


def _need_line(need: PartnerNeed | None) -> str:
    if need is None:
        return str(_("General application")) + "\n"
    return str(format_lazy(_("For the partner need: {role}"), role=need.get_role_display())) + "\n"


@transaction.atomic
def accept_application(
    application: PilotApplication, *, by: User, note: str = ""
) -> PilotApplication:
    """Accept: the organisation joins the consortium and the need becomes filled.

    Records a timeline entry and notifies the applicant (and the proposer
    when the coordinator decided). Raises PilotError if `by` may not decide,
    the application is not pending or the need is filled already.
    """
    application = _lock_pending(application, by=by)
    need = application.need
    if need is not None:
        need = PartnerNeed.objects.select_for_update().get(pk=need.pk)
        if not need.is_open:
            raise PilotError(
                _("This partner need is already filled. Reopen it first to accept another.")
            )
    now = timezone.now()
    application.status = PilotApplication.Status.ACCEPTED
    application.decided_by, application.decided_at = by, now
    application.decision_note = note.strip()
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if need is not None:
        need.status = PartnerNeed.Status.FILLED
        need.filled_by = application.organisation
        need.filled_at = now
        need.save(update_fields=["status", "filled_by", "filled_at"])
        application.need = need
    role = PartnerRole(need.role).label if need else _("partner")
    record_event(
        application.pilot,
        actor=by,
        kind="partner_joined",
        note=_system_note(
            format_lazy(
                _("{organisation} joins the consortium as {role}."),
                organisation=application.organisation.name,
                role=role,
            )
        ),
    )
    _notify_decision(application, by=by)
    return application


@transaction.atomic
def decline_application(
    application: PilotApplication, *, by: User, note: str = ""
) -> PilotApplication:
    """Decline; the organisation may apply again for this need only after a reopen.

    Notifies the applicant. Raises PilotError if `by` may not decide or the
    application is not pending.
    """
    application = _lock_pending(application, by=by)
    application.status = PilotApplication.Status.DECLINED
    application.decided_by, application.decided_at = by, timezone.now()
    application.decision_note = note.strip()
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        application.pilot,
        actor=by,
        kind="application_declined",
        note=_system_note(
            format_lazy(
                _("Application of {organisation} declined."),
                organisation=application.organisation.name,
            )
        ),
    )
    _notify_decision(application, by=by)
    return application


@transaction.atomic
def reopen_application(application: PilotApplication, *, by: User) -> PilotApplication:
    """Allow the organisation of a declined application to apply again; tells the applicant."""
    if not can_manage_pilot(by, application.pilot):
        raise PilotError(_("Only the proposer or the coordination decides on applications."))
    application = PilotApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != PilotApplication.Status.DECLINED:
        raise PilotError(_("Only a declined application can be reopened."))
    application.status = PilotApplication.Status.REOPENED
    application.save(update_fields=["status"])
    if application.applicant and application.applicant != by:
        notify(
            application.applicant,
            kind="pilot_decision",
            key=f"pilot-application:{application.pk}:reopened",
            title=format_lazy(_("You may apply again to “{pilot}”"), pilot=application.pilot.title),
            url=application.pilot.get_absolute_url(),
        )
    return application


@transaction.atomic
def withdraw_application(application: PilotApplication, *, by: User) -> PilotApplication:
    """The applicant's organisation takes back a pending application; tells the proposer."""
    if not can_withdraw(by, application):
        raise PilotError(_("You cannot withdraw this application."))
    application = PilotApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != PilotApplication.Status.PENDING:
        raise PilotError(_("Only a pending application can be withdrawn."))
    application.status = PilotApplication.Status.WITHDRAWN
    application.save(update_fields=["status"])
    for recipient in _managers(application.pilot, exclude=by):
        notify(
            recipient,
            kind="pilot_application",
            key=f"pilot-application:{application.pk}:withdrawn:user:{recipient.pk}",
            title=format_lazy(
                _("{organisation} withdrew its application to “{pilot}”"),
                organisation=application.organisation.name,
                pilot=application.pilot.title,
            ),
            url=application.pilot.get_absolute_url() + "#applications",
        )
    return application


def _lock_pending(application: PilotApplication, *, by: User) -> PilotApplication:
    if not can_manage_pilot(by, application.pilot):
        raise PilotError(_("Only the proposer or the coordination decides on applications."))
    locked = (
        PilotApplication.objects.select_for_update(of=("self",))
        .select_related("pilot", "need", "organisation", "applicant")
        .get(pk=application.pk)
    )
    if locked.status != PilotApplication.Status.PENDING:
        raise PilotError(_("This application has been decided already."))
    return locked


def _notify_decision(application: PilotApplication, *, by: User) -> None:
    pilot = application.pilot
    accepted = application.status == PilotApplication.Status.ACCEPTED
    if accepted:
        title = format_lazy(
            _("Welcome aboard: your application to “{pilot}” was accepted"), pilot=pilot.title
        )
    else:
        title = format_lazy(_("Your application to “{pilot}” was declined"), pilot=pilot.title)
    body = application.decision_note
    if application.applicant and application.applicant != by:
        notify(
            application.applicant,
            kind="pilot_decision",
            key=f"pilot-application:{application.pk}:{application.status}",
            title=title,
            body=body,
            url=pilot.get_absolute_url(),
        )
    # The proposer learns of a decision the coordination took for them.
    if pilot.proposer and pilot.proposer != by:
        notify(
            pilot.proposer,
            kind="pilot_application",
            key=f"pilot-application:{application.pk}:{application.status}:proposer",
            title=format_lazy(
                _("The coordination decided on the application of {organisation}: {status}"),
                organisation=application.organisation.name,
                status=application.get_status_display(),
            ),
            body=body,
            url=pilot.get_absolute_url() + "#applications",
        )


# --- comments ---------------------------------------------------------------


@transaction.atomic
def add_comment(pilot: PilotProject, *, by: User, body: str) -> PilotComment:
    """Comment on a published pilot; tells the proposer (unless it is their own comment)."""
    if not pilot.is_published:
        raise PilotError(_("Comments open once the pilot is published."))
    comment = PilotComment.objects.create(pilot=pilot, author=by, body=body)
    if pilot.proposer and pilot.proposer != by:
        notify(
            pilot.proposer,
            kind="pilot_comment",
            key=f"pilot-comment:{comment.pk}",
            title=format_lazy(
                _("{name} commented on “{pilot}”"), name=by.get_full_name(), pilot=pilot.title
            ),
            body=body[:500],
            url=pilot.get_absolute_url() + f"#comment-{comment.pk}",
        )
    return comment


# --- whom to tell -----------------------------------------------------------


def _managers(pilot: PilotProject, *, exclude: User | None) -> list[User]:
    """The proposer and the contact person (once each), without `exclude`."""
    people = []
    for person in (pilot.proposer, pilot.contact_person):
        if person is not None and person != exclude and person not in people:
            people.append(person)
    return people


def _notify_participants(
    pilot: PilotProject, *, actor: User | None, kind: str, key: str, title: Any, body: str
) -> None:
    recipients = _managers(pilot, exclude=actor)
    partners = User.objects.filter(
        pk__in=PilotApplication.objects.filter(
            pilot=pilot, status=PilotApplication.Status.ACCEPTED
        ).values("applicant_id")
    )
    for partner in partners:
        if partner != actor and partner not in recipients:
            recipients.append(partner)
    for recipient in recipients:
        notify(
            recipient,
            kind=kind,
            key=f"{key}:user:{recipient.pk}",
            title=title,
            body=body,
            url=pilot.get_absolute_url(),
        )
