from typing import NamedTuple

from django.db.models import QuerySet

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
    values = members.values_list(
        "first_name",
        "last_name",
        "position",
        "organisation__name",
        "organisation__slug",
        "organisation__kind",
    )
    return [DirectoryRow._make(row) for row in values]
