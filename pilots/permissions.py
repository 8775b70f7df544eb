"""Who may see and change pilot projects, in one place.

Members see published pilots; a draft only its proposer and the
coordinator. The proposer and the coordinator change a pilot and decide on
applications; any member with an organisation may apply (not to a pilot of
their own organisation).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.permissions import is_coordinator, is_member

from .models import PilotApplication, PilotComment, PilotProject


def visible_pilots(user) -> QuerySet[PilotProject]:
    """Pilots `user` may see: published ones, plus own drafts (all for the coordinator)."""
    if not is_member(user):
        return PilotProject.objects.none()
    return pilots_visible_to(user.pk, coordinator=is_coordinator(user))


def pilots_visible_to(user_id: int, *, coordinator: bool) -> QuerySet[PilotProject]:
    """`visible_pilots` of a member (`user_id`), who is the coordinator or not.

    Takes the id, not the user, so a query can be compiled once for any member
    (see `selectors.list_page`).
    """
    pilots = PilotProject.objects.all()
    if coordinator:
        return pilots
    return pilots.filter(~Q(status=PilotProject.Status.DRAFT) | Q(proposer_id=user_id))


def can_view_pilot(user, pilot: PilotProject) -> bool:
    if not is_member(user):
        return False
    return pilot.is_published or is_coordinator(user) or pilot.proposer_id == user.pk


def can_manage_pilot(user, pilot: PilotProject) -> bool:
    """Edit, change the state, decide on applications: the proposer or the coordinator."""
    if not is_member(user):
        return False
    return is_coordinator(user) or (pilot.proposer_id is not None and pilot.proposer_id == user.pk)


def can_apply(user, pilot: PilotProject) -> bool:
    """A member of another organisation, to a published pilot that is still open."""
    return bool(
        is_member(user)
        and user.organisation_id
        and pilot.is_published
        and not pilot.is_closed
        and user.organisation_id != pilot.organisation_id
        and user.pk != pilot.proposer_id
    )


def can_comment(user, pilot: PilotProject) -> bool:
    return is_member(user) and pilot.is_published


def can_withdraw(user, application: PilotApplication) -> bool:
    """The applicant or a colleague of the same organisation, while it is pending."""
    return bool(
        is_member(user)
        and application.is_pending
        and (
            application.applicant_id == user.pk
            or (user.organisation_id and user.organisation_id == application.organisation_id)
        )
    )


def get_pilot_for(user, pk: int, *, manage: bool = False) -> PilotProject:
    """The pilot if `user` may see it (404 otherwise) and, with `manage`, change it (403)."""
    pilot = (
        PilotProject.objects.select_related("proposer", "organisation", "contact_person")
        .filter(pk=pk)
        .first()
    )
    if pilot is None or not can_view_pilot(user, pilot):
        raise Http404
    if manage and not can_manage_pilot(user, pilot):
        raise PermissionDenied
    return pilot


def get_application_for(user, pk: int) -> PilotApplication:
    """An application of a pilot `user` may see (404 otherwise)."""
    application = (
        PilotApplication.objects.select_related("pilot", "need", "organisation", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_view_pilot(user, application.pilot):
        raise Http404
    return application


def get_comment_for(user, pk: int) -> PilotComment:
    comment = PilotComment.objects.select_related("pilot").filter(pk=pk).first()
    if comment is None or not can_view_pilot(user, comment.pilot):
        raise Http404
    return comment
