"""Who may see and do what with barriers, in one place.

Views, templates, selectors, exports and the search provider all use these
rules. The most sensitive one is anonymity: for an anonymous barrier only
the coordinator (and the submitter themself) may learn who submitted it.
Every barrier object handed to a page, export or fragment passes through
`mask_identity`, which removes person and organisation from the object
itself, so no template can show them by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.permissions import is_coordinator, is_member, is_ministry

from .models import Barrier, Responsibility

S = Barrier.Status

# States every member may read.
PUBLIC_STATUSES = (S.PUBLISHED, S.FORWARDED, S.ANSWERED, S.RESOLVED, S.DEFERRED)
# States in which members endorse.
ENDORSABLE_STATUSES = (S.PUBLISHED, S.FORWARDED, S.ANSWERED)
# The main path, then the side exits.
MAIN_PATH = (S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.FORWARDED, S.ANSWERED, S.RESOLVED)
SIDE_EXITS = (S.DEFERRED, S.REJECTED, S.MERGED)

# The workflow: submitted → in review → published → forwarded → answered →
# resolved; deferred, rejected and merged are side exits from every open
# state. A deferred barrier can be taken up again. Merging has its own
# service (it needs a target); forwarded → answered also happens through a
# ministry's official response.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.IN_REVIEW, S.DEFERRED, S.REJECTED),
    S.IN_REVIEW: (S.PUBLISHED, S.DEFERRED, S.REJECTED),
    S.PUBLISHED: (S.FORWARDED, S.DEFERRED, S.REJECTED),
    S.FORWARDED: (S.ANSWERED, S.DEFERRED, S.REJECTED),
    S.ANSWERED: (S.RESOLVED, S.DEFERRED, S.REJECTED),
    S.DEFERRED: (S.IN_REVIEW, S.PUBLISHED),
    S.RESOLVED: (),
    S.REJECTED: (),
    S.MERGED: (),
}
MERGEABLE_STATUSES = (S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.FORWARDED, S.ANSWERED, S.DEFERRED)


# --- reading ------------------------------------------------------------------


def visible_barriers_q(user) -> Q:
    """The filter for barriers `user` may read (merged ones excluded)."""
    if is_coordinator(user):
        return ~Q(status=S.MERGED)
    if is_member(user):
        return Q(status__in=PUBLIC_STATUSES) | (Q(author=user) & ~Q(status=S.MERGED))
    return Q(pk__in=[])


def visible_barriers_sql(user, alias: str) -> tuple[str, list]:
    """The rule of `visible_barriers_q` as an SQL condition on the barrier table `alias`.

    For the few hand-written queries of the dashboard; a test checks that it
    selects the same barriers as `visible_barriers_q` for every role.
    """
    if is_coordinator(user):
        return f"{alias}.status <> %s", [S.MERGED]
    if is_member(user):
        marks = ", ".join(["%s"] * len(PUBLIC_STATUSES))
        return (
            f"({alias}.status IN ({marks}) OR ({alias}.author_id = %s AND {alias}.status <> %s))",
            [*PUBLIC_STATUSES, user.pk, S.MERGED],
        )
    return "1 = 0", []


def visible_barriers(user) -> QuerySet[Barrier]:
    return Barrier.objects.filter(visible_barriers_q(user))


def can_view(user, barrier: Barrier) -> bool:
    if is_coordinator(user):
        return True
    if not is_member(user):
        return False
    return barrier.status in PUBLIC_STATUSES or (
        barrier.author_id is not None and barrier.author_id == user.pk
    )


def can_see_identity(user, barrier: Barrier) -> bool:
    """May `user` see who submitted `barrier`? Only the coordinator, for anonymous ones."""
    return identity_visible(user, is_anonymous=barrier.is_anonymous, author_id=barrier.author_id)


def identity_visible(user, *, is_anonymous: bool, author_id: int | None) -> bool:
    """The rule of `can_see_identity` for plain row values (exports)."""
    if not is_anonymous or is_coordinator(user):
        return True
    return bool(user.is_authenticated and author_id and author_id == user.pk)


def mask_identity(barrier: Barrier, user) -> Barrier:
    """Remove person and organisation from `barrier` where `user` may not see them.

    Sets `identity_hidden` for templates; a masked object refuses to be
    saved (Barrier.save), so services always load their own copy.
    """
    barrier.identity_hidden = not can_see_identity(user, barrier)
    if barrier.identity_hidden:
        barrier.author = None
        barrier.organisation = None
        barrier.on_behalf_names = ""
        barrier._identity_masked = True
    return barrier


def mask_all(barriers: Iterable[Barrier], user) -> list[Barrier]:
    return [mask_identity(barrier, user) for barrier in barriers]


def can_filter_by_submitter(user) -> bool:
    """Filtering by the submitter's organisation type includes anonymous barriers
    only for the coordinator (the result would reveal them)."""
    return is_coordinator(user)


# --- acting -------------------------------------------------------------------


def can_create(user) -> bool:
    return is_member(user)


def can_edit(user, barrier: Barrier) -> bool:
    """The submitter while submitted; the coordinator always (but not merged ones)."""
    if barrier.status == S.MERGED:
        return False
    if is_coordinator(user):
        return True
    return bool(
        is_member(user)
        and barrier.status == S.SUBMITTED
        and barrier.author_id is not None
        and barrier.author_id == user.pk
    )


def can_endorse(user, barrier: Barrier) -> bool:
    """Members endorse published barriers, not their own."""
    return bool(
        is_member(user) and barrier.status in ENDORSABLE_STATUSES and barrier.author_id != user.pk
    )


def can_comment(user, barrier: Barrier) -> bool:
    return can_view(user, barrier) and barrier.status not in (S.MERGED, S.REJECTED)


def can_change_status(user, barrier: Barrier) -> bool:
    return is_coordinator(user) and bool(TRANSITIONS.get(barrier.status))


def allowed_transitions(user, barrier: Barrier) -> tuple[str, ...]:
    if not is_coordinator(user):
        return ()
    return TRANSITIONS.get(barrier.status, ())


def can_merge(user, barrier: Barrier) -> bool:
    return is_coordinator(user) and barrier.status in MERGEABLE_STATUSES


def responsible_levels(user) -> set[str]:
    if not is_ministry(user) or not user.organisation_id:
        return set()
    return set(
        Responsibility.objects.filter(organisation_id=user.organisation_id).values_list(
            "level", flat=True
        )
    )


def forwarded_to_user_q(user) -> Q:
    """Forwarded barriers addressed to the ministry member's organisation or level."""
    if not is_ministry(user):
        return Q(pk__in=[])
    levels = Responsibility.objects.filter(organisation_id=user.organisation_id).values("level")
    return Q(status__in=(S.FORWARDED, S.ANSWERED)) & (
        Q(forwarded_to_id=user.organisation_id) | Q(forwarded_level__in=levels)
    )


def can_respond(user, barrier: Barrier) -> bool:
    """A ministry member answers barriers forwarded to their organisation or level."""
    if not is_ministry(user) or barrier.status not in (S.FORWARDED, S.ANSWERED):
        return False
    if barrier.forwarded_to_id and barrier.forwarded_to_id == user.organisation_id:
        return True
    return bool(barrier.forwarded_level) and barrier.forwarded_level in responsible_levels(user)


def can_export(user) -> bool:
    return is_ministry(user) or is_coordinator(user)


def can_download_evidence(user, barrier: Barrier) -> bool:
    return is_member(user) and can_view(user, barrier)


def can_add_evidence(user, barrier: Barrier) -> bool:
    return can_edit(user, barrier)


# --- fetching -----------------------------------------------------------------


def get_barrier_for_user(user, pk: int, *, queryset: QuerySet | None = None) -> Barrier:
    """The barrier, masked for `user`; 404 when it does not exist or is hidden.

    A merged barrier is returned as is (the view redirects to its target).
    """
    if queryset is None:
        queryset = Barrier.objects.select_related("author", "organisation", "policy_item")
    return checked_barrier(user, queryset.filter(pk=pk).first())


def checked_barrier(user, barrier: Barrier | None) -> Barrier:
    """`barrier` as loaded by the caller, masked for `user`; 404 when missing or hidden.

    The rule of `get_barrier_for_user`, for pages that load the barrier their own way.
    """
    if barrier is None:
        raise Http404
    if barrier.status == S.MERGED and is_member(user):
        return mask_identity(barrier, user)
    if not can_view(user, barrier):
        raise Http404
    return mask_identity(barrier, user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
