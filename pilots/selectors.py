"""Reads of pilot projects: list rows, the board, the detail page, matching.

Every function runs a fixed number of queries, whatever the number of
pilots, needs or organisations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.core.paginator import Page
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import get_language

from barriers.models import Barrier
from members.models import Organisation, User
from members.permissions import is_coordinator
from thementisch.fragments import Rows, render_once
from thementisch.models import Material
from thementisch.prepared import (
    AsRead,
    PreparedQuery,
    counted_page,
    model_instance,
    statement_cursor,
)
from thementisch.taxonomy import material_labels, stage_labels

from .models import PartnerNeed, PilotApplication, PilotProject
from .permissions import can_manage_pilot, pilots_visible_to
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
    return _rows_of(list(pilots.values_list(*ROW_COLUMNS)))


# Labels as read from the database (plain strings, never lazy ones): a page shows the
# same few dozen materials again and again.
_short_label = lru_cache(maxsize=1024)(short_label)


def _rows_of(values: list[tuple]) -> list[PilotRow]:
    """`PilotRow`s of the `ROW_COLUMNS` values of some pilots; one query."""
    materials: dict[int, list[str]] = defaultdict(list)
    open_needs: dict[int, int] = defaultdict(int)
    english = (get_language() or "de").startswith("en")
    for pilot_id, label_de, label_en in _materials_and_open_needs([row[0] for row in values]):
        if label_de is None:
            open_needs[pilot_id] += 1
        else:
            materials[pilot_id].append(_short_label(label_en if english and label_en else label_de))
    return [
        PilotRow(
            *row,
            material_labels=tuple(materials.get(row[0], ())),
            open_needs=open_needs.get(row[0], 0),
        )
        for row in values
    ]


# The unfiltered list, the one most requests show: its count and its first pages are
# compiled to SQL once per process (for the coordinator and for any other member).
PREPARED_PAGES = 10
_PREPARED: dict[tuple, PreparedQuery] = {}


def _visible(coordinator: bool, user_id: tuple[int, ...]) -> QuerySet[PilotProject]:
    """`pilots_visible_to`, for the coordinator (no `user_id`) or a member (`(id,)`)."""
    return pilots_visible_to(user_id[0] if user_id else 0, coordinator=coordinator)


def _counted(pilots: QuerySet[PilotProject]) -> QuerySet:
    """`pilots.count()` as a one-row `values_list` (no GROUP BY: the only group is a
    constant)."""
    return (
        pilots.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(total=Count("pk", output_field=AsRead()))
        .values_list("total")
    )


def _prepared_count(coordinator: bool) -> PreparedQuery:
    """`visible_pilots(user).count()`."""
    key = ("count", coordinator)
    if key not in _PREPARED:
        _PREPARED[key] = PreparedQuery(lambda *user_id: _counted(_visible(coordinator, user_id)))
    return _PREPARED[key]


def _prepared_page(coordinator: bool, number: int, per_page: int) -> PreparedQuery:
    """The `ROW_COLUMNS` of page `number` (the slice is part of the SQL), each with
    the count of all visible pilots (computed once, as an uncorrelated subquery)."""
    key = ("page", coordinator, number, per_page)
    if key not in _PREPARED:
        start = (number - 1) * per_page
        _PREPARED[key] = PreparedQuery(
            lambda *user_id: list_order(_visible(coordinator, user_id)).values_list(
                *ROW_COLUMNS,
                Subquery(_counted(_visible(coordinator, user_id)), output_field=AsRead()),
            )[start : start + per_page]
        )
    return _PREPARED[key]


def list_page(user: User, number: Any, per_page: int) -> tuple[Page, list[PilotRow]]:
    """The page `number` (a query string value) of all pilots `user` (a member) may
    see, newest first, as `Paginator.get_page` gives it, and its rows; two queries
    (three for a page past the end).

    The same reads as `Paginator(list_order(visible_pilots(user)), per_page)` and
    `pilot_rows`, but the count and the first `PREPARED_PAGES` pages run as SQL
    compiled once: building these ORM queries costs more than answering them.
    """
    coordinator = is_coordinator(user)
    user_id = () if coordinator else (user.pk,)
    paginator, number, values = counted_page(
        number,
        per_page,
        page_rows=lambda n: _prepared_page(coordinator, n, per_page).rows(*user_id),
        count=lambda: _prepared_count(coordinator).rows(*user_id)[0][0],
        slice_rows=lambda start, stop: list_order(_visible(coordinator, user_id)).values_list(
            *ROW_COLUMNS
        )[start:stop],
        prepared_pages=PREPARED_PAGES,
    )
    rows = _rows_of(values)
    return Page(rows, number, paginator), rows


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


@dataclass(frozen=True)
class Interests:
    """Value-chain stages and materials of a member's organisation and of the member."""

    organisation_stages: frozenset[int] = frozenset()
    organisation_materials: frozenset[int] = frozenset()
    own_stages: frozenset[int] = frozenset()
    own_materials: frozenset[int] = frozenset()

    @property
    def has_own(self) -> bool:
        """Has the member chosen interests in the profile?"""
        return bool(self.own_stages or self.own_materials)

    def for_matching(self) -> tuple[frozenset[int], frozenset[int]]:
        """(stages, materials) to match: the organisation's, or the member's own without them."""
        if self.organisation_stages or self.organisation_materials:
            return self.organisation_stages, self.organisation_materials
        return self.own_stages, self.own_materials


# The dashboard is the most visited page. On PostgreSQL the two queries of the
# matching are written as SQL (building and compiling the querysets cost several
# times what the queries cost); the interests are sent before they are read, so
# that the dashboard can send the queries of all panels in one batch. Elsewhere
# the ORM reads the same (`interests_queryset`, `matching_needs_queryset`); a
# test compares them.
INTERESTS_SQL = """
    SELECT 'own_stages', valuechainstage_id FROM members_user_value_chain_stages
    WHERE user_id = %s
    UNION ALL
    SELECT 'own_materials', material_id FROM members_user_materials WHERE user_id = %s
    UNION ALL
    SELECT 'organisation_stages', valuechainstage_id FROM members_organisation_value_chain_stages
    WHERE organisation_id = %s
    UNION ALL
    SELECT 'organisation_materials', material_id FROM members_organisation_materials
    WHERE organisation_id = %s
"""
MATCHING_NEEDS_SQL = """
    SELECT n.pilot_id, p.title, n.role, n.stage_id, n.material_id
    FROM pilots_partnerneed n JOIN pilots_pilotproject p ON p.id = n.pilot_id
    WHERE n.status = %s AND p.status = %s AND ({matches}){not_own}
    ORDER BY p.published_at DESC, n.pilot_id, n.id
    LIMIT %s
"""
MATCHING_NEEDS_LIMIT = 300


def interests_queryset(user: User) -> QuerySet:
    """(kind, id) rows of the four link tables of `user` and their organisation."""
    parts = [
        User.value_chain_stages.through.objects.filter(user_id=user.pk).values_list(
            Value("own_stages"), "valuechainstage_id"
        ),
        User.materials.through.objects.filter(user_id=user.pk).values_list(
            Value("own_materials"), "material_id"
        ),
        Organisation.value_chain_stages.through.objects.filter(
            organisation_id=user.organisation_id
        ).values_list(Value("organisation_stages"), "valuechainstage_id"),
        Organisation.materials.through.objects.filter(
            organisation_id=user.organisation_id
        ).values_list(Value("organisation_materials"), "material_id"),
    ]
    return parts[0].union(*parts[1:], all=True)


def send_interests(user: User) -> Callable[[], Interests]:
    """Send the query of `interests_of`; the function returned reads it."""
    if connection.vendor != "postgresql":
        rows = list(interests_queryset(user))
        return lambda: _interests(rows)
    cursor = statement_cursor()
    organisation_id = user.organisation_id
    cursor.execute(INTERESTS_SQL, [user.pk, user.pk, organisation_id, organisation_id])

    def read() -> Interests:
        with cursor:
            return _interests(cursor.fetchall())

    return read


def _interests(rows: list[tuple[str, int]]) -> Interests:
    found: dict[str, set[int]] = defaultdict(set)
    for kind, pk in rows:
        found[kind].add(pk)
    return Interests(**{kind: frozenset(ids) for kind, ids in found.items()})


def interests_of(user: User) -> Interests:
    """The stages and materials of `user`'s organisation and of `user`: one query."""
    return send_interests(user)()


def matching_needs_queryset(
    stage_ids: frozenset[int], material_ids: frozenset[int], organisation_id: int | None
) -> QuerySet:
    """(pilot id, pilot title, role, stage id, material id) of the open needs of pilots
    seeking partners that name one of the stages or materials, newest pilot first."""
    needs = PartnerNeed.objects.filter(
        status=PartnerNeed.Status.OPEN,
        pilot__status=PilotProject.Status.SEEKING_PARTNERS,
    ).filter(Q(stage_id__in=stage_ids) | Q(material_id__in=material_ids))
    if organisation_id:
        needs = needs.exclude(pilot__organisation_id=organisation_id)
    return needs.order_by("-pilot__published_at", "pilot_id", "pk").values_list(
        "pilot_id", "pilot__title", "role", "stage_id", "material_id"
    )[:MATCHING_NEEDS_LIMIT]


def _matching_needs(
    stage_ids: frozenset[int], material_ids: frozenset[int], organisation_id: int | None
) -> list[tuple[int, str, str, int | None, int | None]]:
    """The rows of `matching_needs_queryset`, read with SQL on PostgreSQL."""
    if connection.vendor != "postgresql":
        return list(matching_needs_queryset(stage_ids, material_ids, organisation_id))
    matches, params = [], [PartnerNeed.Status.OPEN, PilotProject.Status.SEEKING_PARTNERS]
    for column, ids in (("n.stage_id", stage_ids), ("n.material_id", material_ids)):
        if ids:
            matches.append(f"{column} IN ({', '.join(['%s'] * len(ids))})")
            params.extend(sorted(ids))
    not_own = ""
    if organisation_id:
        not_own = " AND (p.organisation_id IS NULL OR p.organisation_id <> %s)"
        params.append(organisation_id)
    params.append(MATCHING_NEEDS_LIMIT)
    # Only placeholders and constant conditions are formatted in; values are parameters.
    sql = MATCHING_NEEDS_SQL.format(matches=" OR ".join(matches), not_own=not_own)
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def pilots_seeking_partners_like(
    user: User, *, limit: int = 5, interests: Interests | None = None
) -> list[Suggestion]:
    """Published pilots whose open needs fit the stages and materials of `user`'s organisation.

    Falls back to the member's own interests when the organisation states
    none. Pilots of the member's own organisation are left out. Best score
    first, then the newest. Reads the interests (unless given) and the
    matching needs with their pilot's title as plain tuples, labels from the
    taxonomy cache: 2 queries (3 when the cache is cold), 1 with `interests`.
    """
    interests = interests if interests is not None else interests_of(user)
    stage_ids, material_ids = interests.for_matching()
    if not stage_ids and not material_ids:
        return []
    rows = _matching_needs(stage_ids, material_ids, user.organisation_id)
    # Score every pilot with plain ints; labels are only made for the pilots shown.
    scores: dict[int, int] = {}
    titles: dict[int, str] = {}
    needs_of: dict[int, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    for pilot_id, title, role, stage_id, material_id in rows:
        matched = (stage_id in stage_ids) + (material_id in material_ids)
        stated = (stage_id is not None) + (material_id is not None)
        scores[pilot_id] = scores.get(pilot_id, 0) + 2 * matched + (matched == stated)
        titles[pilot_id] = title
        needs_of[pilot_id].append((role, stage_id, material_id))
    best = sorted(scores, key=lambda pilot_id: -scores[pilot_id])[:limit]
    if not best:
        return []
    stages, materials = stage_labels(), material_labels()
    suggestions = []
    for pilot_id in best:
        reasons: list[str] = []
        for role, stage_id, material_id in needs_of[pilot_id]:
            matched = []
            if stage_id in stage_ids:
                matched.append(short_label(stages.get(stage_id, "")))
            if material_id in material_ids:
                matched.append(short_label(materials.get(material_id, "")))
            reason = ", ".join([str(PartnerRole(role).label), *matched])
            if reason not in reasons:
                reasons.append(reason)
        pilot = model_instance(
            PilotProject, ("id", "title"), (pilot_id, titles[pilot_id]), connection.alias
        )
        suggestions.append(Suggestion(pilot, scores[pilot_id], reasons))
    return suggestions


def suggestion_row_key(suggestion: Suggestion) -> tuple:
    """Everything `pilots/_dashboard_row.html` shows of a suggestion."""
    return (suggestion.pilot.pk, suggestion.pilot.title, suggestion.reason)


def send_dashboard_panel(user: User) -> Callable[[], dict[str, Any]]:
    """Send the first query of `pilots/_dashboard_panel.html`; the function returned
    builds its context: the pilots seeking partners like the member, the panel
    (its rows from the fragment cache), and `has_interests` (has the member chosen any?).

    One query for the member's interests, one for the matching needs.
    """
    read = send_interests(user)

    def panel() -> dict[str, Any]:
        interests = read()
        suggestions = pilots_seeking_partners_like(user, interests=interests)
        rows = Rows(
            "pilots/_dashboard_row.html", suggestions, suggestion_row_key, name="suggestion"
        )
        return {
            "partner_pilots": suggestions,
            "pilots_panel": render_once("pilots/_dashboard_panel.html", {"rows": rows}),
            "has_interests": interests.has_own,
        }

    return panel
