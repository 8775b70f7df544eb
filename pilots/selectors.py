"""Reads of pilot projects: list rows, the board, the detail page, matching.

Every function runs a fixed number of queries, whatever the number of
pilots, needs or organisations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import get_language

from barriers.models import Barrier
from members.models import Organisation, User
from members.permissions import is_coordinator
from thementisch.models import Material
from thementisch.taxonomy import material_labels, stage_labels

from .models import PartnerNeed, PilotApplication, PilotProject
from .permissions import can_manage_pilot
from .services import PICKABLE_BARRIER_STATUSES, pickable_barriers
from .taxonomy import PartnerRole, short_label

BOARD_LIMIT = 25
BOARD_STATUSES = [
    PilotProject.Status.IDEA,
    PilotProject.Status.SEEKING_PARTNERS,
    PilotProject.Status.CONSORTIUM_FORMED,
    PilotProject.Status.FUNDING_APPLIED,
    PilotProject.Status.RUNNING,
    PilotProject.Status.COMPLETED,
    PilotProject.Status.DISCONTINUED,
]


# --- list and board ---------------------------------------------------------


def with_list_data(pilots: QuerySet[PilotProject]) -> QuerySet[PilotProject]:
    """Pilots with what a list row shows: organisation and materials (see `attach_open_needs`)."""
    return pilots.select_related("organisation").prefetch_related("materials")


class PilotRow(NamedTuple):
    """One row of the pilot list: exactly what it shows, so it is its own cache key."""

    pk: int
    title: str
    status: str
    strategy: str
    trl_current: int | None
    trl_target: int | None
    organisation_name: str | None
    material_labels: tuple[str, ...]
    open_needs: int

    def get_absolute_url(self) -> str:
        return reverse("pilots:detail", args=[self.pk])

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)


_STATUS_LABELS = dict(PilotProject.Status.choices)
ROW_COLUMNS = (
    "pk",
    "title",
    "status",
    "strategy",
    "trl_current",
    "trl_target",
    "organisation__name",
)


def list_order(pilots: QuerySet[PilotProject]) -> QuerySet[PilotProject]:
    """The pilot list's order: newest first."""
    return pilots.order_by("-created_at", "-pk")


def pilot_rows(pilots: QuerySet[PilotProject]) -> list[PilotRow]:
    """`PilotRow`s of a page of pilots (a sliced queryset): only the shown columns,
    with materials and open needs; two queries.

    The page is paginated over the model queryset and only its slice is read
    as values: counting a values queryset would join the organisation too.
    """
    values = list(pilots.values_list(*ROW_COLUMNS))
    materials: dict[int, list[str]] = defaultdict(list)
    open_needs: dict[int, int] = defaultdict(int)
    english = (get_language() or "de").startswith("en")
    for pilot_id, label_de, label_en in _materials_and_open_needs([row[0] for row in values]):
        if label_de is None:
            open_needs[pilot_id] += 1
        else:
            materials[pilot_id].append(short_label(label_en if english and label_en else label_de))
    return [
        PilotRow(
            *row,
            material_labels=tuple(materials.get(row[0], ())),
            open_needs=open_needs.get(row[0], 0),
        )
        for row in values
    ]


# The page's ids once, in a VALUES list: psycopg caches the parsed query only up to 50
# parameters. Material.Meta.ordering sorts the materials; where the needs fall among
# them does not matter.
_MATERIALS_AND_OPEN_NEEDS_SQL = (
    "WITH page(id) AS (VALUES {ids})"
    " SELECT l.pilotproject_id, m.label_de, m.label_en, m.is_primary, m.{order}, m.slug"
    " FROM page JOIN {links} l ON l.pilotproject_id = page.id"
    " JOIN {materials} m ON m.id = l.material_id"
    " UNION ALL SELECT n.pilot_id, NULL, NULL, NULL, NULL, NULL"
    " FROM page JOIN {needs} n ON n.pilot_id = page.id WHERE n.status = %s"
    " ORDER BY 4 DESC, 5, 6"
)


def _materials_and_open_needs(pilot_ids: list[int]) -> list[tuple[int, str | None, str | None]]:
    """(pilot id, label_de, label_en) of each material of the pilots, in the materials'
    order, and (pilot id, None, None) for each of their open partner needs.

    Plain SQL: a list page asks this on every request, and building the two
    ORM queries (or their union) costs the web process several times what
    the database needs to answer them.
    """
    if not pilot_ids:
        return []
    # Only names from the models go into the text; every value is a parameter.
    sql = _MATERIALS_AND_OPEN_NEEDS_SQL.format(
        ids=", ".join(["(%s)"] * len(pilot_ids)),
        order=connection.ops.quote_name("order"),
        links=PilotProject.materials.through._meta.db_table,
        materials=Material._meta.db_table,
        needs=PartnerNeed._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*pilot_ids, PartnerNeed.Status.OPEN.value])
        return [row[:3] for row in cursor.fetchall()]


def attach_open_needs(pilots: list[PilotProject]) -> list[PilotProject]:
    """Set `open_needs` (count of open partner needs) on each pilot; one query.

    Counting only for the shown rows keeps deep pages and the board fast,
    where a per-row subquery would run for every pilot before the limit.
    """
    counts = dict(
        PartnerNeed.objects.filter(
            pilot_id__in=[pilot.pk for pilot in pilots], status=PartnerNeed.Status.OPEN
        )
        .order_by()
        .values("pilot_id")
        .annotate(count=Count("pk"))
        .values_list("pilot_id", "count")
    )
    for pilot in pilots:
        pilot.open_needs = counts.get(pilot.pk, 0)
    return pilots


@dataclass
class BoardColumn:
    status: str
    label: str
    pilots: list[PilotProject]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.pilots)


def board_columns(pilots: QuerySet[PilotProject]) -> list[BoardColumn]:
    """The (filtered) pilots by state, at most BOARD_LIMIT per column; 4 queries."""
    published = pilots.exclude(status=PilotProject.Status.DRAFT)
    totals = dict(
        published.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    ranked = (
        with_list_data(published)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("status"), order_by=[F("created_at").desc(), F("pk")]
            )
        )
        .filter(rank__lte=BOARD_LIMIT)
        .order_by("-created_at", "pk")
    )
    by_status: dict[str, list[PilotProject]] = defaultdict(list)
    for pilot in attach_open_needs(list(ranked)):
        by_status[pilot.status].append(pilot)
    labels = dict(PilotProject.Status.choices)
    return [
        BoardColumn(status, labels[status], by_status[status], totals.get(status, 0))
        for status in BOARD_STATUSES
    ]


# --- detail page ------------------------------------------------------------


@dataclass
class ConsortiumMember:
    organisation: Organisation
    roles: list[str] = field(default_factory=list)
    lead: bool = False


def pilot_page(pilot: PilotProject, user: User) -> dict[str, Any]:
    """Everything the detail page shows besides the pilot itself (fixed queries)."""
    manage = can_manage_pilot(user, pilot)
    needs = list(pilot.needs.select_related("stage", "material", "filled_by"))
    applications = list(
        pilot.applications.select_related("organisation", "applicant", "need", "decided_by")
    )
    consortium = consortium_of(pilot, applications)
    barriers = pilot.barriers.order_by("-created_at")
    if not is_coordinator(user):
        barriers = barriers.filter(status__in=PICKABLE_BARRIER_STATUSES)
    if manage:
        shown_applications = applications
    else:
        shown_applications = [a for a in applications if user.organisation_id == a.organisation_id]
    events = pilot.events.select_related("actor")
    if not manage:
        events = events.exclude(kind="application_declined")
    excluded = {member.organisation.pk for member in consortium}
    matches = (
        fitting_organisations(pilot, needs=needs, exclude=excluded)
        if pilot.is_published and not pilot.is_closed
        else []
    )
    return {
        "manage": manage,
        "needs": needs,
        "open_needs": [need for need in needs if need.is_open],
        "applications": shown_applications,
        "pending_count": sum(1 for a in applications if a.is_pending),
        "consortium": consortium,
        "barriers": list(barriers),
        "events": list(events),
        "materials": list(pilot.materials.all()),
        "stages": list(pilot.value_chain_stages.all()),
        "matches": matches,
        "comments": list(
            pilot.comments.select_related("author", "author__organisation").order_by(
                "created_at", "pk"
            )
        ),
    }


def consortium_of(
    pilot: PilotProject, applications: list[PilotApplication] | None = None
) -> list[ConsortiumMember]:
    """The proposer's organisation (lead) and every accepted partner with its roles."""
    if applications is None:
        applications = list(
            pilot.applications.filter(status=PilotApplication.Status.ACCEPTED).select_related(
                "organisation", "need"
            )
        )
    members: dict[int, ConsortiumMember] = {}
    if pilot.organisation is not None:
        members[pilot.organisation.pk] = ConsortiumMember(pilot.organisation, lead=True)
    for application in applications:
        if application.status != PilotApplication.Status.ACCEPTED:
            continue
        member = members.setdefault(
            application.organisation.pk, ConsortiumMember(application.organisation)
        )
        role = application.need.get_role_display() if application.need else ""
        if role and role not in member.roles:
            member.roles.append(role)
    return list(members.values())


# --- barrier picker ---------------------------------------------------------


def barrier_options(
    query: str, selected_ids: list[int], *, allowed_ids: set[int] | None = None, limit: int = 15
) -> list[tuple[Barrier, bool]]:
    """Barriers to tick on the pilot form: the chosen ones, then matches for `query`.

    Without a query, the newest published barriers. Only titles and states
    are shown, never who logged a barrier. 2 queries.
    """
    allowed_ids = allowed_ids or set()
    chosen = list(
        Barrier.objects.filter(
            Q(pk__in=selected_ids)
            & (Q(status__in=PICKABLE_BARRIER_STATUSES) | Q(pk__in=allowed_ids))
        ).order_by("title")
    )
    found = pickable_barriers().exclude(pk__in=[b.pk for b in chosen])
    for word in query.split():
        found = found.filter(title__icontains=word)
    return [(barrier, True) for barrier in chosen] + [(barrier, False) for barrier in found[:limit]]


# --- matching ---------------------------------------------------------------


@dataclass
class Match:
    """An organisation that fits the open needs, with its score and the reasons."""

    organisation: Organisation
    score: int
    reasons: list[str]
    needs_matched: int

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _need_points(need: PartnerNeed, stages: set[int], materials: set[int]) -> tuple[int, list]:
    """Two points per matching attribute, one more when every stated attribute fits."""
    matched = []
    stated = 0
    if need.stage_id:
        stated += 1
        if need.stage_id in stages:
            matched.append(short_label(need.stage.label))
    if need.material_id:
        stated += 1
        if need.material_id in materials:
            matched.append(short_label(need.material.label))
    if not matched:
        return 0, []
    points = 2 * len(matched) + (1 if len(matched) == stated else 0)
    return points, matched


def fitting_organisations(
    pilot: PilotProject,
    *,
    needs: list[PartnerNeed] | None = None,
    exclude: set[int] | None = None,
    limit: int = 8,
) -> list[Match]:
    """Organisations whose stages and materials fit the pilot's open needs, best first.

    Score: per open need, two points for each of its stage and material the
    organisation covers, plus one when it covers all it states; summed over
    the needs. Ties: more needs matched, then name. The lead organisation
    and `exclude` are left out. 4 queries (3 with `needs` given).
    """
    if needs is None:
        needs = list(pilot.needs.select_related("stage", "material"))
    needs = [n for n in needs if n.is_open and (n.stage_id or n.material_id)]
    if not needs:
        return []
    excluded = set(exclude or ()) | ({pilot.organisation_id} if pilot.organisation_id else set())
    stage_ids = {n.stage_id for n in needs if n.stage_id}
    material_ids = {n.material_id for n in needs if n.material_id}
    org_stages: dict[int, set[int]] = defaultdict(set)
    org_materials: dict[int, set[int]] = defaultdict(set)
    if stage_ids:
        for org_id, stage_id in Organisation.value_chain_stages.through.objects.filter(
            valuechainstage_id__in=stage_ids
        ).values_list("organisation_id", "valuechainstage_id"):
            org_stages[org_id].add(stage_id)
    if material_ids:
        for org_id, material_id in Organisation.materials.through.objects.filter(
            material_id__in=material_ids
        ).values_list("organisation_id", "material_id"):
            org_materials[org_id].add(material_id)
    scored = []
    for org_id in (set(org_stages) | set(org_materials)) - excluded:
        score, reasons, count = 0, [], 0
        per_need = []
        for need in needs:
            points, matched = _need_points(need, org_stages[org_id], org_materials[org_id])
            if points:
                per_need.append((points, need, matched))
        per_need.sort(key=lambda item: -item[0])
        for points, need, matched in per_need:
            score += points
            count += 1
            reason = ", ".join([str(need.get_role_display()), *matched])
            if reason not in reasons:
                reasons.append(reason)
        scored.append((score, count, org_id, reasons))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    # Fetch a few more than shown, so ties are broken by name among equals.
    candidates = scored[: limit * 3]
    organisations = Organisation.objects.in_bulk([item[2] for item in candidates])
    matches = [
        Match(organisations[org_id], score, reasons, count)
        for score, count, org_id, reasons in candidates
        if org_id in organisations
    ]
    matches.sort(key=lambda m: (-m.score, -m.needs_matched, m.organisation.name.lower()))
    return matches[:limit]


@dataclass
class Suggestion:
    """A pilot looking for partners like the member's organisation."""

    pilot: PilotProject
    score: int
    reasons: list[str]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def pilots_seeking_partners_like(user: User, *, limit: int = 5) -> list[Suggestion]:
    """Published pilots whose open needs fit the stages and materials of `user`'s organisation.

    Falls back to the member's own interests when the organisation states
    none. Pilots of the member's own organisation are left out. Best score
    first, then the newest. Reads needs as plain tuples and labels from the
    taxonomy cache; 3 queries (4 when the cache is cold).
    """
    organisation_id = user.organisation_id
    stage_ids: set[int] = set()
    material_ids: set[int] = set()
    if organisation_id:
        # Stages and materials of the organisation in one query: (kind, id) rows.
        stages = Organisation.value_chain_stages.through.objects.filter(
            organisation_id=organisation_id
        ).values_list(Value("stage"), "valuechainstage_id")
        materials = Organisation.materials.through.objects.filter(
            organisation_id=organisation_id
        ).values_list(Value("material"), "material_id")
        for kind, pk in stages.union(materials, all=True):
            (stage_ids if kind == "stage" else material_ids).add(pk)
    if not stage_ids and not material_ids:
        stage_ids = set(user.value_chain_stages.values_list("pk", flat=True))
        material_ids = set(user.materials.values_list("pk", flat=True))
    if not stage_ids and not material_ids:
        return []
    needs = PartnerNeed.objects.filter(
        status=PartnerNeed.Status.OPEN,
        pilot__status=PilotProject.Status.SEEKING_PARTNERS,
    ).filter(Q(stage_id__in=stage_ids) | Q(material_id__in=material_ids))
    if organisation_id:
        needs = needs.exclude(pilot__organisation_id=organisation_id)
    rows = needs.order_by("-pilot__published_at", "pilot_id", "pk").values_list(
        "pilot_id", "role", "stage_id", "material_id"
    )[:300]
    stages, materials = stage_labels(), material_labels()
    scores: dict[int, int] = {}
    reasons: dict[int, list[str]] = {}
    for pilot_id, role, stage_id, material_id in rows:
        matched = []
        if stage_id in stage_ids:
            matched.append(short_label(stages.get(stage_id, "")))
        if material_id in material_ids:
            matched.append(short_label(materials.get(material_id, "")))
        stated = (stage_id is not None) + (material_id is not None)
        points = 2 * len(matched) + (1 if len(matched) == stated else 0)
        scores[pilot_id] = scores.get(pilot_id, 0) + points
        reason = ", ".join([str(PartnerRole(role).label), *matched])
        if reason not in reasons.setdefault(pilot_id, []):
            reasons[pilot_id].append(reason)
    best = sorted(scores, key=lambda pilot_id: -scores[pilot_id])[:limit]
    pilots = PilotProject.objects.only("pk", "title").in_bulk(best)
    return [Suggestion(pilots[pk], scores[pk], reasons[pk]) for pk in best if pk in pilots]


def dashboard_panel(user: User) -> dict[str, Any]:
    """Context of `pilots/_dashboard_panel.html` for the member's dashboard."""
    return {"partner_pilots": pilots_seeking_partners_like(user)}
