"""What goes into a digest: the period's content, loaded once, matched per member.

`load_content(period, member_ids)` reads everything the digests of these
members can show with a fixed number of queries, however many members there
are (about 25, counted in tests/digests/test_queries.py). `digest_for(member,
content)` then picks each member's items in memory. No person or
organisation of an anonymous barrier is ever loaded into a digest: barriers
pass through `barriers.permissions.mask_all` for a reader who is nobody in
particular, so even the coordinator's digest shows them anonymously.

What a member gets (see README "Digest and notifications"):

- new barriers published in the period that match the member's interests
  (materials or value-chain stages; the organisation's when the member chose
  none; all when neither has any), the five most endorsed and a count of the rest;
- status changes and official answers on barriers the member submitted or endorsed;
- pilots seeking partners whose open needs fit the member's organisation,
  and new pilots matching the interests;
- meetings of the next four weeks the member is invited to, with the
  member's answer (and one-click answer links while answers are open);
- policy updates: items the member follows first, then items matching the interests;
- new organisations;
- the member's notifications of kinds set to "in the digest only".

New organisations and meetings the member was invited to before the period
are shown, but on their own they are no news (the meetings app reminds of
missing answers itself): a member with nothing else gets no mail.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language

from barriers.models import Barrier, BarrierEvent, Endorsement, OfficialResponse
from barriers.permissions import PUBLIC_STATUSES, mask_all
from barriers.services import KIND_RESPONSE, KIND_STATUS
from members.models import Notification, Organisation, User
from pilots.models import PartnerNeed, PilotEvent, PilotProject
from pilots.taxonomy import short_label
from policy.models import PolicyFollow, PolicyItem, PolicyUpdate
from policy.services import NOTIFICATION_KIND as POLICY_KIND
from sessions.models import Invitation, Meeting
from thementisch.markdown import markdown_to_text
from thementisch.models import Material, ValueChainStage

from .periods import Period

S = Barrier.Status
TOP_BARRIERS = 5
TOP_PILOTS = 5
TOP_POLICY_FOLLOWED = 10
TOP_POLICY_OTHER = 5
TOP_ORGANISATIONS = 8
MEETING_HORIZON = datetime.timedelta(weeks=4)
# Timeline entries that are news for submitters and endorsers.
CHANGE_KINDS = ("status", "merged", "response")


@dataclass
class Interests:
    """Materials and stages a member cares about, and where they come from."""

    materials: frozenset[int]
    stages: frozenset[int]
    source: str  # "own", "organisation" or "none" (then everything matches)

    @property
    def everything(self) -> bool:
        return self.source == "none"

    @property
    def key(self) -> tuple:
        return (self.source, tuple(sorted(self.materials)), tuple(sorted(self.stages)))

    def match(self, materials: Iterable[int], stages: Iterable[int]) -> bool:
        if self.everything:
            return True
        return not self.materials.isdisjoint(materials) or not self.stages.isdisjoint(stages)


@dataclass
class BarrierChange:
    """What happened to one barrier the member submitted or endorsed."""

    barrier: Barrier
    role: str  # "submitted" or "endorsed"
    events: list[BarrierEvent]
    responses: list[OfficialResponse]


@dataclass
class PilotFit:
    pilot: PilotProject
    reasons: list[str]


@dataclass
class MeetingEntry:
    meeting: Meeting
    invitation: Invitation
    answers_open: bool
    newly_invited: bool


@dataclass
class Content:
    """Everything of one period that any of the loaded members' digests may show."""

    period: Period
    now: datetime.datetime
    members: list[User]
    member_interests: dict[int, Interests]
    organisation_interests: dict[int, Interests]
    materials: dict[int, Material]
    stages: dict[int, ValueChainStage]
    new_barriers: list[Barrier]
    barriers_by_material: dict[int, list[Barrier]]
    barriers_by_stage: dict[int, list[Barrier]]
    changes_by_barrier: dict[int, list[BarrierEvent]]
    responses_by_barrier: dict[int, list[OfficialResponse]]
    changed_barriers: dict[int, Barrier]
    submitted_by_member: dict[int, set[int]]
    endorsed_by_member: dict[int, set[int]]
    new_pilots: list[PilotProject]
    seeking_pilots: list[PilotProject]
    invitations_by_member: dict[int, list[Invitation]]
    meetings: dict[int, Meeting]
    policy_updates: list[PolicyUpdate]
    follows_by_member: dict[int, set[int]]
    organisations: list[Organisation]
    notifications_by_member: dict[int, list[Notification]]
    match_cache: dict[tuple, Any] = field(default_factory=dict)


@dataclass
class MemberDigest:
    """One member's digest: the items of each section, before rendering."""

    member: User
    period: Period
    interests: Interests
    barriers: list[Barrier] = field(default_factory=list)
    barriers_more: int = 0
    changes: list[BarrierChange] = field(default_factory=list)
    pilots_fit: list[PilotFit] = field(default_factory=list)
    pilots_new: list[PilotProject] = field(default_factory=list)
    pilots_more: int = 0
    meetings: list[MeetingEntry] = field(default_factory=list)
    policy_followed: list[PolicyUpdate] = field(default_factory=list)
    policy_other: list[PolicyUpdate] = field(default_factory=list)
    policy_more: int = 0
    organisations: list[Organisation] = field(default_factory=list)
    organisations_more: int = 0
    notifications: list[Notification] = field(default_factory=list)
    # Every pending digest notification this digest takes care of, also those
    # already shown in a section (marked as digested once the mail is queued).
    notification_ids: list[int] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        """Anything new for the member?

        New organisations, and meetings the member was invited to before the
        period, are shown but are no news on their own (the meetings app
        reminds of missing answers itself).
        """
        return bool(
            self.barriers
            or self.changes
            or self.pilots_fit
            or self.pilots_new
            or self.policy_followed
            or self.policy_other
            or self.notifications
            or self.notification_ids
            or any(entry.newly_invited for entry in self.meetings)
        )

    @property
    def item_count(self) -> int:
        return (
            len(self.barriers)
            + self.barriers_more
            + len(self.changes)
            + len(self.pilots_fit)
            + len(self.pilots_new)
            + self.pilots_more
            + len(self.meetings)
            + len(self.policy_followed)
            + len(self.policy_other)
            + self.policy_more
            + len(self.notifications)
        )


# --- loading ------------------------------------------------------------------


def _pairs(queryset, left: str, right: str) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    for a, b in queryset.values_list(left, right):
        result[a].add(b)
    return result


def due_members(member_ids: Iterable[int], *, frequency: str | None = None):
    """Approved, active members among `member_ids` (with the digest `frequency`, if given)."""
    members = User.objects.filter(
        pk__in=list(member_ids), is_active=True, status=User.Status.APPROVED
    )
    if frequency:
        members = members.filter(digest_frequency=frequency)
    return members.select_related("organisation").order_by("pk")


def load_content(
    period: Period,
    member_ids: Iterable[int],
    *,
    now: datetime.datetime,
    frequency: str | None = None,
    members: list[User] | None = None,
) -> Content:
    """Load the period's content for these members once (a fixed number of queries).

    `members` may be passed already loaded (previews); otherwise the approved
    members among `member_ids` (with `frequency`, if given) are loaded.
    """
    if members is None:
        members = list(due_members(member_ids, frequency=frequency))
    ids = [member.pk for member in members]
    start, end = period.start, period.end

    # Interests: the member's own, else the organisation's.
    own_materials = _pairs(
        User.materials.through.objects.filter(user_id__in=ids), "user_id", "material_id"
    )
    own_stages = _pairs(
        User.value_chain_stages.through.objects.filter(user_id__in=ids),
        "user_id",
        "valuechainstage_id",
    )
    org_ids = {member.organisation_id for member in members if member.organisation_id}
    org_materials = _pairs(
        Organisation.materials.through.objects.filter(organisation_id__in=org_ids),
        "organisation_id",
        "material_id",
    )
    org_stages = _pairs(
        Organisation.value_chain_stages.through.objects.filter(organisation_id__in=org_ids),
        "organisation_id",
        "valuechainstage_id",
    )
    organisation_interests = {
        org_id: Interests(
            frozenset(org_materials.get(org_id, ())),
            frozenset(org_stages.get(org_id, ())),
            "organisation",
        )
        for org_id in org_ids
    }
    member_interests = {}
    for member in members:
        materials = frozenset(own_materials.get(member.pk, ()))
        stages = frozenset(own_stages.get(member.pk, ()))
        if materials or stages:
            member_interests[member.pk] = Interests(materials, stages, "own")
            continue
        organisation = organisation_interests.get(member.organisation_id)
        if organisation and (organisation.materials or organisation.stages):
            member_interests[member.pk] = organisation
        else:
            member_interests[member.pk] = Interests(frozenset(), frozenset(), "none")

    materials = {material.pk: material for material in Material.objects.all()}
    stages = {stage.pk: stage for stage in ValueChainStage.objects.all()}

    # New barriers: first published within the period (barriers imported
    # without a timeline count from their creation).
    first_published = (
        BarrierEvent.objects.filter(barrier=OuterRef("pk"), to_status=S.PUBLISHED)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    new_barriers = list(
        Barrier.objects.filter(status__in=PUBLIC_STATUSES, status_changed_at__gte=start)
        .annotate(published_on=Coalesce(Subquery(first_published), "created_at"))
        .filter(published_on__gte=start, published_on__lt=end)
        .select_related("organisation")
        .only(
            "id",
            "title",
            "status",
            "category",
            "is_anonymous",
            "author_id",
            "organisation__name",
            "on_behalf_names",
            "endorsement_count",
            "endorsing_organisation_count",
            "comment_count",
            "created_at",
        )
        .order_by("-endorsing_organisation_count", "-endorsement_count", "-created_at", "-pk")
    )
    new_barriers = mask_all(new_barriers, AnonymousUser())
    barrier_ids = [barrier.pk for barrier in new_barriers]
    barrier_materials = _pairs(
        Barrier.materials.through.objects.filter(barrier_id__in=barrier_ids),
        "barrier_id",
        "material_id",
    )
    barrier_stages = _pairs(
        Barrier.value_chain_stages.through.objects.filter(barrier_id__in=barrier_ids),
        "barrier_id",
        "valuechainstage_id",
    )
    barriers_by_material: dict[int, list[Barrier]] = defaultdict(list)
    barriers_by_stage: dict[int, list[Barrier]] = defaultdict(list)
    for rank, barrier in enumerate(new_barriers):
        barrier.rank = rank
        barrier.url_path = reverse("barriers:detail", args=[barrier.pk])
        barrier.material_ids = barrier_materials.get(barrier.pk, set())
        barrier.stage_ids = barrier_stages.get(barrier.pk, set())
        barrier.material_list = [materials[m] for m in sorted(barrier.material_ids)]
        barrier.stage_list = [stages[s] for s in sorted(barrier.stage_ids)]
        for material_id in barrier.material_ids:
            barriers_by_material[material_id].append(barrier)
        for stage_id in barrier.stage_ids:
            barriers_by_stage[stage_id].append(barrier)

    # Status changes and official answers on any barrier in the period.
    events = list(
        BarrierEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .filter(kind__in=CHANGE_KINDS)
        .select_related("barrier")
        .only(
            "id",
            "kind",
            "from_status",
            "to_status",
            "created_at",
            "actor_id",
            "barrier__id",
            "barrier__title",
            "barrier__status",
            "barrier__author_id",
            "barrier__is_anonymous",
            "barrier__merged_into_id",
        )
        .order_by("created_at", "pk")
    )
    changes_by_barrier: dict[int, list[BarrierEvent]] = defaultdict(list)
    changed_barriers: dict[int, Barrier] = {}
    for event in events:
        changes_by_barrier[event.barrier_id].append(event)
        if event.barrier_id not in changed_barriers:
            event.barrier.url_path = reverse("barriers:detail", args=[event.barrier_id])
            changed_barriers[event.barrier_id] = event.barrier
    submitted_by_member: dict[int, set[int]] = defaultdict(set)
    for barrier in changed_barriers.values():
        if barrier.author_id:
            submitted_by_member[barrier.author_id].add(barrier.pk)
    endorsed_by_member = _pairs(
        Endorsement.objects.filter(barrier_id__in=list(changed_barriers), user_id__in=ids),
        "user_id",
        "barrier_id",
    )
    responses_by_barrier: dict[int, list[OfficialResponse]] = defaultdict(list)
    if any(event.kind == "response" for event in events):
        for response in (
            OfficialResponse.objects.filter(
                barrier_id__in=list(changed_barriers), created_at__gte=start, created_at__lt=end
            )
            .select_related("organisation")
            .order_by("created_at", "pk")
        ):
            response.excerpt = Truncator(markdown_to_text(response.body)).chars(300)
            responses_by_barrier[response.barrier_id].append(response)

    # Pilots: published in the period, or seeking partners anew (state change
    # or a new open need in the period).
    P = PilotProject.Status
    started_seeking = PilotEvent.objects.filter(
        pilot=OuterRef("pk"),
        to_status=P.SEEKING_PARTNERS,
        created_at__gte=start,
        created_at__lt=end,
    )
    new_need = PartnerNeed.objects.filter(
        pilot=OuterRef("pk"),
        status=PartnerNeed.Status.OPEN,
        created_at__gte=start,
        created_at__lt=end,
    )
    pilots = list(
        PilotProject.objects.exclude(status=P.DRAFT)
        .filter(
            Q(published_at__gte=start, published_at__lt=end)
            | (Q(status=P.SEEKING_PARTNERS) & (Exists(started_seeking) | Exists(new_need)))
        )
        .select_related("organisation")
        .only(
            "id",
            "title",
            "status",
            "proposer_id",
            "organisation__name",
            "published_at",
            "created_at",
        )
        .order_by("-published_at", "-pk")
    )
    pilot_ids = [pilot.pk for pilot in pilots]
    pilot_materials = _pairs(
        PilotProject.materials.through.objects.filter(pilotproject_id__in=pilot_ids),
        "pilotproject_id",
        "material_id",
    )
    pilot_stages = _pairs(
        PilotProject.value_chain_stages.through.objects.filter(pilotproject_id__in=pilot_ids),
        "pilotproject_id",
        "valuechainstage_id",
    )
    seeking = [pilot for pilot in pilots if pilot.status == P.SEEKING_PARTNERS]
    needs_by_pilot: dict[int, list[PartnerNeed]] = defaultdict(list)
    for need in PartnerNeed.objects.filter(
        pilot_id__in=[pilot.pk for pilot in seeking], status=PartnerNeed.Status.OPEN
    ).order_by("pk"):
        needs_by_pilot[need.pilot_id].append(need)
    for pilot in pilots:
        pilot.url_path = reverse("pilots:detail", args=[pilot.pk])
        pilot.material_ids = pilot_materials.get(pilot.pk, set())
        pilot.stage_ids = pilot_stages.get(pilot.pk, set())
        pilot.open_need_list = needs_by_pilot.get(pilot.pk, [])
    new_pilots = [
        pilot for pilot in pilots if pilot.published_at and start <= pilot.published_at < end
    ]

    # Meetings of the next four weeks the members are invited to.
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(
            status=Meeting.Status.PUBLISHED, starts_at__gte=now, starts_at__lt=now + MEETING_HORIZON
        ).order_by("starts_at", "pk")
    }
    for meeting in meetings.values():
        meeting.venue_line = ", ".join(
            line.strip() for line in meeting.venue.splitlines() if line.strip()
        )
    invitations_by_member: dict[int, list[Invitation]] = defaultdict(list)
    if meetings:
        for invitation in Invitation.objects.filter(
            meeting_id__in=list(meetings), user_id__in=ids
        ).order_by("pk"):
            invitation.meeting = meetings[invitation.meeting_id]
            invitations_by_member[invitation.user_id].append(invitation)

    # Policy updates published in the period, and who follows their items.
    updates = list(
        PolicyUpdate.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("item")
        .order_by("-created_at", "-pk")
    )
    item_ids = {update.item_id for update in updates}
    item_materials = _pairs(
        PolicyItem.materials.through.objects.filter(policyitem_id__in=item_ids),
        "policyitem_id",
        "material_id",
    )
    item_stages = _pairs(
        PolicyItem.value_chain_stages.through.objects.filter(policyitem_id__in=item_ids),
        "policyitem_id",
        "valuechainstage_id",
    )
    for update in updates:
        update.url_path = f"{reverse('policy:detail', args=[update.item.slug])}#update-{update.pk}"
        update.material_ids = item_materials.get(update.item_id, set())
        update.stage_ids = item_stages.get(update.item_id, set())
    follows_by_member = _pairs(
        PolicyFollow.objects.filter(item_id__in=item_ids, user_id__in=ids), "user_id", "item_id"
    )

    organisations = list(
        Organisation.objects.filter(created_at__gte=start, created_at__lt=end).order_by(
            "-created_at", "name"
        )
    )

    notifications_by_member: dict[int, list[Notification]] = defaultdict(list)
    for notification in Notification.objects.filter(
        recipient_id__in=ids, emailed_at__isnull=True, digested_at__isnull=True
    ).order_by("created_at", "pk"):
        notifications_by_member[notification.recipient_id].append(notification)

    return Content(
        period=period,
        now=now,
        members=members,
        member_interests=member_interests,
        organisation_interests=organisation_interests,
        materials=materials,
        stages=stages,
        new_barriers=new_barriers,
        barriers_by_material=barriers_by_material,
        barriers_by_stage=barriers_by_stage,
        changes_by_barrier=changes_by_barrier,
        responses_by_barrier=responses_by_barrier,
        changed_barriers=changed_barriers,
        submitted_by_member=submitted_by_member,
        endorsed_by_member=endorsed_by_member,
        new_pilots=new_pilots,
        seeking_pilots=seeking,
        invitations_by_member=invitations_by_member,
        meetings=meetings,
        policy_updates=updates,
        follows_by_member=follows_by_member,
        organisations=organisations,
        notifications_by_member=notifications_by_member,
    )


# --- matching -------------------------------------------------------------------


def _cached(content: Content, key: tuple, compute):
    if key not in content.match_cache:
        content.match_cache[key] = compute()
    return content.match_cache[key]


def _matching_barriers(content: Content, interests: Interests) -> list[Barrier]:
    """New barriers matching the interests, most endorsed first (shared by equal interests)."""
    if interests.everything:
        return content.new_barriers
    found: dict[int, Barrier] = {}
    for material_id in interests.materials:
        for barrier in content.barriers_by_material.get(material_id, ()):
            found[barrier.pk] = barrier
    for stage_id in interests.stages:
        for barrier in content.barriers_by_stage.get(stage_id, ()):
            found[barrier.pk] = barrier
    return sorted(found.values(), key=lambda barrier: barrier.rank)


def _changes_for(content: Content, member: User) -> list[BarrierChange]:
    endorsed = content.endorsed_by_member.get(member.pk, set())
    # Only the barriers the member submitted or endorsed, not every changed one.
    candidates = endorsed | content.submitted_by_member.get(member.pk, set())
    changes = []
    for barrier_id in candidates:
        barrier = content.changed_barriers[barrier_id]
        events = content.changes_by_barrier[barrier_id]
        if barrier.author_id == member.pk:
            role = "submitted"
        elif barrier_id in endorsed and barrier.status in (*PUBLIC_STATUSES, S.MERGED):
            role = "endorsed"
        else:
            continue
        # Nobody is told about their own action.
        shown = [event for event in events if event.actor_id != member.pk]
        if not shown:
            continue
        changes.append(
            BarrierChange(
                barrier=barrier,
                role=role,
                events=shown,
                responses=content.responses_by_barrier.get(barrier_id, []),
            )
        )
    changes.sort(key=lambda change: change.events[-1].created_at, reverse=True)
    return changes


def _need_reasons(pilot: PilotProject, interests: Interests, content: Content) -> list[str]:
    """Why a seeking pilot fits: "role, stage/material" of each open need that matches."""
    reasons = []
    for need in pilot.open_need_list:
        matched = []
        if need.stage_id and need.stage_id in interests.stages:
            matched.append(short_label(content.stages[need.stage_id].label))
        if need.material_id and need.material_id in interests.materials:
            matched.append(short_label(content.materials[need.material_id].label))
        if matched:
            reason = ", ".join([str(need.get_role_display()), *matched])
            if reason not in reasons:
                reasons.append(reason)
    return reasons


def _pilots_for(content: Content, member: User, interests: Interests):
    """(fitting seeking pilots, other new pilots matching the interests)."""
    own_org = member.organisation_id
    fit_interests = content.organisation_interests.get(own_org) if own_org else None
    if fit_interests is None or not (fit_interests.materials or fit_interests.stages):
        fit_interests = interests if not interests.everything else None
    fits: list[PilotFit] = []
    if fit_interests is not None:
        # Reason texts are in the active language: part of the cache key.
        key = ("pilot-fit", fit_interests.key, get_language())

        def compute():
            return [
                PilotFit(pilot, reasons)
                for pilot in content.seeking_pilots
                if (reasons := _need_reasons(pilot, fit_interests, content))
            ]

        fits = [
            fit
            for fit in _cached(content, key, compute)
            if fit.pilot.proposer_id != member.pk
            and (own_org is None or fit.pilot.organisation_id != own_org)
        ]
    fit_ids = {fit.pilot.pk for fit in fits}
    matching = _cached(
        content,
        ("pilots-new", interests.key),
        lambda: [p for p in content.new_pilots if interests.match(p.material_ids, p.stage_ids)],
    )
    new = [
        pilot
        for pilot in matching
        if pilot.pk not in fit_ids
        and pilot.proposer_id != member.pk
        and (own_org is None or pilot.organisation_id != own_org)
    ]
    return fits, new


def digest_for(content: Content, member: User) -> MemberDigest:
    """The member's digest from the loaded content (no queries)."""
    interests = content.member_interests[member.pk]
    digest = MemberDigest(member=member, period=content.period, interests=interests)

    matching_barriers = _cached(
        content, ("barriers", interests.key), lambda: _matching_barriers(content, interests)
    )
    authors = _cached(
        content,
        ("barrier-authors", interests.key),
        lambda: {b.author_id for b in matching_barriers},
    )
    # Members rarely wrote one of them: only then is the shared list filtered.
    barriers = (
        [barrier for barrier in matching_barriers if barrier.author_id != member.pk]
        if member.pk in authors
        else matching_barriers
    )
    digest.barriers = barriers[:TOP_BARRIERS]
    digest.barriers_more = len(barriers) - len(digest.barriers)

    digest.changes = _changes_for(content, member)

    fits, new = _pilots_for(content, member, interests)
    digest.pilots_fit = fits[:TOP_PILOTS]
    digest.pilots_new = new[: max(0, TOP_PILOTS - len(digest.pilots_fit))]
    digest.pilots_more = len(fits) + len(new) - len(digest.pilots_fit) - len(digest.pilots_new)

    period = content.period
    for invitation in content.invitations_by_member.get(member.pk, ()):
        meeting = invitation.meeting
        open_answers = (
            meeting.status == Meeting.Status.PUBLISHED and content.now < meeting.answer_until
        )
        digest.meetings.append(
            MeetingEntry(
                meeting=meeting,
                invitation=invitation,
                answers_open=open_answers,
                newly_invited=bool(
                    invitation.invited_at and period.start <= invitation.invited_at < period.end
                ),
            )
        )
    digest.meetings.sort(key=lambda entry: (entry.meeting.starts_at, entry.meeting.pk))

    followed = content.follows_by_member.get(member.pk, set())
    followed_updates = (
        [u for u in content.policy_updates if u.item_id in followed] if followed else []
    )
    matching = _cached(
        content,
        ("policy", interests.key),
        lambda: [u for u in content.policy_updates if interests.match(u.material_ids, u.stage_ids)],
    )
    other_updates = (
        [update for update in matching if update.item_id not in followed] if followed else matching
    )
    digest.policy_followed = followed_updates[:TOP_POLICY_FOLLOWED]
    digest.policy_other = other_updates[:TOP_POLICY_OTHER]
    digest.policy_more = (
        len(followed_updates)
        + len(other_updates)
        - len(digest.policy_followed)
        - len(digest.policy_other)
    )

    organisations = [org for org in content.organisations if org.pk != member.organisation_id]
    digest.organisations = organisations[:TOP_ORGANISATIONS]
    digest.organisations_more = len(organisations) - len(digest.organisations)

    # Notifications the member wants in the digest. Those a section already
    # shows (a status change or answer of a barrier listed under "your
    # barriers", an update of a followed item) are not listed twice.
    barrier_paths = {change.barrier.url_path for change in digest.changes}
    update_paths = {update.url_path for update in digest.policy_followed}
    for notification in content.notifications_by_member.get(member.pk, ()):
        if member.notification_mode(notification.kind) != Notification.Mode.DIGEST:
            continue
        digest.notification_ids.append(notification.pk)
        if notification.kind in (KIND_STATUS, KIND_RESPONSE):
            if notification.url.split("#")[0] in barrier_paths:
                continue
        elif notification.kind == POLICY_KIND and notification.url in update_paths:
            continue
        digest.notifications.append(notification)
    return digest
