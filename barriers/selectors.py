"""Reads of barriers: lists, search, suggestions, the detail page, the dashboard,
the policy brief and the statistics.

Every selector that returns barriers for display masks the submitter of
anonymous barriers (`permissions.mask_identity`) for everyone but the
coordinator. Lists run a fixed number of queries, whatever the row count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Greatest, RowNumber, TruncMonth
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from members.permissions import is_coordinator, is_ministry
from thementisch import taxonomy
from thementisch.comments import CommentRow, comment_row, person_name
from thementisch.models import Material, ValueChainStage

from . import detail_rows, permissions
from .choices import Category, GovernanceLevel
from .models import Barrier, BarrierComment, Endorsement, EvidenceFile, OfficialResponse

S = Barrier.Status
MARK_START, MARK_STOP = "\u2063[[", "]]\u2063"
COUNT_LIMIT = 1000
SIMILAR_LIMIT = 5


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def highlight(text: str | None) -> SafeString:
    """Escape `text` and turn the headline markers into <mark> elements."""
    escaped = escape(text or "")
    escaped = escaped.replace(escape(MARK_START), "<mark>").replace(escape(MARK_STOP), "</mark>")
    # Escaped above; only our own <mark> tags are added.
    return mark_safe(escaped)


# --- lists and search ------------------------------------------------------------


def list_queryset(user) -> QuerySet[Barrier]:
    """Barriers `user` may read, with what a list row shows loaded."""
    return (
        permissions.visible_barriers(user)
        .select_related("organisation", "author", "policy_item")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("order")))
    )


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, config="german", search_type="websearch")


def apply_search(queryset: QuerySet[Barrier], text: str) -> QuerySet[Barrier]:
    """German full-text search, ranked (title above description), with snippets.

    On PostgreSQL: the stored search vector, `german` stemming, rank and
    highlighted headlines (`rank`, `title_headline`, `snippet`). Elsewhere
    every word must appear in title or description (icontains).
    """
    text = " ".join(text.split())[:200]
    if not text:
        return queryset
    if uses_postgres():
        query = search_query(text)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query),
            title_headline=SearchHeadline(
                "title",
                query,
                config="german",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                highlight_all=True,
            ),
            snippet=SearchHeadline(
                "description",
                query,
                config="german",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
            ),
        )
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


@dataclass
class CheapPage:
    """A page of results without a full COUNT: one row more tells whether a next page exists."""

    object_list: list
    number: int
    has_next: bool
    total: int
    total_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def paginate(
    queryset: QuerySet, *, page: Any, per_page: int = 20, count_queryset: QuerySet | None = None
) -> CheapPage:
    """Slice one page and count at most COUNT_LIMIT rows (two queries, bounded cost)."""
    try:
        number = max(1, min(int(page), 10_000))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    base = count_queryset if count_queryset is not None else queryset
    total = base.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return CheapPage(
        object_list=rows[:per_page],
        number=number,
        has_next=len(rows) > per_page,
        total=min(total, COUNT_LIMIT),
        total_capped=total > COUNT_LIMIT,
    )


def similar_barriers(user, title: str, *, exclude_pk: int | None = None) -> list[Barrier]:
    """Up to five readable barriers whose title resembles `title` (while typing).

    PostgreSQL: trigram similarity of the titles (pg_trgm, GIN-indexed) or a
    full-text match; elsewhere any longer word of the title in the title.
    """
    title = " ".join(title.split())[:200]
    if len(title) < 4:
        return []
    queryset = permissions.visible_barriers(user).exclude(status=S.REJECTED)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if uses_postgres():
        queryset = (
            queryset.filter(
                Q(title__trigram_word_similar=title)
                | Q(search_vector=SearchQuery(title, config="german", search_type="plain"))
            )
            .annotate(
                similarity=Greatest(
                    TrigramSimilarity("title", title), TrigramWordSimilarity(title, "title")
                )
            )
            .order_by("-similarity", "-endorsing_organisation_count")
        )
    else:
        words = [word for word in re.findall(r"\w+", title) if len(word) >= 5]
        if not words:
            return []
        query = Q()
        for word in words:
            query |= Q(title__icontains=word[:8])
        queryset = queryset.filter(query).order_by("-endorsing_organisation_count")
    return permissions.mask_all(queryset[:SIMILAR_LIMIT], user)


# --- the detail page -----------------------------------------------------------------


def detail_queryset(user) -> QuerySet[Barrier]:
    """The barrier of the detail page with what the page shows besides its lists, in one query.

    Submitter, organisation and regulation are joined (only the columns
    shown); annotations carry the viewer's own endorsement note (None: not
    endorsed), whether official responses, evidence and linked pilots exist
    (their lists are loaded only then).
    """
    queryset = Barrier.objects.select_related("author", "organisation", "policy_item").only(
        *(f.name for f in Barrier._meta.concrete_fields if f.name not in DETAIL_SKIPPED),
        *(f"author__{name}" for name in PERSON_FIELDS),
        "organisation__name",
        "policy_item__title",
        "policy_item__short_name",
        "policy_item__slug",
    )
    if user.is_authenticated:
        own = Endorsement.objects.filter(barrier=OuterRef("pk"), user_id=user.pk).values("note")
        queryset = queryset.annotate(own_endorsement_note=Subquery(own[:1]))
    else:
        queryset = queryset.annotate(own_endorsement_note=Value(None, output_field=CharField()))
    queryset = queryset.annotate(
        has_responses=Exists(OfficialResponse.objects.filter(barrier=OuterRef("pk"))),
        has_evidence=Exists(EvidenceFile.objects.filter(barrier=OuterRef("pk"))),
        has_pilots=Exists(Barrier.pilots.through.objects.filter(barrier_id=OuterRef("pk"))),
    )
    return queryset


DETAIL_SKIPPED = {"search_vector", "demo_key", "overdue_notified_at"}  # never shown
PERSON_FIELDS = ("first_name", "last_name", "email")  # what `|person` shows
COMMENT_COLUMNS = (
    "pk", "author_id", "body", "created_at", "edited_at", "removed_at", "hide_author",
    *(f"author__{name}" for name in PERSON_FIELDS), "author__organisation__name",
)  # fmt: skip


def _taxonomy_labels(barrier: Barrier) -> tuple[list[str], list[str]]:
    """Labels of the barrier's materials and stages, in the taxonomies' order."""
    # Two id-only queries cost less than joining the taxonomy rows (or annotating arrays).
    material_ids = set(
        Barrier.materials.through.objects.filter(barrier_id=barrier.pk).values_list(
            "material_id", flat=True
        )
    )
    stage_ids = set(
        Barrier.value_chain_stages.through.objects.filter(barrier_id=barrier.pk).values_list(
            "valuechainstage_id", flat=True
        )
    )
    # The label tables are in the models' order (Meta.ordering).
    materials = [label for pk, label in taxonomy.material_labels().items() if pk in material_ids]
    stages = [label for pk, label in taxonomy.stage_labels().items() if pk in stage_ids]
    return materials, stages


def _flag(barrier: Barrier, name: str) -> bool:
    """An existence annotation of `detail_queryset`; True (so: look) when it is missing."""
    return getattr(barrier, name, True)


def comment_rows_for(barrier: Barrier, user) -> list[CommentRow]:
    """The comments of the barrier page as rows for `user` (one query, no model instances).

    The submitter of an anonymous barrier writes with `hide_author`: only the
    coordinator sees who wrote those comments.
    """
    show_hidden = is_coordinator(user)
    now = timezone.now()
    rows = []
    for values in BarrierComment.objects.filter(barrier_id=barrier.pk).values(*COMMENT_COLUMNS):
        author_id = values["author_id"]
        if author_id is None:
            author_name = person_name(None)
        else:  # as `|person` shows a member
            full_name = f"{values['author__first_name']} {values['author__last_name']}".strip()
            author_name = full_name or values["author__email"]
        rows.append(
            comment_row(
                pk=values["pk"],
                author_id=author_id,
                author_name=author_name,
                organisation_name=values["author__organisation__name"],
                body=values["body"],
                created_at=values["created_at"],
                edited_at=values["edited_at"],
                removed_at=values["removed_at"],
                hidden=values["hide_author"] and not show_hidden,
                viewer=user,
                now=now,
            )
        )
    return rows


def detail_context(barrier: Barrier, user) -> dict[str, Any]:
    """What the barrier page shows besides the barrier (already masked).

    The lists (timeline, comments, endorsers' notes) come as rows from the
    fragment cache (`detail_rows`, `thementisch.comments`). Best with a
    barrier from `detail_queryset`; works with any.
    """
    show_identities = permissions.can_see_identity(user, barrier)
    submitter_id = barrier.author_id
    events = list(
        barrier.events.select_related("actor").only(
            "barrier_id", "actor_id", "kind", "from_status", "to_status", "note", "created_at",
            *(f"actor__{name}" for name in PERSON_FIELDS),
        )
    )  # fmt: skip
    hidden = getattr(barrier, "identity_hidden", False)
    author_id = _real_author_id(barrier) if hidden else None
    for event in events:
        # The submitter's own entries of an anonymous barrier stay anonymous.
        event.actor_hidden = bool(hidden and event.actor_id and event.actor_id == author_id)
    comments = comment_rows_for(barrier, user)
    # Counts are kept on the barrier; the page lists only notes and the own endorsement.
    endorsement_notes = list(
        Endorsement.objects.filter(barrier=barrier)
        .exclude(note="")
        .select_related("user", "organisation")
        .only("note", *(f"user__{name}" for name in PERSON_FIELDS), "organisation__name")
    )  # fmt: skip
    if hasattr(barrier, "own_endorsement_note"):
        own_endorsement = barrier.own_endorsement_note is not None
        own_note = barrier.own_endorsement_note or ""
    else:
        own = (
            Endorsement.objects.filter(barrier=barrier, user=user).only("note").first()
            if user.is_authenticated
            else None
        )
        own_endorsement, own_note = own is not None, own.note if own else ""
    responses = (
        list(
            OfficialResponse.objects.filter(barrier=barrier).select_related(
                "author", "organisation"
            )
        )
        if _flag(barrier, "has_responses")
        else []
    )
    evidence = (
        list(EvidenceFile.objects.filter(barrier=barrier).select_related("uploaded_by"))
        if _flag(barrier, "has_evidence")
        else []
    )
    pilots = (
        list(barrier.pilots.exclude(status="draft").order_by("-created_at"))
        if _flag(barrier, "has_pilots")
        else []
    )
    materials, stages = _taxonomy_labels(barrier)
    return {
        "event_rows": detail_rows.event_rows(events),
        "comments": comments,
        "endorsement_notes": endorsement_notes,
        "note_rows": detail_rows.note_rows(endorsement_notes),
        "own_endorsement": own_endorsement,
        "own_endorsement_note": own_note,
        "responses": responses,
        "evidence": evidence,
        "pilots": pilots,
        "materials": materials,
        "stages": stages,
        "show_identities": show_identities,
        "is_submitter": bool(user.is_authenticated and submitter_id == user.pk),
    }


def _real_author_id(barrier: Barrier) -> int | None:
    """The submitter's id even on a masked copy (one query, only for anonymous ones)."""
    if not getattr(barrier, "_identity_masked", False):
        return barrier.author_id
    if not hasattr(barrier, "_real_author_id"):
        barrier._real_author_id = (
            Barrier.objects.filter(pk=barrier.pk).values_list("author_id", flat=True).first()
        )
    return barrier._real_author_id


# --- dashboard and work lists ---------------------------------------------------------


def dashboard_panel(user) -> dict[str, Any]:
    """The member's barriers and endorsed ones with status; for coordinators
    the overdue forwarded barriers, for ministry members those to answer."""
    mine = list(
        Barrier.objects.filter(author=user).exclude(status=S.MERGED).order_by("-updated_at")[:8]
    )
    endorsed = list(
        permissions.visible_barriers(user)
        .filter(endorsements__user=user)
        .order_by("-updated_at")[:8]
    )
    context: dict[str, Any] = {
        "barriers_mine": mine,
        "barriers_endorsed": permissions.mask_all(endorsed, user),
    }
    if is_coordinator(user):
        today = timezone.localdate()
        context["barriers_overdue"] = list(
            Barrier.objects.filter(status=S.FORWARDED, answer_by__lt=today)
            .select_related("forwarded_to")
            .order_by("answer_by")[:10]
        )
        context["barriers_to_review"] = Barrier.objects.filter(
            status__in=(S.SUBMITTED, S.IN_REVIEW)
        ).count()
    if is_ministry(user):
        context["barriers_to_answer"] = permissions.mask_all(
            forwarded_worklist(user).filter(status=S.FORWARDED)[:10], user
        )
    return context


def forwarded_worklist(user) -> QuerySet[Barrier]:
    """Forwarded (and answered) barriers for a ministry member, or all for the coordinator."""
    if is_coordinator(user):
        queryset = Barrier.objects.filter(status__in=(S.FORWARDED, S.ANSWERED))
    else:
        queryset = Barrier.objects.filter(permissions.forwarded_to_user_q(user))
    return queryset.select_related("forwarded_to").order_by(
        F("answer_by").asc(nulls_last=True), "-forwarded_at"
    )


# --- policy brief ------------------------------------------------------------------------

BRIEF_STATUSES = (S.PUBLISHED, S.FORWARDED, S.ANSWERED)
BRIEF_PER_GROUP = 10


@dataclass
class BriefCategory:
    label: str
    barriers: list[Barrier]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.barriers)


@dataclass
class BriefGroup:
    level: str
    label: str
    categories: list[BriefCategory] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(category.total for category in self.categories)


def policy_brief(
    user, queryset: QuerySet[Barrier] | None = None, *, per_group: int = BRIEF_PER_GROUP
) -> list[BriefGroup]:
    """Published barriers grouped by level and category, most endorsed first.

    Each level/category group shows its `per_group` most endorsed barriers
    (one window-function query) and says how many there are in all.
    """
    queryset = queryset if queryset is not None else list_queryset(user)
    queryset = queryset.filter(status__in=BRIEF_STATUSES)
    order = [
        F("endorsing_organisation_count").desc(),
        F("endorsement_count").desc(),
        F("created_at").desc(),
    ]
    totals = {
        (row["level"], row["category"]): row["n"]
        for row in queryset.order_by().values("level", "category").annotate(n=Count("pk"))
    }
    top = (
        queryset.annotate(
            group_rank=Window(RowNumber(), partition_by=[F("level"), F("category")], order_by=order)
        )
        .filter(group_rank__lte=per_group)
        .select_related("forwarded_to")
        .prefetch_related(
            Prefetch("responses", queryset=OfficialResponse.objects.select_related("organisation"))
        )
        .order_by(*order)
    )
    rows = permissions.mask_all(top, user)
    grouped: dict[str, dict[str, list[Barrier]]] = defaultdict(lambda: defaultdict(list))
    for barrier in rows:
        grouped[barrier.level][barrier.category].append(barrier)
    groups = []
    for level in GovernanceLevel:
        if level.value not in grouped:
            continue
        group = BriefGroup(level=level.value, label=str(level.label))
        categories = grouped[level.value]
        for category in Category:
            if category.value in categories:
                group.categories.append(
                    BriefCategory(
                        label=str(category.label),
                        barriers=categories[category.value],
                        total=totals.get((level.value, category.value), 0),
                    )
                )
        groups.append(group)
    return groups


# --- statistics ----------------------------------------------------------------------------


def statistics(user) -> dict[str, Any]:
    """Counts for the charts: by category, stage × material, status funnel, monthly trend.

    Over the barriers `user` may read (merged ones left out). No person or
    organisation is involved.
    """
    base = permissions.visible_barriers(user)
    by_category = dict(base.values_list("category").annotate(n=Count("pk")).order_by())
    categories = [(str(c.label), by_category.get(c.value, 0)) for c in Category]

    by_status = dict(base.values_list("status").annotate(n=Count("pk")).order_by())
    main = list(permissions.MAIN_PATH)
    funnel = []
    for index, status in enumerate(main):
        reached = sum(by_status.get(s, 0) for s in main[index:])
        funnel.append((str(S(status).label), by_status.get(status, 0), reached))
    side = [(str(S(s).label), by_status.get(s, 0)) for s in (S.DEFERRED, S.REJECTED)]

    pairs = (
        base.filter(value_chain_stages__isnull=False, materials__isnull=False)
        .values_list("value_chain_stages", "materials")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    matrix: dict[tuple[int, int], int] = {(s, m): n for s, m, n in pairs}
    stage_ids = sorted({s for s, _m in matrix})
    material_ids = sorted({m for _s, m in matrix})
    stages = list(ValueChainStage.objects.filter(pk__in=stage_ids))
    materials = list(Material.objects.filter(pk__in=material_ids))
    heatmap = {
        "stages": [str(stage) for stage in stages],
        "materials": [str(material) for material in materials],
        "rows": [
            (str(stage), [matrix.get((stage.pk, material.pk), 0) for material in materials])
            for stage in stages
        ],
    }

    now = timezone.localtime()
    months = []
    year, month = now.year, now.month
    for _step in range(12):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    start = timezone.make_aware(timezone.datetime(months[0][0], months[0][1], 1))
    per_month = {
        (row["month"].year, row["month"].month): row["n"]
        for row in base.filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    trend = [(f"{m:02d}/{y}", per_month.get((y, m), 0)) for y, m in months]
    return {
        "categories": categories,
        "funnel": funnel,
        "side_exits": side,
        "heatmap": heatmap,
        "trend": trend,
        "total": sum(by_status.values()),
    }
