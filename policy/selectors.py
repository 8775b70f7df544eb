"""Reads of the policy radar, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

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


@lru_cache(maxsize=2)
def _items_for_list_on(today: datetime.date) -> QuerySet[PolicyItem]:
    """The viewer-independent part of `policy_items_for_list`, built once a day per process.

    Building these expressions costs more Python than running the query;
    the cached queryset is never evaluated, every caller gets a clone.
    """
    updates = PolicyUpdate.objects.filter(item=OuterRef("pk"))
    update_count = (
        updates.order_by().values("item").annotate(n=Count("pk")).values("n")[:1]
    )  # a correlated count: no join that would multiply other annotations
    last_update = updates.order_by("-date").values("date")[:1]
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
            update_count=Subquery(update_count),
            last_update_on=Subquery(last_update),
        )
        .order_by(F("next_due").asc(nulls_last=True), "title", "pk")
    )


def _is_dated_upcoming(key_date: PolicyKeyDate, today: datetime.date) -> bool:
    """Python twin of `_dated_upcoming` (the other upcoming ones are open periods)."""
    return key_date.date_end >= today and (
        key_date.precision not in ROUGH or key_date.date >= today
    )


def _dated_order(key_date: PolicyKeyDate) -> tuple:
    return (key_date.date, key_date.date_end, key_date.pk)


def _period_order(key_date: PolicyKeyDate) -> tuple:
    return (key_date.date_end, key_date.date, key_date.pk)


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
    first_dated = PolicyKeyDate.objects.filter(_dated_upcoming(today) & in_scope).order_by(
        "date", "date_end", "pk"
    )
    # Still ahead (date_end >= today) is exactly "dated upcoming or in a running period";
    # of those, a period that has begun (rough precision, start before today) is running.
    rows = PolicyKeyDate.objects.filter(
        Q(date_end__gte=today)
        & (
            Q(item_id__in=page_ids)
            | Q(pk__in=first_dated.values("pk")[:limit])
            | (Q(precision__in=ROUGH, date__lt=today) & in_scope)
        )
    ).annotate(
        item_slug=F("item__slug"),
        item_short_name=F("item__short_name"),
        item_title=F("item__title"),
    )
    upcoming, periods = [], []
    for row in rows:
        (upcoming if _is_dated_upcoming(row, today) else periods).append(row)
    upcoming.sort(key=_dated_order)
    periods.sort(key=_period_order)
    page = set(page_ids)
    nearest: dict[int, PolicyKeyDate] = {}
    for row in upcoming + periods:  # the first one of an item wins
        if row.item_id in page:
            nearest.setdefault(row.item_id, row)
    return {"next": nearest, "dated": upcoming[:limit], "open": periods}


def material_labels_of(item_ids: list[int]) -> dict[int, list[str]]:
    """Item id → the labels of its materials (in the materials' order), one query."""
    labels = material_labels()
    order = {pk: position for position, pk in enumerate(labels)}
    pairs = PolicyItem.materials.through.objects.filter(policyitem_id__in=item_ids).values_list(
        "policyitem_id", "material_id"
    )
    found: dict[int, list[int]] = {}
    for item_id, material_id in pairs:
        found.setdefault(item_id, []).append(material_id)
    return {
        item_id: [labels[pk] for pk in sorted(ids, key=order.__getitem__)]
        for item_id, ids in found.items()
    }


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


def followed_item_ids(user: Any) -> set[int]:
    """Ids of the items `user` follows."""
    return set(PolicyFollow.objects.filter(user=user).values_list("item_id", flat=True))


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


def dashboard_panel(user: Any) -> dict[str, Any]:
    """The dashboard panel: the next key dates and the latest updates of followed items.

    Three queries: followed ids, the next dates, the updates of followed items.
    """
    followed = followed_item_ids(user)
    dates = list(upcoming_key_dates_queryset().select_related("item")[:DASHBOARD_DATES])
    updates = []
    if followed:
        updates = list(
            PolicyUpdate.objects.filter(item_id__in=followed)
            .select_related("item")
            .order_by("-created_at", "-pk")[:DASHBOARD_UPDATES]
        )
    return {"next_dates": dates, "followed_ids": followed, "followed_updates": updates}
