"""Reads of barriers: lists, search, suggestions, the detail page, the dashboard,
the policy brief and the statistics.

Every selector that returns barriers for display masks the submitter of
anonymous barriers (`permissions.mask_identity`) for everyone but the
coordinator. Lists run a fixed number of queries, whatever the row count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
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
    Expression,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import MD5, Cast, Greatest, RowNumber, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from members.permissions import is_coordinator, is_ministry
from thementisch import taxonomy
from thementisch.fragments import Rows, render_once
from thementisch.models import Material, ValueChainStage
from thementisch.prepared import PreparedQuery, model_instance, statement_cursor

from . import detail_rows, permissions
from .choices import Category, GovernanceLevel
from .models import (
    Barrier,
    BarrierComment,
    BarrierEvent,
    BarrierSearch,
    BarrierSearchTerm,
    Endorsement,
    EvidenceFile,
    OfficialResponse,
)

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


def _clean_search_text(text: str) -> str:
    return " ".join(text.split())[:200]


def _search_annotations(query: SearchQuery) -> dict[str, Any]:
    """Rank and highlighted headlines (title, description snippet) of a full-text match."""
    return {
        "rank": SearchRank(F("search_vector"), query),
        "title_headline": SearchHeadline(
            "title",
            query,
            config="german",
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            highlight_all=True,
        ),
        "snippet": SearchHeadline(
            "description",
            query,
            config="german",
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
        ),
    }


def apply_search(
    queryset: QuerySet[Barrier], text: str, *, headlines: bool = True
) -> QuerySet[Barrier]:
    """German full-text search, ranked (title above description), with snippets.

    On PostgreSQL: the stored search vector, `german` stemming, rank and
    highlighted headlines (`rank`, `title_headline`, `snippet`; without
    `headlines` only the rank). Elsewhere every word must appear in title or
    description (icontains).
    """
    text = _clean_search_text(text)
    if not text:
        return queryset
    if uses_postgres():
        query = search_query(text)
        annotations = _search_annotations(query)
        if not headlines:
            annotations = {"rank": annotations["rank"]}
        return queryset.filter(search_vector=query).annotate(**annotations)
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


SEARCH_ORDER = ("-rank", "-endorsing_organisation_count", "-pk")
# The same order in the search tables, whose rows name their barrier in `barrier_id`.
RANKED_ORDER = ("-rank", "-endorsing_organisation_count", "-barrier_id")
# One German word (letters and digits only): ranked from BarrierSearchTerm.
ONE_WORD = re.compile(r"[0-9A-Za-zÄÖÜäöüß]+")


def is_one_word(text: str) -> bool:
    """Whether a search for `text` is a search for one word (`ranked_matches`)."""
    return ONE_WORD.fullmatch(_clean_search_text(text)) is not None


def _lexeme(word: str) -> RawSQL:
    """The lexeme of one `word` as `search_query` makes it (NULL for a stop word)."""
    return RawSQL(
        "(SELECT CASE WHEN cardinality(words) = 1 THEN words[1] END"
        " FROM tsvector_to_array(to_tsvector('german', %s)) AS words)",
        (word,),
    )


def ranked_matches(
    user, text: str, *, within: QuerySet[Barrier] | None = None
) -> QuerySet[BarrierSearch] | QuerySet[BarrierSearchTerm]:
    """The barriers `user` may read that match `text` (PostgreSQL), best first.

    Rows of a search table naming their barrier in `barrier_id`, with the
    `rank` of `apply_search`, in the order of a ranked list (RANKED_ORDER).
    A search for one word reads BarrierSearchTerm, where that word's matches
    lie in this order in an index: a page reads a page of rows. Any other
    search reads the narrow search table (BarrierSearch), ranking every match
    there: in the wide barrier rows that costs several times as much.
    `within`: only these barriers (a list's other filters).
    """
    text = _clean_search_text(text)
    visible = permissions.visible_barriers_q(user)
    if within is None and is_one_word(text):
        return BarrierSearchTerm.objects.filter(visible, lexeme=_lexeme(text)).order_by(
            *RANKED_ORDER
        )
    query = search_query(text)
    matches = BarrierSearch.objects.filter(visible, search_vector=query)
    if within is not None:
        matches = matches.filter(pk__in=within.order_by().values("pk"))
    return matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by(*RANKED_ORDER)


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


def _page_number(page: Any) -> int:
    try:
        return max(1, min(int(page), 10_000))
    except (TypeError, ValueError):
        return 1


def _cheap_page(rows: list, *, number: int, per_page: int, count_queryset: QuerySet) -> CheapPage:
    total = count_queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return CheapPage(
        object_list=rows[:per_page],
        number=number,
        has_next=len(rows) > per_page,
        total=min(total, COUNT_LIMIT),
        total_capped=total > COUNT_LIMIT,
    )


def paginate(
    queryset: QuerySet, *, page: Any, per_page: int = 20, count_queryset: QuerySet | None = None
) -> CheapPage:
    """Slice one page and count at most COUNT_LIMIT rows (two queries, bounded cost)."""
    number = _page_number(page)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    base = count_queryset if count_queryset is not None else queryset
    return _cheap_page(rows, number=number, per_page=per_page, count_queryset=base)


class _Headlines:
    """The highlighted title and description snippet of a page's search results,
    read with one query when the first row that is not cached is rendered."""

    def __init__(self, ids: list[int], text: str) -> None:
        self.ids, self.text = ids, text
        self.found: dict[int, tuple[SafeString, SafeString]] | None = None

    def of(self, pk: int) -> tuple[SafeString | None, SafeString | None]:
        if self.found is None:
            rows = (
                Barrier.objects.filter(pk__in=self.ids)
                .annotate(**_search_annotations(search_query(self.text)))
                .values_list("pk", "title_headline", "snippet")
            )
            self.found = {pk: (highlight(title), highlight(snippet)) for pk, title, snippet in rows}
        return self.found.get(pk, (None, None))


@dataclass(eq=False)
class ListRow:
    """A row of `/barriers/`: plain values, the submitter already masked for the viewer."""

    pk: int
    title: str
    status: str
    is_demo: bool
    category: str
    level: str
    created_at: Any
    endorsing_organisation_count: int
    endorsement_count: int
    comment_count: int
    identity_hidden: bool
    organisation_name: str | None  # None when hidden or none given
    author_name: str | None  # full name or email; None when hidden or the account is gone
    materials: list[str] = field(default_factory=list)
    # With a search: its text and the description's hash, which decide the
    # highlighted headlines (with the title); those are read only when shown.
    search_text: str = ""
    description_hash: str | None = None
    headlines: _Headlines | None = None

    def get_absolute_url(self) -> str:
        return reverse("barriers:detail", args=[self.pk])

    @property
    def title_html(self) -> SafeString | None:
        return self.headlines.of(self.pk)[0] if self.headlines else None

    @property
    def snippet_html(self) -> SafeString | None:
        return self.headlines.of(self.pk)[1] if self.headlines else None

    # Labels in the active language, for the row template (rendered only on a cache miss).
    def get_status_display(self) -> str:
        return _choice_label(Barrier.Status, self.status)

    def get_category_display(self) -> str:
        return _choice_label(Category, self.category)

    def get_level_display(self) -> str:
        return _choice_label(GovernanceLevel, self.level)


def _choice_label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


LIST_ROW_VALUES = (
    "pk", "title", "status", "is_demo", "category", "level", "created_at",
    "endorsing_organisation_count", "endorsement_count", "comment_count",
    "is_anonymous", "author_id", "organisation__name",
    "author__first_name", "author__last_name", "author__email",
)  # fmt: skip


def list_querysets(
    queryset: QuerySet[Barrier],
    *,
    count_queryset: QuerySet[Barrier],
    search_text: str = "",
    offset: int,
    limit: int,
    ranked: QuerySet[BarrierSearch] | None = None,
) -> tuple[QuerySet, QuerySet, bool, QuerySet | None]:
    """The reads of one page of `/barriers/`: (rows, count, searched, ids).

    `queryset` is filtered and ordered (BarrierFilter.qs); only the columns a
    row shows are read, never the search vector. On PostgreSQL each row also
    carries its material ids (an array subquery), so a page is two queries:
    the rows and the bounded count (`COUNT(*)` over the `count` queryset).

    With a search, the database ranks and slices the ids first, then reads
    the page's rows with a hash of their description: the highlighted
    headlines are read only for rows not in the fragment cache (see
    `ListRow.title_html`). With `ranked` (the same matches in the same order,
    from a search table: `BarrierFilter.ranked_matches`) the ids and the
    count are read from there. `ids` is the page's ids in order, for reading
    the ids and the rows apart (`searched_rows` reads the rows), where
    planning the ids for the words searched pays (the narrow search table);
    None without a search and for a search of one word (its ids come in the
    order of an index whatever the word).
    """
    text = _clean_search_text(search_text)
    postgres = uses_postgres()
    searched = bool(text) and postgres
    columns = _list_columns(postgres)
    order = queryset.query.order_by or Barrier._meta.ordering
    key = "pk"
    if searched and ranked is not None:
        queryset, count_queryset, order, key = ranked, ranked, SEARCH_ORDER, "barrier_id"
    ids = None
    if searched:
        ids = queryset.values(key)[offset : offset + limit]
        rows = (
            searched_rows(Q(pk__in=ids))
            .annotate(rank=SearchRank(F("search_vector"), search_query(text)))  # for the order
            .order_by(*order)
            .values_list(*columns, "description_hash")
        )
        if ranked is not None and ranked.model is BarrierSearchTerm:
            ids = None
    else:
        rows = queryset.annotate(**_list_annotations(postgres)).values_list(*columns)[
            offset : offset + limit
        ]
    count = count_queryset.order_by().values(key)[: COUNT_LIMIT + 1]
    return rows, count, searched, ids


def _list_columns(postgres: bool) -> list[str]:
    return [*LIST_ROW_VALUES, "material_ids"] if postgres else list(LIST_ROW_VALUES)


def _list_annotations(postgres: bool) -> dict[str, Any]:
    if not postgres:
        return {}
    materials = Barrier.materials.through.objects.filter(barrier_id=OuterRef("pk"))
    return {"material_ids": ArraySubquery(materials.order_by().values("material_id"))}


def searched_rows(condition: Q | Expression) -> QuerySet[Barrier]:
    """The barriers `condition` picks (the ids of a page of search results), with the
    columns of a list row and a hash of the description (for the highlighted
    snippet's cache key), in no order (PostgreSQL)."""
    return Barrier.objects.filter(condition).annotate(
        **_list_annotations(True), description_hash=MD5("description")
    )


def list_page(
    queryset: QuerySet[Barrier],
    user,
    *,
    page: Any,
    per_page: int,
    count_queryset: QuerySet[Barrier],
    search_text: str = "",
) -> CheapPage:
    """One page of `/barriers/` as ListRow values, masked for `user` (see
    `list_querysets`; `barriers.listing` runs the same reads compiled once)."""
    number = _page_number(page)
    rows, count, searched, _ids = list_querysets(
        queryset,
        count_queryset=count_queryset,
        search_text=search_text,
        offset=(number - 1) * per_page,
        limit=per_page + 1,
    )
    return page_of_rows(
        list(rows),
        user,
        number=number,
        per_page=per_page,
        searched=searched,
        search_text=_clean_search_text(search_text),
        count=count.count,
    )


def page_of_rows(
    rows: list[tuple],
    user,
    *,
    number: int,
    per_page: int,
    searched: bool,
    search_text: str = "",
    count: Callable[[], int],
) -> CheapPage:
    """A CheapPage of ListRows from the rows of `list_querysets` (`count` runs
    the bounded count; left out when the first page holds every match)."""
    with_materials = uses_postgres()
    barriers = [_list_row(values, user, with_materials) for values in rows]
    if searched:
        headlines = _Headlines([row.pk for row in barriers], search_text)
        for row in barriers:
            row.search_text, row.headlines = search_text, headlines
    if not with_materials:
        materials = _material_labels([row.pk for row in barriers])
        for row in barriers:
            row.materials = materials.get(row.pk, [])
    elif barriers:
        _label_materials(barriers)
    if number == 1 and len(barriers) <= per_page:
        # The first page holds every match: no count needed.
        return CheapPage(barriers, number, has_next=False, total=len(barriers), total_capped=False)
    total = count()
    return CheapPage(
        object_list=barriers[:per_page],
        number=number,
        has_next=len(barriers) > per_page,
        total=min(total, COUNT_LIMIT),
        total_capped=total > COUNT_LIMIT,
    )


def _list_row(values: tuple, user, with_materials: bool = False) -> ListRow:
    (pk, title, status, is_demo, category, level, created_at, organisations, endorsements,
     comments, is_anonymous, author_id, organisation_name, first_name, last_name, email,
     *extra) = values  # fmt: skip
    material_ids = extra.pop(0) if with_materials else ()
    visible = permissions.identity_visible(user, is_anonymous=is_anonymous, author_id=author_id)
    author_name = None
    if visible and author_id is not None:
        author_name = f"{first_name} {last_name}".strip() or email
    return ListRow(
        pk=pk,
        title=title,
        status=status,
        is_demo=is_demo,
        category=category,
        level=level,
        created_at=created_at,
        endorsing_organisation_count=organisations,
        endorsement_count=endorsements,
        comment_count=comments,
        identity_hidden=not visible,
        organisation_name=organisation_name if visible else None,
        author_name=author_name,
        materials=material_ids or [],
        description_hash=extra[0] if extra else None,
    )


def _label_materials(rows: list[ListRow]) -> None:
    """Replace each row's material ids by their labels (active language), in the
    taxonomy's order (Material.Meta.ordering), from the cached taxonomy."""
    labels = taxonomy.material_labels()
    position = {pk: index for index, pk in enumerate(labels)}
    last = len(position)
    for row in rows:
        ids = row.materials
        if len(ids) > 1:
            ids = sorted(ids, key=lambda pk: position.get(pk, last))
        row.materials = [labels[pk] for pk in ids if pk in labels]


def _material_labels(ids: list[int]) -> dict[int, list[str]]:
    """Material labels (active language) of each barrier, from the cached taxonomy.

    In the taxonomy's order (Material.Meta.ordering: main materials first, then
    by `order`), as the filter lists them.
    """
    if not ids:
        return {}
    labels = taxonomy.material_labels()
    position = {pk: index for index, pk in enumerate(labels)}
    pairs = sorted(
        Barrier.materials.through.objects.filter(barrier_id__in=ids).values_list(
            "barrier_id", "material_id"
        ),
        key=lambda pair: position.get(pair[1], len(position)),
    )
    found: dict[int, list[str]] = defaultdict(list)
    for barrier_id, material_id in pairs:
        if material_id in labels:
            found[barrier_id].append(labels[material_id])
    return found


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


DETAIL_SKIPPED = {"search_vector", "demo_key", "overdue_notified_at"}  # never shown
PERSON_FIELDS = ("first_name", "last_name", "email")  # what `|person` shows


def _page_facts(barrier_id, user_id) -> tuple:
    """The viewer's own endorsement note (None: not endorsed) and whether official
    responses, evidence, linked pilots, timeline events, endorsers' notes and
    comments exist (their lists are loaded only then)."""
    return (
        Subquery(
            Endorsement.objects.filter(barrier_id=barrier_id, user_id=user_id)
            .order_by()
            .values("note")[:1]
        ),
        Exists(OfficialResponse.objects.filter(barrier_id=barrier_id)),
        Exists(EvidenceFile.objects.filter(barrier_id=barrier_id)),
        Exists(Barrier.pilots.through.objects.filter(barrier_id=barrier_id)),
        Exists(BarrierEvent.objects.filter(barrier_id=barrier_id)),
        Exists(Endorsement.objects.filter(barrier_id=barrier_id).exclude(note="")),
        Exists(BarrierComment.objects.filter(barrier_id=barrier_id)),
        *_taxonomy_ids(barrier_id),
    )


def _taxonomy_ids(barrier_id) -> tuple:
    """On PostgreSQL the ids of the barrier's materials and stages, as two arrays in the
    same query; elsewhere nothing (`_taxonomy_labels` reads them then)."""
    if connection.vendor != "postgresql":
        return ()
    return (
        ArraySubquery(
            Barrier.materials.through.objects.filter(barrier_id=barrier_id).values("material_id")
        ),
        ArraySubquery(
            Barrier.value_chain_stages.through.objects.filter(barrier_id=barrier_id).values(
                "valuechainstage_id"
            )
        ),
    )


# The reads of the barrier page run on every view of it: compiled once (thementisch.prepared).
_BARRIER_FIELDS = [f for f in Barrier._meta.concrete_fields if f.name not in DETAIL_SKIPPED]
_RELATED_COLUMNS = {  # what the page shows of the joined rows (see `detail_barrier`)
    "author": ("id", *PERSON_FIELDS),
    "organisation": ("id", "name"),
    "policy_item": ("id", "title", "short_name", "slug"),
    "forwarded_to": ("id", "name"),
}
_DETAIL = PreparedQuery(
    lambda barrier_id, user_id: Barrier.objects.filter(pk=barrier_id).values_list(
        *(f.attname for f in _BARRIER_FIELDS),
        *(f"{name}__{column}" for name, columns in _RELATED_COLUMNS.items() for column in columns),
        *_page_facts(OuterRef("pk"), user_id),
    )
)
_PAGE_FACTS = PreparedQuery(
    lambda barrier_id, user_id: Barrier.objects.filter(pk=barrier_id).values_list(
        *_page_facts(OuterRef("pk"), user_id)
    )
)


def detail_barrier(pk: int, user) -> tuple[Barrier | None, tuple | None]:
    """The barrier of the detail page (not yet checked nor masked: see
    `permissions.checked_barrier`) with submitter, organisation, regulation and
    the ministry it is forwarded to (only what the page shows), and the facts
    `detail_context` needs, in one query."""
    rows = _DETAIL.rows(pk, user.pk or 0)
    if not rows:
        return None, None
    values = rows[0]
    count = len(_BARRIER_FIELDS)
    barrier = Barrier.from_db(_DETAIL.using, [f.attname for f in _BARRIER_FIELDS], values[:count])
    for name, columns in _RELATED_COLUMNS.items():
        related = values[count : count + len(columns)]
        count += len(columns)
        if related[0] is not None:
            model = Barrier._meta.get_field(name).related_model
            setattr(barrier, name, model.from_db(_DETAIL.using, columns, related))
        else:
            setattr(barrier, name, None)
    return barrier, values[count:]


_MATERIAL, _STAGE = "m", "s"
_TAXONOMY_IDS = PreparedQuery(
    lambda barrier_id: (
        Barrier.materials.through.objects.filter(barrier_id=barrier_id)
        .values_list("material_id", Value(_MATERIAL))
        .union(
            Barrier.value_chain_stages.through.objects.filter(barrier_id=barrier_id).values_list(
                "valuechainstage_id", Value(_STAGE)
            ),
            all=True,
        )
    )
)
_EVENT_COLUMNS = (
    "pk", "created_at", "kind", "from_status", "to_status", "note",
    "actor_id", *(f"actor__{name}" for name in PERSON_FIELDS),
)  # fmt: skip
_EVENTS = PreparedQuery(
    lambda barrier_id: BarrierEvent.objects.filter(barrier_id=barrier_id).values_list(
        *_EVENT_COLUMNS
    )
)
COMMENT_COLUMNS = (
    "pk", "author_id", "body", "created_at", "edited_at", "removed_at", "hide_author",
    *(f"author__{name}" for name in PERSON_FIELDS), "author__organisation__name",
)  # fmt: skip
# `created_at` is read as text (detail_rows.parse_time): the driver reads text
# several times faster than a timestamp, and only a rendered row needs the time.
_COMMENTS = PreparedQuery(
    lambda barrier_id: BarrierComment.objects.filter(barrier_id=barrier_id).values_list(
        *(
            Cast(column, output_field=CharField()) if column == "created_at" else column
            for column in COMMENT_COLUMNS
        )
    )
)
_NOTE_COLUMNS = (
    "pk", "note", "user_id", *(f"user__{name}" for name in PERSON_FIELDS), "organisation__name",
)  # fmt: skip
_NOTES = PreparedQuery(
    lambda barrier_id: (
        Endorsement.objects.filter(barrier_id=barrier_id)
        .exclude(note="")
        .values_list(*_NOTE_COLUMNS)
    )
)


_person = detail_rows.person


def _taxonomy_labels(barrier: Barrier, ids: list | None = None) -> tuple[list[str], list[str]]:
    """Labels of the barrier's materials and stages, in the taxonomies' order.

    `ids`: [material ids, stage ids] as `_taxonomy_ids` read them (else read here).
    """
    if ids:
        material_ids, stage_ids = set(ids[0]), set(ids[1])
    else:
        rows = _TAXONOMY_IDS.rows(barrier.pk)
        material_ids = {pk for pk, kind in rows if kind == _MATERIAL}
        stage_ids = {pk for pk, kind in rows if kind == _STAGE}
    # The label tables are in the models' order (Meta.ordering).
    materials = [label for pk, label in taxonomy.material_labels().items() if pk in material_ids]
    stages = [label for pk, label in taxonomy.stage_labels().items() if pk in stage_ids]
    return materials, stages


def event_rows_for(barrier: Barrier) -> list[detail_rows.EventRow]:
    """The timeline; the submitter's own entries of an anonymous barrier stay anonymous."""
    rows = _EVENTS.rows(barrier.pk)
    hidden = getattr(barrier, "identity_hidden", False)
    author_id = _real_author_id(barrier) if hidden and rows else None
    return [
        detail_rows.EventRow(
            pk=pk,
            created_at=created_at,
            actor_hidden=bool(hidden and actor_id and actor_id == author_id),
            actor_name=(
                _person(actor_id, first_name, last_name, email)
                if actor_id is not None and not (hidden and actor_id == author_id)
                else ""
            ),
            kind=kind,
            from_label=_status_label(from_status),
            to_label=_status_label(to_status),
            note=note,
        )
        for pk, created_at, kind, from_status, to_status, note, actor_id, first_name, last_name,
        email in rows
    ]  # fmt: skip


def _status_label(value: str) -> str:
    """The label of a status in the active language, as `AbstractEvent.from_label` gives it."""
    if not value:
        return ""
    return str(_STATUS_LABELS.get(value, value))


_STATUS_LABELS = dict(Barrier.Status.choices)


def note_rows_for(barrier: Barrier) -> list[detail_rows.NoteRow]:
    """The endorsers' notes (the counts are kept on the barrier)."""
    return [
        detail_rows.NoteRow(
            pk=pk,
            note=note,
            person=_person(user_id, first_name, last_name, email),
            organisation_name=organisation_name or "",
        )
        for pk, note, user_id, first_name, last_name, email, organisation_name in _NOTES.rows(
            barrier.pk
        )
    ]


def detail_context(barrier: Barrier, user, facts: tuple | None = None) -> dict[str, Any]:
    """What the barrier page shows besides the barrier (already masked).

    `facts` as `detail_barrier` returns them (loaded here when None). The
    lists (timeline, comments, endorsers' notes) come as rows from the
    fragment cache (`detail_rows`, `thementisch.comments`).
    """
    if facts is None:
        facts = _PAGE_FACTS.rows(barrier.pk, user.pk or 0)[0]
    (
        own_note, has_responses, has_evidence, has_pilots, has_events, has_notes, has_comments,
        *taxonomy_ids,
    ) = facts  # fmt: skip
    responses = []
    if has_responses:
        responses = list(
            OfficialResponse.objects.filter(barrier=barrier).select_related(
                "author", "organisation"
            )
        )
    evidence = (
        list(EvidenceFile.objects.filter(barrier=barrier).select_related("uploaded_by"))
        if has_evidence
        else []
    )
    pilots = (
        list(barrier.pilots.exclude(status="draft").order_by("-created_at")) if has_pilots else []
    )
    materials, stages = _taxonomy_labels(barrier, taxonomy_ids)
    notes = note_rows_for(barrier) if has_notes else []
    comments = _COMMENTS.rows(barrier.pk) if has_comments else []
    return {
        "event_rows": detail_rows.event_rows(event_rows_for(barrier) if has_events else []),
        "comments": comments,  # as COMMENT_COLUMNS; `comment_list_html` shows them
        "comment_list_html": detail_rows.comment_list(comments, user) if comments else "",
        "endorsement_notes": notes,
        "note_rows": detail_rows.note_rows(notes),
        "own_endorsement": own_note is not None,
        "own_endorsement_note": own_note or "",
        "responses": responses,
        "evidence": evidence,
        "pilots": pilots,
        "head_html": detail_rows.head(barrier),
        "facts_html": detail_rows.facts(barrier, materials=materials, stages=stages),
        "show_identities": permissions.can_see_identity(user, barrier),
        "is_submitter": bool(user.is_authenticated and barrier.author_id == user.pk),
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


DASHBOARD_MINE = 8
DASHBOARD_ENDORSED = 8
DASHBOARD_WORKLIST = 10
# What a dashboard row shows (title, status badge, link) and what masking needs.
DASHBOARD_FIELDS = ("id", "title", "status", "author_id", "is_anonymous", "is_demo")
# The dashboard is the most visited page. On PostgreSQL the member's own and
# endorsed barriers are read with one SQL query (building and compiling the
# querysets cost several times what the query costs), sent before its rows are
# read so that the dashboard can send the queries of all panels in one batch.
# The database sorts; the rows come without the change date they are sorted by.
# Elsewhere the ORM reads the same (`dashboard_querysets`); a test compares them.
DASHBOARD_COLUMNS = ", ".join(f"b.{name}" for name in DASHBOARD_FIELDS)
DASHBOARD_SQL = f"""
    SELECT {", ".join(DASHBOARD_FIELDS)}, panel FROM (
        (SELECT {DASHBOARD_COLUMNS}, b.updated_at, 'mine' AS panel
         FROM barriers_barrier b
         WHERE b.author_id = %s AND b.status <> %s
         ORDER BY b.updated_at DESC, b.id DESC LIMIT %s)
        UNION ALL
        (SELECT {DASHBOARD_COLUMNS}, b.updated_at, 'endorsed'
         FROM barriers_barrier b JOIN barriers_endorsement e ON e.barrier_id = b.id
         WHERE e.user_id = %s AND {{visible}}
         ORDER BY b.updated_at DESC, b.id DESC LIMIT %s)
    ) AS dashboard_rows
    ORDER BY panel, updated_at DESC, id DESC
"""  # noqa: S608 -- only constants are formatted in; values are parameters


def dashboard_querysets(user) -> dict[str, QuerySet[Barrier]]:
    """{"mine": ..., "endorsed": ...}: the member's barriers (not merged) and the
    visible ones they endorsed, each the latest changed first."""
    only = [name.removesuffix("_id") for name in DASHBOARD_FIELDS]
    order = ("-updated_at", "-pk")
    return {
        "mine": Barrier.objects.filter(author=user)
        .exclude(status=S.MERGED)
        .only(*only)
        .order_by(*order)[:DASHBOARD_MINE],
        "endorsed": permissions.visible_barriers(user)
        .filter(endorsements__user=user)
        .only(*only)
        .order_by(*order)[:DASHBOARD_ENDORSED],
    }


def send_dashboard_barriers(user) -> Callable[[], dict[str, list[Barrier]]]:
    """Send the query of `dashboard_querysets` (one on PostgreSQL); the function
    returned reads the two lists. Only the columns shown are loaded."""
    if connection.vendor != "postgresql":
        lists = {name: list(queryset) for name, queryset in dashboard_querysets(user).items()}
        return lambda: lists
    visible, visible_params = permissions.visible_barriers_sql(user, "b")
    params = [user.pk, S.MERGED, DASHBOARD_MINE, user.pk, *visible_params, DASHBOARD_ENDORSED]
    cursor = statement_cursor()
    cursor.execute(DASHBOARD_SQL.format(visible=visible), params)

    def read() -> dict[str, list[Barrier]]:
        with cursor:
            rows = cursor.fetchall()
        lists: dict[str, list[Barrier]] = {"mine": [], "endorsed": []}
        alias = connection.alias
        for *values, panel in rows:
            lists[panel].append(model_instance(Barrier, DASHBOARD_FIELDS, values, alias))
        return lists

    return read


def dashboard_row_key(barrier: Barrier) -> tuple:
    """Everything `barriers/_dashboard_row.html` shows of a barrier."""
    return (barrier.pk, barrier.title, barrier.status, barrier.is_demo)


def overdue_row_key(barrier: Barrier) -> tuple:
    """Everything `barriers/_dashboard_overdue_row.html` shows of a forwarded barrier."""
    forwarded_to = str(barrier.forwarded_to) if barrier.forwarded_to_id else ""
    return (barrier.pk, barrier.title, barrier.answer_by, forwarded_to)


def to_answer_row_key(barrier: Barrier) -> tuple:
    """Everything `barriers/_dashboard_to_answer_row.html` shows of a forwarded barrier."""
    return (barrier.pk, barrier.title, barrier.answer_by)


def send_dashboard_panel(user) -> Callable[[], dict[str, Any]]:
    """Send the queries of `barriers/_dashboard_panel.html`; the function returned
    builds its context: the member's barriers and endorsed ones with status; for
    coordinators the overdue forwarded barriers, for ministry members those to
    answer. The rows (`*_rows`) come from the fragment cache.
    """
    read = send_dashboard_barriers(user)
    return lambda: _dashboard_context(user, read())


def _dashboard_context(user, lists: dict[str, list[Barrier]]) -> dict[str, Any]:
    context: dict[str, Any] = {
        "barriers_mine": lists["mine"],
        "barriers_endorsed": permissions.mask_all(lists["endorsed"], user),
    }
    # What the panel shows: its rows (by what each shows) and the coordinator's count.
    panel: dict[str, Any] = {
        "mine_rows": Rows(
            "barriers/_dashboard_row.html", context["barriers_mine"], dashboard_row_key, "barrier"
        ),
        "endorsed_rows": Rows(
            "barriers/_dashboard_row.html",
            context["barriers_endorsed"],
            dashboard_row_key,
            "barrier",
        ),
        "overdue_rows": None,
        "to_review": None,
        "to_answer_rows": None,
    }
    if is_coordinator(user):
        today = timezone.localdate()
        context["barriers_overdue"] = list(
            Barrier.objects.filter(status=S.FORWARDED, answer_by__lt=today)
            .select_related("forwarded_to")
            .order_by("answer_by")[:DASHBOARD_WORKLIST]
        )
        context["barriers_to_review"] = panel["to_review"] = Barrier.objects.filter(
            status__in=(S.SUBMITTED, S.IN_REVIEW)
        ).count()
        panel["overdue_rows"] = Rows(
            "barriers/_dashboard_overdue_row.html",
            context["barriers_overdue"],
            overdue_row_key,
            "barrier",
        )
    if is_ministry(user):
        context["barriers_to_answer"] = permissions.mask_all(
            forwarded_worklist(user).filter(status=S.FORWARDED)[:DASHBOARD_WORKLIST], user
        )
        panel["to_answer_rows"] = Rows(
            "barriers/_dashboard_to_answer_row.html",
            context["barriers_to_answer"],
            to_answer_row_key,
            "barrier",
        )
    context["barriers_panel"] = render_once("barriers/_dashboard_panel.html", panel)
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
