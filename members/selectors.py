from typing import Any, NamedTuple

from django.core.paginator import Page
from django.db.models import Count, QuerySet, Subquery, Value

from thementisch.prepared import AsRead, PreparedQuery, counted_page

from .models import OrganisationType, User


def directory_members() -> QuerySet[User]:
    """Approved members who chose to be listed, with their organisation.

    The filter and order match the partial index `member_directory_idx`.
    """
    return (
        User.objects.filter(is_active=True, status=User.Status.APPROVED, show_in_directory=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


class DirectoryRow(NamedTuple):
    """One row of the member directory: exactly what it shows, so it is its own cache key."""

    first_name: str
    last_name: str
    position: str
    organisation_name: str | None
    organisation_slug: str | None
    organisation_kind: str | None

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def organisation_kind_label(self) -> str | None:
        return _KIND_LABELS.get(self.organisation_kind, self.organisation_kind)


_KIND_LABELS = dict(OrganisationType.choices)


def directory_rows(members: QuerySet[User]) -> list[DirectoryRow]:
    """A page of `members` (a sliced queryset) as `DirectoryRow`s: only the shown
    columns, no model instances.

    The page is paginated over the model queryset and only its slice is read
    as values: counting a values queryset would join the organisation too.
    """
    return [DirectoryRow._make(row) for row in members.values_list(*_ROW_COLUMNS)]


_ROW_COLUMNS = (
    "first_name",
    "last_name",
    "position",
    "organisation__name",
    "organisation__slug",
    "organisation__kind",
)

# The unfiltered directory, the one most requests show: its count and its first pages
# are compiled to SQL once per process.
PREPARED_PAGES = 10
_PREPARED: dict[tuple, PreparedQuery] = {}


def _counted() -> QuerySet:
    """`directory_members().count()` as a one-row `values_list` (no GROUP BY: the
    only group is a constant)."""
    return (
        directory_members()
        .order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(total=Count("pk", output_field=AsRead()))
        .values_list("total")
    )


def _prepared_count() -> PreparedQuery:
    key = ("count",)
    if key not in _PREPARED:
        _PREPARED[key] = PreparedQuery(_counted)
    return _PREPARED[key]


def _prepared_page(number: int, per_page: int) -> PreparedQuery:
    """The `_ROW_COLUMNS` of page `number` (the slice is part of the SQL), each with
    the count of the whole directory (computed once, as an uncorrelated subquery)."""
    key = ("page", number, per_page)
    if key not in _PREPARED:
        start = (number - 1) * per_page
        _PREPARED[key] = PreparedQuery(
            lambda: directory_members().values_list(
                *_ROW_COLUMNS, Subquery(_counted(), output_field=AsRead())
            )[start : start + per_page]
        )
    return _PREPARED[key]


def directory_page(number: Any, per_page: int) -> tuple[Page, list[DirectoryRow]]:
    """The page `number` (a query string value) of the whole directory, as
    `Paginator.get_page` gives it, and its rows; one query (two for a page past
    the end).

    The same reads as `Paginator(directory_members(), per_page)` and
    `directory_rows`, but the count and the first `PREPARED_PAGES` pages run as
    SQL compiled once: building these ORM queries costs more than answering them.
    """
    paginator, number, values = counted_page(
        number,
        per_page,
        page_rows=lambda n: _prepared_page(n, per_page).rows(),
        count=lambda: _prepared_count().rows()[0][0],
        slice_rows=lambda start, stop: directory_members().values_list(*_ROW_COLUMNS)[start:stop],
        prepared_pages=PREPARED_PAGES,
    )
    rows = [DirectoryRow._make(row) for row in values]
    return Page(rows, number, paginator), rows
