"""Reads of the policy radar, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from thementisch.fragments import Rows, render_once
from thementisch.prepared import (
    PLACEHOLDERS,
    PreparedQuery,
    model_instance,
    statement_cursor,
)
from thementisch.taxonomy import material_labels

from .models import PolicyFollow, PolicyItem, PolicyKeyDate, PolicyUpdate, Precision

# Barrier states whose barriers members may see (the barriers app's values;
# policy reads barriers only through the reverse relation item.barriers).
VISIBLE_BARRIER_STATES = ("published", "forwarded", "answered", "resolved")
DASHBOARD_DATES = 5
DASHBOARD_UPDATES = 3


def _today() -> datetime.date:
    return timezone.localdate()


ROUGH = (Precision.QUARTER, Precision.HALF, Precision.YEAR)


def _dated_upcoming(today: datetime.date, prefix: str = "") -> Q:
    """Still ahead and placeable: known to the day or month, or a period not begun yet."""
    return Q(**{f"{prefix}date_end__gte": today}) & (
        Q(**{f"{prefix}precision__in": [Precision.DAY, Precision.MONTH]})
        | Q(**{f"{prefix}date__gte": today})
    )


def _open_period(today: datetime.date, prefix: str = "") -> Q:
    """Expected within a quarter, half year or year that is running now ("2026")."""
    return Q(
        **{
            f"{prefix}precision__in": ROUGH,
            f"{prefix}date__lt": today,
            f"{prefix}date_end__gte": today,
        }
    )


def upcoming_key_dates_queryset(today: datetime.date | None = None) -> QuerySet[PolicyKeyDate]:
    """Key dates still ahead, in date order (periods running now are `open_periods_queryset`)."""
    return PolicyKeyDate.objects.filter(_dated_upcoming(today or _today())).order_by(
        "date", "date_end", "pk"
    )


def open_periods_queryset(today: datetime.date | None = None) -> QuerySet[PolicyKeyDate]:
    """Key dates expected some time in the running quarter, half year or year."""
    return PolicyKeyDate.objects.filter(_open_period(today or _today())).order_by(
        "date_end", "date", "pk"
    )


# What a row of /policy/ shows of an item (the long texts are left in the database).
LIST_FIELDS = (
    "title",
    "title_en",
    "short_name",
    "slug",
    "level",
    "kind",
    "status",
    "status_as_of",
    "needs_review",
)


def policy_items_for_list(user: Any) -> QuerySet[PolicyItem]:
    """Items for /policy/ with what a row shows, in one query; ordered by the next date.

    Annotated: `next_due` (the next dated key date, else the end of a period
    running now), `is_followed` (by `user`), `update_count`, `last_update_on`.
    All are subqueries (no join, no grouping), so counting the filtered list
    leaves them out. The dates and materials of a page come from `list_dates`
    and `material_labels_of`.
    """
    return _items_for_list_on(_today()).annotate(
        is_followed=Exists(
            PolicyFollow.objects.filter(item=OuterRef("pk"), user_id=getattr(user, "pk", None))
        )
    )


class _Count(Subquery):
    """A counting subquery read as the driver returns it (an int, or None): with no
    converter after reading, a query holding it can be prepared (thementisch.prepared)."""

    @cached_property
    def convert_value(self):
        return self._convert_value_noop


class _CountOver(Window):
    """A window count read as the driver returns it (see `_Count`)."""

    @cached_property
    def convert_value(self):
        return self._convert_value_noop


@lru_cache(maxsize=2)
def _items_for_list_on(today: datetime.date) -> QuerySet[PolicyItem]:
    """The viewer-independent part of `policy_items_for_list`, built once a day per process.

    Building these expressions costs more Python than running the query;
    the cached queryset is never evaluated, every caller gets a clone.
    """
    # Correlated aggregates without GROUP BY (no join that would multiply other
    # annotations): PostgreSQL answers each from the item_id index.
    updates = PolicyUpdate.objects.filter(item=OuterRef("pk")).order_by()
    update_count = updates.annotate(n=Func("pk", function="COUNT")).values("n")
    last_update = updates.annotate(d=Func("date", function="MAX")).values("d")
    key_dates = PolicyKeyDate.objects.filter(item=OuterRef("pk")).order_by()
    next_dated = key_dates.filter(_dated_upcoming(today)).values("item")
    next_in_period = key_dates.filter(_open_period(today)).values("item")
    return (
        PolicyItem.objects.only(*LIST_FIELDS)
        .annotate(
            next_due=Coalesce(
                Subquery(next_dated.annotate(d=Min("date")).values("d")[:1]),
                Subquery(next_in_period.annotate(d=Min("date_end")).values("d")[:1]),
            ),
            update_count=_Count(update_count),
            last_update_on=Subquery(last_update, output_field=DateField()),
        )
        .order_by(F("next_due").asc(nulls_last=True), "title", "pk")
    )


def list_dates(
    page_ids: list[int],
    scope: QuerySet[PolicyItem] | None = None,
    *,
    limit: int = 10,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The key dates /policy/ shows, in one query.

    Each carries its item's `item_slug`, `item_short_name` and `item_title`.

    `next`: item id → its next dated key date, else the first one expected in
    a period running now (for the items of the page, `page_ids`).
    `dated`: the next `limit` dated key dates of the items in `scope` (a
    filtered list; None: all items), nearest first. `open`: the dates of
    `scope` expected within a period running now.
    """
    today = today or _today()
    in_scope = Q() if scope is None else Q(item__in=scope.order_by().values("pk"))
    rows = _list_dates_queryset(today, Q(item_id__in=page_ids), in_scope, limit).annotate(
        item_slug=F("item__slug"),
        item_short_name=F("item__short_name"),
        item_title=F("item__title"),
    )
    return _arrange_dates(list(rows), page_ids, today, limit)


def _list_dates_queryset(
    today: datetime.date, on_page: Q, in_scope: Q, limit: int
) -> QuerySet[PolicyKeyDate]:
    first_dated = PolicyKeyDate.objects.filter(_dated_upcoming(today) & in_scope).order_by(
        "date", "date_end", "pk"
    )
    # Still ahead (date_end >= today) is exactly "dated upcoming or in a running period";
    # of those, a period that has begun (rough precision, start before today) is running.
    return PolicyKeyDate.objects.filter(
        Q(date_end__gte=today)
        & (
            on_page
            | Q(pk__in=first_dated.values("pk")[:limit])
            | (Q(precision__in=ROUGH, date__lt=today) & in_scope)
        )
    ).order_by()


def _arrange_dates(
    rows: list, page_ids: list[int], today: datetime.date, limit: int, field=attrgetter
) -> dict[str, Any]:
    """`list_dates` of the rows still ahead; `field(name)` reads a column of a row
    (an attribute of a key date by default)."""
    columns = ("id", "item_id", "date", "date_end", "precision")
    pk, item_id, date, end, precision = map(field, columns)
    upcoming, periods = [], []
    for row in rows:  # the twin of `_dated_upcoming`: a row still ahead is one or the other
        dated = end(row) >= today and (precision(row) not in ROUGH or date(row) >= today)
        (upcoming if dated else periods).append(row)
    upcoming.sort(key=lambda row: (date(row), end(row), pk(row)))
    periods.sort(key=lambda row: (end(row), date(row), pk(row)))
    page = set(page_ids)
    nearest: dict[int, Any] = {}
    for row in upcoming + periods:  # the first one of an item wins
        if item_id(row) in page:
            nearest.setdefault(item_id(row), row)
    return {"next": nearest, "dated": upcoming[:limit], "open": periods}


def material_labels_of(item_ids: list[int]) -> dict[int, list[str]]:
    """Item id → the labels of its materials (in the materials' order), one query."""
    pairs = PolicyItem.materials.through.objects.filter(policyitem_id__in=item_ids).values_list(
        "policyitem_id", "material_id"
    )
    return _material_labels_by_item(pairs)


def _material_labels_by_item(pairs) -> dict[int, list[str]]:
    labels = material_labels()
    order = {pk: position for position, pk in enumerate(labels)}
    found: dict[int, list[int]] = {}
    for item_id, material_id in pairs:
        found.setdefault(item_id, []).append(material_id)
    return {
        item_id: [labels[pk] for pk in sorted(ids, key=order.__getitem__)]
        for item_id, ids in found.items()
    }


# /policy/ without filters is the common request. Its three reads are compiled
# to SQL once per process, day and page (thementisch.prepared) and return the
# same as `policy_items_for_list`, `list_dates` and `material_labels_of`;
# filtered lists go through the ORM. The ids of a page reach the SQL as one
# array parameter (`= ANY(%s)`) on PostgreSQL.
_ITEM_COLUMNS = [
    f.attname for f in PolicyItem._meta.concrete_fields if f.name in {"id", *LIST_FIELDS}
]
_KEY_DATE_COLUMNS = [f.attname for f in PolicyKeyDate._meta.concrete_fields]


def _key_date_column(name: str) -> Callable[[tuple], Any]:
    return itemgetter(_KEY_DATE_COLUMNS.index(name))


def _among(column: str, lookup: str, ids: Any) -> Q:
    """`column` is one of `ids` (a list), as one parameter on PostgreSQL.

    `column` is a constant of this module (never input); the ids are a parameter.
    """
    if connection.vendor == "postgresql":
        sql = f"{column} = ANY(%s)"
        return Q(RawSQL(sql, (ids,), output_field=BooleanField()))  # noqa: S611
    return Q(**{f"{lookup}__in": ids})


# On PostgreSQL the page's query of /policy/ is this SQL, with the same rows as the
# queryset of `_unfiltered_page_query` (tests/policy/test_list_prepared.py compares
# them): each item's next date from one grouped pass over the key dates still ahead
# (not two correlated subqueries per item, all items being sorted by it), the
# update count and last update date of the page's rows from one scan each (not
# two), the materials from one pass over the (small) table (not one per row).
UNFILTERED_PAGE_SQL = """
    SELECT {page_columns},
           EXISTS (SELECT 1 FROM policy_policyfollow f
                   WHERE f.item_id = page.id AND f.user_id = %s),
           updates.n, updates.last, materials.ids, page.total
    FROM (
        SELECT {item_columns}, next.due, COUNT(*) OVER () AS total
        FROM policy_policyitem i
        LEFT JOIN (
            SELECT k.item_id,
                   COALESCE(
                       MIN(k.date) FILTER (WHERE k.precision IN (%s, %s) OR k.date >= %s),
                       MIN(k.date_end) FILTER (WHERE k.precision IN (%s, %s, %s) AND k.date < %s)
                   ) AS due
            FROM policy_policykeydate k
            WHERE k.date_end >= %s
            GROUP BY k.item_id
        ) next ON next.item_id = i.id
        ORDER BY next.due ASC NULLS LAST, i.title ASC, i.id ASC
        LIMIT %s OFFSET %s
    ) page
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS n, MAX(u.date) AS last FROM policy_policyupdate u
        WHERE u.item_id = page.id
    ) updates
    LEFT JOIN (
        SELECT m.policyitem_id, ARRAY_AGG(m.material_id) AS ids
        FROM policy_policyitem_materials m
        GROUP BY m.policyitem_id
    ) materials ON materials.policyitem_id = page.id
    ORDER BY page.due ASC NULLS LAST, page.title ASC, page.id ASC
"""


def _unfiltered_page_sql(today: datetime.date, offset: int, size: int) -> tuple[str, list]:
    """`UNFILTERED_PAGE_SQL` for a day and page, its parameters (the viewer's id is
    the query's argument)."""
    sql = UNFILTERED_PAGE_SQL.format(
        page_columns=", ".join(f'page."{column}"' for column in _ITEM_COLUMNS),
        item_columns=", ".join(f'i."{column}"' for column in _ITEM_COLUMNS),
    )
    day, month = Precision.DAY.value, Precision.MONTH.value
    rough = [precision.value for precision in ROUGH]
    return sql, [PLACEHOLDERS[0], day, month, today, *rough, today, today, size, offset]


@lru_cache(maxsize=32)
def _unfiltered_page_query(today: datetime.date, offset: int, size: int) -> PreparedQuery:
    return PreparedQuery(
        lambda user_id: (
            _items_for_list_on(today)
            .annotate(
                is_followed=Exists(
                    PolicyFollow.objects.filter(item=OuterRef("pk"), user_id=user_id)
                ),
                total=_CountOver(Count("pk")),
            )
            .values_list(
                *_ITEM_COLUMNS,
                "is_followed",
                "update_count",
                "last_update_on",
                *_material_ids_column(),
                "total",
            )[offset : offset + size]
        ),
        sql=_unfiltered_page_sql(today, offset, size),
    )


def _material_ids_column() -> tuple:
    """On PostgreSQL, the ids of each item's materials as an array column of the page's query."""
    if connection.vendor != "postgresql":
        return ()
    from django.contrib.postgres.aggregates import ArrayAgg

    pairs = PolicyItem.materials.through.objects.filter(policyitem_id=OuterRef("pk"))
    return (
        Subquery(
            pairs.order_by()
            .values("policyitem_id")
            .annotate(ids=ArrayAgg("material_id"))
            .values("ids")
        ),
    )


@lru_cache(maxsize=2)
def _unfiltered_dates_query(today: datetime.date, limit: int) -> PreparedQuery:
    return PreparedQuery(
        lambda page_ids: _list_dates_queryset(
            today, _among('"policy_policykeydate"."item_id"', "item_id", page_ids), Q(), limit
        ).values_list(*_KEY_DATE_COLUMNS, "item__slug", "item__short_name", "item__title")
    )


def _set_item(instance: Model, item: PolicyItem) -> None:
    """`instance.item = item` for a row read with its `item_id`: the item is cached as
    the descriptor caches it."""
    instance._state.fields_cache["item"] = item


def unfiltered_list_page(
    user: Any, number: int, size: int, *, limit: int = 10
) -> tuple[int, list[PolicyItem], dict[str, Any]] | None:
    """Page `number` of /policy/ without filters: (items in all, the page's items, their
    dates as `list_dates` gives them), in three queries; None if the page is empty
    (a number past the end).

    The items are as `policy_items_for_list` annotates them, each with its
    `next_date` and `material_labels`.
    """
    today = _today()
    query = _unfiltered_page_query(today, (number - 1) * size, size)
    rows = query.rows(getattr(user, "pk", None) or 0)
    if not rows and number > 1:
        return None
    count = len(_ITEM_COLUMNS)
    items = []
    for row in rows:
        item = model_instance(PolicyItem, _ITEM_COLUMNS, row[:count], query.using)
        item.is_followed, item.update_count, item.last_update_on = row[count : count + 3]
        items.append(item)
    if rows and len(rows[0]) > count + 4:  # the materials' ids came with the items
        pairs = [(row[0], pk) for row in rows for pk in row[count + 3] or ()]
        materials = _material_labels_by_item(pairs)
    else:
        materials = material_labels_of([item.pk for item in items])
    page_ids = [item.pk for item in items]
    dates_query = _unfiltered_dates_query(today, limit)
    dates = _arrange_dates(dates_query.rows(page_ids), page_ids, today, limit, _key_date_column)
    # Model instances only for the dates the page shows.
    count = len(_KEY_DATE_COLUMNS)
    shown: dict[int, PolicyKeyDate] = {}

    def key_date(row: tuple) -> PolicyKeyDate:
        if row[0] not in shown:
            instance = model_instance(
                PolicyKeyDate, _KEY_DATE_COLUMNS, row[:count], dates_query.using
            )
            instance.item_slug, instance.item_short_name, instance.item_title = row[count:]
            shown[row[0]] = instance
        return shown[row[0]]

    dates = {
        "next": {pk: key_date(row) for pk, row in dates["next"].items()},
        "dated": [key_date(row) for row in dates["dated"]],
        "open": [key_date(row) for row in dates["open"]],
    }
    for item in items:
        item.next_date = dates["next"].get(item.pk)
        item.material_labels = materials.get(item.pk, [])
    return (rows[0][-1] if rows else 0), items, dates


def next_key_date(key_dates: list[PolicyKeyDate]) -> PolicyKeyDate | None:
    """The next dated key date of a list, else one expected in a running period."""
    today = _today()
    dated = [
        d
        for d in key_dates
        if d.date_end >= today and (d.precision not in ROUGH or d.date >= today)
    ]
    if dated:
        return min(dated, key=lambda d: (d.date, d.date_end, d.pk))
    running = [d for d in key_dates if d.date_end >= today]
    return min(running, key=lambda d: (d.date_end, d.pk)) if running else None


def policy_item_detail(slug: str) -> QuerySet[PolicyItem]:
    """The queryset to fetch one item page by slug, with its taxonomy."""
    return PolicyItem.objects.filter(slug=slug).prefetch_related("materials", "value_chain_stages")


def updates_of(item: PolicyItem) -> QuerySet[PolicyUpdate]:
    """The item's updates, newest first, with their authors."""
    return item.updates.select_related("author").order_by("-date", "-created_at", "-pk")


def barriers_naming(item: PolicyItem) -> QuerySet:
    """Visible barriers that name `item` as their source, through the reverse relation.

    Only published, forwarded, answered and resolved barriers; the template
    never shows the author of an anonymous one.
    """
    return (
        item.barriers.filter(status__in=VISIBLE_BARRIER_STATES)
        .select_related("organisation", "author")
        .order_by("-created_at", "-pk")
    )


def is_following(item: PolicyItem, user: Any) -> bool:
    return PolicyFollow.objects.filter(item=item, user_id=getattr(user, "pk", None)).exists()


def latest_updates(*, limit: int = 50) -> QuerySet[PolicyUpdate]:
    """The most recently published updates (the Atom feed), newest first."""
    return PolicyUpdate.objects.select_related("item", "author").order_by("-created_at", "-pk")[
        :limit
    ]


def updates_since(since: datetime.datetime) -> QuerySet[PolicyUpdate]:
    """Updates published since `since`, newest first (for the digest)."""
    return (
        PolicyUpdate.objects.filter(created_at__gte=since)
        .select_related("item")
        .order_by("-created_at", "-pk")
    )


def calendar_dates(
    *, year: int | None = None, user: Any = None, followed_only: bool = False
) -> QuerySet[PolicyKeyDate]:
    """Key dates (of one year, or all), of followed items only if asked, in date order."""
    dates = PolicyKeyDate.objects.select_related("item").order_by("date", "date_end", "pk")
    if year is not None:
        dates = dates.filter(date__year=year)
    if followed_only:
        dates = dates.filter(item__follows__user_id=getattr(user, "pk", None))
    return dates


def exact_key_dates(*, user: Any = None, followed_only: bool = False) -> QuerySet[PolicyKeyDate]:
    """Key dates known to the day (what the ICS subscription holds)."""
    return calendar_dates(user=user, followed_only=followed_only).filter(precision=Precision.DAY)


def calendar_years() -> list[int]:
    """The years that have key dates, ascending."""
    return sorted({d.year for d in PolicyKeyDate.objects.dates("date", "year")})


# The dashboard is the most visited page. On PostgreSQL its two queries are
# written as SQL (building and compiling the querysets cost several times what
# the queries cost) and sent before their rows are read, so that the dashboard
# can send the queries of all panels in one batch. Elsewhere the ORM reads the
# same (`dashboard_querysets`); a test compares them.
DASHBOARD_ITEM_FIELDS = ("id", "title", "short_name", "slug")
DASHBOARD_DATE_FIELDS = ("id", "item_id", "date", "precision", "label", "label_en", "needs_review")
DASHBOARD_UPDATE_FIELDS = ("id", "item_id", "date", "title")
DASHBOARD_DATES_SQL = """
    SELECT d.id, d.item_id, d.date, d.precision, d.label, d.label_en, d.needs_review,
           i.id, i.title, i.short_name, i.slug,
           EXISTS (SELECT 1 FROM policy_policyfollow f
                   WHERE f.item_id = d.item_id AND f.user_id = %s)
    FROM policy_policykeydate d JOIN policy_policyitem i ON i.id = d.item_id
    WHERE d.date_end >= %s AND (d.precision IN (%s, %s) OR d.date >= %s)
    ORDER BY d.date, d.date_end, d.id
    LIMIT %s
"""
DASHBOARD_UPDATES_SQL = """
    SELECT u.id, u.item_id, u.date, u.title, i.id, i.title, i.short_name, i.slug
    FROM policy_policyupdate u JOIN policy_policyitem i ON i.id = u.item_id
    WHERE u.item_id IN (SELECT f.item_id FROM policy_policyfollow f WHERE f.user_id = %s)
    ORDER BY u.created_at DESC, u.id DESC
    LIMIT %s
"""


def dashboard_querysets(user: Any) -> tuple[QuerySet[PolicyKeyDate], QuerySet[PolicyUpdate]]:
    """The next key dates, each with `followed`, and the latest updates of the items
    `user` follows, with only the columns the dashboard shows."""
    follows = PolicyFollow.objects.filter(user_id=user.pk)
    item_fields = [f"item__{name}" for name in DASHBOARD_ITEM_FIELDS]
    dates = (
        upcoming_key_dates_queryset()
        .select_related("item")
        .only(*DASHBOARD_DATE_FIELDS, *item_fields)
        .annotate(followed=Exists(follows.filter(item_id=OuterRef("item_id"))))
    )
    updates = (
        PolicyUpdate.objects.filter(item_id__in=follows.values("item_id"))
        .select_related("item")
        .only(*DASHBOARD_UPDATE_FIELDS, *item_fields)
        .order_by("-created_at", "-pk")
    )
    return dates[:DASHBOARD_DATES], updates[:DASHBOARD_UPDATES]


def send_dashboard_dates_and_updates(
    user: Any,
) -> Callable[[], tuple[list[PolicyKeyDate], list[PolicyUpdate]]]:
    """Send the two queries of `dashboard_querysets`; the function returned reads them."""
    if connection.vendor != "postgresql":
        dates, updates = (list(queryset) for queryset in dashboard_querysets(user))
        return lambda: (dates, updates)
    today = _today()
    dates_cursor = statement_cursor()
    dates_cursor.execute(
        DASHBOARD_DATES_SQL,
        [user.pk, today, Precision.DAY, Precision.MONTH, today, DASHBOARD_DATES],
    )
    updates_cursor = statement_cursor()
    updates_cursor.execute(DASHBOARD_UPDATES_SQL, [user.pk, DASHBOARD_UPDATES])

    def read() -> tuple[list[PolicyKeyDate], list[PolicyUpdate]]:
        alias = connection.alias
        with dates_cursor:
            date_rows = dates_cursor.fetchall()
        with updates_cursor:
            update_rows = updates_cursor.fetchall()
        dates, updates = [], []
        for row in date_rows:
            key_date = model_instance(PolicyKeyDate, DASHBOARD_DATE_FIELDS, row[:7], alias)
            _set_item(key_date, model_instance(PolicyItem, DASHBOARD_ITEM_FIELDS, row[7:-1], alias))
            key_date.followed = row[-1]
            dates.append(key_date)
        for row in update_rows:
            update = model_instance(PolicyUpdate, DASHBOARD_UPDATE_FIELDS, row[:4], alias)
            _set_item(update, model_instance(PolicyItem, DASHBOARD_ITEM_FIELDS, row[4:], alias))
            updates.append(update)
        return dates, updates

    return read


def key_date_row_key(key_date: PolicyKeyDate) -> tuple:
    """Everything `policy/_dashboard_date_row.html` shows of a key date."""
    item = key_date.item
    return (
        key_date.pk,
        key_date.date,
        key_date.precision,
        key_date.label,
        key_date.label_en,
        key_date.needs_review,
        key_date.followed,
        item.pk,
        item.slug,
        str(item),
    )


def update_row_key(update: PolicyUpdate) -> tuple:
    """Everything `policy/_dashboard_update_row.html` shows of an update."""
    item = update.item
    return (update.pk, update.title, update.date, item.pk, item.slug, str(item))


def send_dashboard_panel(user: Any) -> Callable[[], dict[str, Any]]:
    """Send the queries of `policy/_dashboard_panel.html`; the function returned builds
    its context: `policy` (the next key dates and the latest updates of followed
    items) and `policy_panel`, the panel with their rows from the fragment cache."""
    read = send_dashboard_dates_and_updates(user)
    return lambda: _dashboard_context(*read())


def _dashboard_context(dates: list[PolicyKeyDate], updates: list[PolicyUpdate]) -> dict[str, Any]:
    date_rows = Rows("policy/_dashboard_date_row.html", dates, key_date_row_key, name="key_date")
    update_rows = Rows("policy/_dashboard_update_row.html", updates, update_row_key, name="update")
    return {
        "policy": {"next_dates": dates, "followed_updates": updates},
        "policy_panel": render_once(
            "policy/_dashboard_panel.html", {"date_rows": date_rows, "update_rows": update_rows}
        ),
    }
