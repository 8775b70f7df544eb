"""Operations on barriers: log, edit, move through the workflow, merge, answer,
endorse, comment, attach evidence.

Views, admin actions, the demo seeder and tasks call these. Every status
change writes a `BarrierEvent`; people concerned are told through
`members.services.notify` (stored, mailed through the outbox), never about
their own action. Messages to others never name the submitter of an
anonymous barrier.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.services import coordinators, notify
from thementisch.comments import edit_comment, remove_comment
from thementisch.markdown import markdown_to_text

from . import permissions
from .choices import GovernanceLevel
from .models import (
    Barrier,
    BarrierComment,
    BarrierEvent,
    Endorsement,
    EvidenceFile,
    OfficialResponse,
)

S = Barrier.Status

# Notification kinds (registered in apps.py so members can choose instant/digest/off).
KIND_STATUS = "barrier_status"
KIND_COMMENT = "barrier_comment"
KIND_RESPONSE = "barrier_response"
KIND_SUBMITTED = "barrier_submitted"
KIND_FORWARDED = "barrier_forwarded"
KIND_OVERDUE = "barrier_overdue"
NOTIFICATION_KINDS = {
    KIND_STATUS: _("Barriers: status changes of your barriers and of those you endorsed"),
    KIND_COMMENT: _("Barriers: new comments on your barriers"),
    KIND_RESPONSE: _("Barriers: official responses of a ministry"),
    KIND_SUBMITTED: _("Barriers: new barriers to review (coordination)"),
    KIND_FORWARDED: _("Barriers: barriers forwarded to your ministry"),
    KIND_OVERDUE: _("Barriers: answers past their date (coordination)"),
}

# Fields of the barrier form that services copy onto the model.
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "subcategory",
    "need_type",
    "level",
    "root_cause",
    "policy_item",
    "regulation_text",
    "severity",
    "impact",
    "proposed_solution",
    "on_behalf",
    "on_behalf_names",
    "is_anonymous",
)


class BarrierError(Exception):
    """An operation on a barrier that is not allowed; the message says why."""


def record_event(
    barrier: Barrier,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> BarrierEvent:
    """Add an entry to the barrier's timeline (status change, note, meeting outcome)."""
    return BarrierEvent.objects.create(
        barrier=barrier,
        actor=actor,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


def _lock(barrier: Barrier | int) -> Barrier:
    """A fresh, unmasked copy of the barrier, locked for this transaction."""
    pk = barrier if isinstance(barrier, int) else barrier.pk
    return Barrier.objects.select_for_update().get(pk=pk)


def recount(barrier: Barrier | int) -> None:
    """Recompute the denormalised counters from the rows (endorsements, comments)."""
    pk = barrier if isinstance(barrier, int) else barrier.pk
    endorsements = Endorsement.objects.filter(barrier_id=pk).aggregate(
        members=Count("pk"), organisations=Count("organisation", distinct=True)
    )
    comments = BarrierComment.objects.filter(barrier_id=pk, removed_at__isnull=True).count()
    Barrier.objects.filter(pk=pk).update(
        endorsement_count=endorsements["members"],
        endorsing_organisation_count=endorsements["organisations"],
        comment_count=comments,
    )


def _endorsers(barrier: Barrier) -> list[User]:
    return list(
        User.objects.filter(barrier_endorsements__barrier=barrier, is_active=True).distinct()
    )


def _tell(
    people: Iterable[User | None], *, actor: User | None, kind: str, key: str, **message: Any
) -> int:
    """Notify each person once, never the one who acted. Returns how many."""
    told: set[int] = set()
    for person in people:
        if person is None or person.pk in told or (actor is not None and person.pk == actor.pk):
            continue
        told.add(person.pk)
        notify(person, kind=kind, key=f"{key}:user:{person.pk}", **message)
    return len(told)


# --- logging and editing ----------------------------------------------------


@transaction.atomic
def create_barrier(*, author: User, data: dict[str, Any], files: Iterable = ()) -> Barrier:
    """Log a new barrier (status submitted) with its taxonomy and evidence files.

    Writes the first timeline entry and tells the coordinators (notification).
    Raises BarrierError when `author` may not log barriers.
    """
    if not permissions.can_create(author):
        raise BarrierError(_("Only approved members can log barriers."))
    barrier = Barrier(author=author, organisation=author.organisation)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(barrier, field, data[field])
    barrier.save()
    barrier.materials.set(data.get("materials") or [])
    barrier.value_chain_stages.set(data.get("value_chain_stages") or [])
    _store_files(barrier, files, by=author)
    event = record_event(barrier, actor=author, kind="submitted", to_status=S.SUBMITTED)
    _tell(
        coordinators(),
        actor=author,
        kind=KIND_SUBMITTED,
        key=f"barrier:{barrier.pk}:event:{event.pk}",
        title=format_lazy(_("New barrier to review: “{title}”"), title=barrier.title),
        url=barrier.get_absolute_url(),
    )
    return barrier


@transaction.atomic
def update_barrier(
    barrier: Barrier, *, by: User, data: dict[str, Any], files: Iterable = ()
) -> Barrier:
    """Change a barrier's content (submitter while submitted, coordinator always).

    Adds an "edited" timeline entry. Raises BarrierError without the right.
    """
    barrier = _lock(barrier)
    if not permissions.can_edit(by, barrier):
        raise BarrierError(_("This barrier can no longer be changed by you."))
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(barrier, field, data[field])
    barrier.save()
    if "materials" in data:
        barrier.materials.set(data["materials"])
    if "value_chain_stages" in data:
        barrier.value_chain_stages.set(data["value_chain_stages"])
    _sync_hidden_comment_authors(barrier)
    _store_files(barrier, files, by=by)
    record_event(barrier, actor=by, kind="edited")
    return barrier


def _sync_hidden_comment_authors(barrier: Barrier) -> None:
    """The submitter's comments on an anonymous barrier hide their author."""
    comments = BarrierComment.objects.filter(barrier=barrier)
    if barrier.is_anonymous and barrier.author_id:
        comments.filter(author_id=barrier.author_id).update(hide_author=True)
    elif barrier.author_id:
        comments.filter(author_id=barrier.author_id).update(hide_author=False)


def _store_files(barrier: Barrier, files: Iterable, *, by: User | None) -> list[EvidenceFile]:
    stored = []
    for upload in files or ():
        evidence = EvidenceFile(
            barrier=barrier,
            original_name=upload.name[:200],
            size=upload.size or 0,
            uploaded_by=by,
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored


@transaction.atomic
def add_evidence(barrier: Barrier, *, by: User, files: Iterable) -> list[EvidenceFile]:
    """Attach evidence files (validated by the form). Raises BarrierError without the right."""
    barrier = _lock(barrier)
    if not permissions.can_add_evidence(by, barrier):
        raise BarrierError(_("You cannot add files to this barrier."))
    stored = _store_files(barrier, files, by=by)
    return stored


@transaction.atomic
def remove_evidence(evidence: EvidenceFile, *, by: User) -> None:
    """Delete an evidence file and its stored content."""
    barrier = _lock(evidence.barrier_id)
    if not permissions.can_add_evidence(by, barrier):
        raise BarrierError(_("You cannot remove files of this barrier."))
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- workflow ------------------------------------------------------------------


@transaction.atomic
def change_status(
    barrier: Barrier,
    *,
    by: User,
    to_status: str,
    note: str = "",
    reason: str = "",
    level: str = "",
    ministry: Any = None,
    answer_by: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Barrier:
    """Move a barrier along the workflow (coordinator).

    Rejection needs a reason; forwarding a level and an answer-by date (a
    ministry organisation optionally). Writes a timeline entry, notifies the
    submitter and the endorsers, and, when forwarded, the ministry members
    responsible. Raises BarrierError for a transition that is not allowed.
    """
    now = now or timezone.now()
    barrier = _lock(barrier)
    old = barrier.status
    if to_status not in permissions.allowed_transitions(by, barrier):
        raise BarrierError(
            format_lazy(
                _("A barrier cannot go from “{old}” to “{new}”."),
                old=S(old).label,
                new=S(to_status).label if to_status in S.values else to_status,
            )
        )
    note = note.strip()
    if to_status == S.REJECTED:
        reason = reason.strip()
        if not reason:
            raise BarrierError(_("Please give a reason for the rejection."))
        barrier.rejection_reason = reason
        note = reason if not note else f"{note}\n\n{reason}"
    if to_status == S.FORWARDED:
        if level not in GovernanceLevel.values:
            raise BarrierError(_("Please choose the level the barrier is forwarded to."))
        if answer_by is None or answer_by <= timezone.localdate(now):
            raise BarrierError(_("Please give an answer-by date in the future."))
        barrier.forwarded_level = level
        barrier.forwarded_to = ministry
        barrier.forwarded_at = now
        barrier.answer_by = answer_by
        barrier.overdue_notified_at = None
        addressed = str(GovernanceLevel(level).label)
        if ministry is not None:
            addressed = f"{addressed} – {ministry}"
        detail = f"{addressed}; {_('answer requested by')} {answer_by:%d.%m.%Y}"
        note = f"{detail}\n\n{note}" if note else detail
    if to_status == S.ANSWERED and barrier.answered_at is None:
        barrier.answered_at = now
    barrier.status = to_status
    barrier.status_changed_at = now
    barrier.save()
    event = record_event(
        barrier, actor=by, kind="status", from_status=old, to_status=to_status, note=note
    )
    _announce_status(barrier, event=event, by=by)
    if to_status == S.FORWARDED:
        _tell(
            ministry_members_for(barrier),
            actor=by,
            kind=KIND_FORWARDED,
            key=f"barrier:{barrier.pk}:event:{event.pk}:forwarded",
            title=format_lazy(
                _("A barrier was forwarded to you: “{title}”, answer requested by {date}"),
                title=barrier.title,
                date=answer_by.strftime("%d.%m.%Y"),
            ),
            url=barrier.get_absolute_url(),
        )
    return barrier


def _announce_status(barrier: Barrier, *, event: BarrierEvent, by: User | None) -> None:
    people = [barrier.author, *_endorsers(barrier)]
    _tell(
        people,
        actor=by,
        kind=KIND_STATUS,
        key=f"barrier:{barrier.pk}:event:{event.pk}",
        title=format_lazy(
            _("Barrier “{title}”: now {status}"),
            title=barrier.title,
            status=S(barrier.status).label,
        ),
        body=event.note,
        url=barrier.get_absolute_url(),
    )


def ministry_members_for(barrier: Barrier):
    """Approved ministry members of the addressed ministry or of a ministry
    responsible for the addressed level."""
    query = Q(organisation__barrier_responsibilities__level=barrier.forwarded_level)
    if barrier.forwarded_to_id:
        query |= Q(organisation_id=barrier.forwarded_to_id)
    return User.objects.filter(
        query, role=User.Role.MINISTRY, status=User.Status.APPROVED, is_active=True
    ).distinct()


def bulk_change_status(
    barriers: Iterable[Barrier], *, by: User, to_status: str, note: str = ""
) -> tuple[int, int]:
    """`change_status` for several barriers (admin). Returns (changed, skipped)."""
    changed = skipped = 0
    for barrier in barriers:
        try:
            change_status(barrier, by=by, to_status=to_status, note=note)
        except BarrierError:
            skipped += 1
        else:
            changed += 1
    return changed, skipped


@transaction.atomic
def respond_to_barrier(barrier: Barrier, *, by: User, body: str) -> OfficialResponse:
    """A ministry's official response; moves a forwarded barrier to answered.

    Notifies the submitter and the endorsers. Raises BarrierError when `by`
    may not answer this barrier.
    """
    barrier = _lock(barrier)
    if not permissions.can_respond(by, barrier):
        raise BarrierError(_("Only the ministry the barrier was forwarded to can answer it."))
    body = body.strip()
    if not body:
        raise BarrierError(_("Please write the response."))
    response = OfficialResponse.objects.create(
        barrier=barrier, author=by, organisation=by.organisation, body=body
    )
    old = barrier.status
    if old == S.FORWARDED:
        barrier.status = S.ANSWERED
        barrier.status_changed_at = response.created_at
        barrier.answered_at = response.created_at
        barrier.save()
    event = record_event(
        barrier,
        actor=by,
        kind="response",
        from_status=old if old != barrier.status else "",
        to_status=barrier.status if old != barrier.status else "",
        note=str(by.organisation or ""),
    )
    _tell(
        [barrier.author, *_endorsers(barrier)],
        actor=by,
        kind=KIND_RESPONSE,
        key=f"barrier:{barrier.pk}:event:{event.pk}",
        title=format_lazy(_("Official response to the barrier “{title}”"), title=barrier.title),
        body=markdown_to_text(body)[:600],
        url=barrier.get_absolute_url() + "#responses",
    )
    return response


@transaction.atomic
def merge_barriers(source: Barrier, *, into: Barrier, by: User, note: str = "") -> Barrier:
    """Merge `source` into `into` (coordinator).

    Endorsements move without duplicates (a member who endorsed both keeps
    one; the target's submitter does not endorse their own), comments and
    evidence files move (a file with the same name and size as one of the
    target stays behind), barriers merged earlier into `source` now point to
    `into`. `source` becomes merged and redirects to `into`. Both submitters
    and the moved endorsers are told. Raises BarrierError when not allowed.
    """
    if source.pk == into.pk:
        raise BarrierError(_("A barrier cannot be merged into itself."))
    first, second = sorted([source.pk, into.pk])
    locked = {b.pk: b for b in Barrier.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[into.pk]
    if not permissions.can_merge(by, source):
        raise BarrierError(_("This barrier cannot be merged."))
    if target.status in (S.MERGED, S.REJECTED):
        raise BarrierError(_("Choose a target that is neither merged nor rejected."))
    note = note.strip()

    target_users = set(
        Endorsement.objects.filter(barrier=target, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    if target.author_id:
        target_users.add(target.author_id)
    moving = Endorsement.objects.filter(barrier=source)
    moved_users = list(
        moving.exclude(user_id__in=target_users)
        .filter(user__isnull=False)
        .values_list("user_id", flat=True)
    )
    moving.filter(user_id__in=target_users).delete()
    moving.update(barrier=target)

    if source.is_anonymous and source.author_id:
        BarrierComment.objects.filter(barrier=source, author_id=source.author_id).update(
            hide_author=True
        )
    BarrierComment.objects.filter(barrier=source).update(barrier=target)

    existing_files = set(
        EvidenceFile.objects.filter(barrier=target).values_list("original_name", "size")
    )
    for evidence in EvidenceFile.objects.filter(barrier=source):
        if (evidence.original_name, evidence.size) not in existing_files:
            evidence.barrier = target
            evidence.save(update_fields=["barrier"])
            existing_files.add((evidence.original_name, evidence.size))

    Barrier.objects.filter(merged_into=source).update(merged_into=target)
    old = source.status
    source.status = S.MERGED
    source.merged_into = target
    source.status_changed_at = timezone.now()
    source.save()
    source_event = record_event(
        source,
        actor=by,
        kind="merged",
        from_status=old,
        to_status=S.MERGED,
        note=note or f"→ #{target.pk} {target.title}",
    )
    record_event(target, actor=by, kind="merged_from", note=f"← #{source.pk} {source.title}")
    recount(source)
    recount(target)

    message = {
        "title": format_lazy(
            _("Barrier “{source}” was merged into “{target}”"),
            source=source.title,
            target=target.title,
        ),
        "body": note,
        "url": target.get_absolute_url(),
    }
    key = f"barrier:{source.pk}:event:{source_event.pk}"
    _tell([source.author], actor=by, kind=KIND_STATUS, key=key, **message)
    _tell([target.author], actor=by, kind=KIND_STATUS, key=f"{key}:target", **message)
    _tell(
        User.objects.filter(pk__in=moved_users),
        actor=by,
        kind=KIND_STATUS,
        key=f"{key}:endorser",
        **message,
    )
    return target


def overdue_barriers(*, today: datetime.date | None = None):
    """Forwarded barriers whose answer-by date has passed, oldest date first."""
    today = today or timezone.localdate()
    return Barrier.objects.filter(status=S.FORWARDED, answer_by__lt=today).order_by("answer_by")


@transaction.atomic
def flag_overdue_barriers(*, today: datetime.date | None = None) -> int:
    """Tell the coordinators once about each forwarded barrier past its date.

    Run daily by celery beat (barriers.flag_overdue_barriers) or by hand.
    Returns the number of barriers newly flagged.
    """
    now = timezone.now()
    flagged = 0
    for barrier in overdue_barriers(today=today).filter(overdue_notified_at__isnull=True):
        _tell(
            coordinators(),
            actor=None,
            kind=KIND_OVERDUE,
            key=f"barrier:{barrier.pk}:overdue:{barrier.answer_by:%Y%m%d}",
            title=format_lazy(
                _("No answer yet: “{title}” (requested by {date})"),
                title=barrier.title,
                date=barrier.answer_by.strftime("%d.%m.%Y"),
            ),
            url=barrier.get_absolute_url(),
        )
        Barrier.objects.filter(pk=barrier.pk).update(overdue_notified_at=now)
        flagged += 1
    return flagged


# --- participation -----------------------------------------------------------


@transaction.atomic
def endorse_barrier(barrier: Barrier, *, by: User, note: str = "") -> Endorsement:
    """Endorse ("betrifft uns auch"); a second call changes the note only.

    Raises BarrierError when `by` may not endorse (own barrier, not published).
    """
    barrier = _lock(barrier)
    if not permissions.can_endorse(by, barrier):
        raise BarrierError(_("You cannot endorse this barrier."))
    endorsement, created = Endorsement.objects.get_or_create(
        barrier=barrier,
        user=by,
        defaults={"organisation": by.organisation, "note": note.strip()[:500]},
    )
    if not created:
        endorsement.note = note.strip()[:500]
        endorsement.save(update_fields=["note"])
    recount(barrier)
    return endorsement


@transaction.atomic
def withdraw_endorsement(barrier: Barrier, *, by: User) -> bool:
    """Withdraw the member's endorsement. Returns whether there was one."""
    barrier = _lock(barrier)
    deleted, _rows = Endorsement.objects.filter(barrier=barrier, user=by).delete()
    recount(barrier)
    return bool(deleted)


@transaction.atomic
def add_comment(barrier: Barrier, *, by: User, body: str) -> BarrierComment:
    """Comment on a barrier; tells the submitter (unless they wrote it).

    On an anonymous barrier the submitter's own comments hide their author.
    Raises BarrierError when `by` may not comment.
    """
    barrier = _lock(barrier)
    if not permissions.can_comment(by, barrier):
        raise BarrierError(_("You cannot comment on this barrier."))
    comment = BarrierComment.objects.create(
        barrier=barrier,
        author=by,
        body=body,
        hide_author=bool(barrier.is_anonymous and barrier.author_id == by.pk),
    )
    recount(barrier)
    _tell(
        [barrier.author],
        actor=by,
        kind=KIND_COMMENT,
        key=f"barrier:{barrier.pk}:comment:{comment.pk}",
        title=format_lazy(_("New comment on your barrier “{title}”"), title=barrier.title),
        body=markdown_to_text(body)[:400],
        url=f"{barrier.get_absolute_url()}#comment-{comment.pk}",
    )
    return comment


def edit_barrier_comment(comment: BarrierComment, *, by: User, body: str) -> BarrierComment:
    """Change a comment (its author, within 15 minutes); raises CommentError."""
    return edit_comment(comment, by=by, body=body)


@transaction.atomic
def remove_barrier_comment(comment: BarrierComment, *, by: User) -> BarrierComment:
    """Hide a comment (coordinator); raises CommentError for anyone else."""
    remove_comment(comment, by=by)
    recount(comment.barrier_id)
    return comment
