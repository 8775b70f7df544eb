from django.db.models import QuerySet

from .models import User


def directory_members() -> QuerySet[User]:
    """Approved members who chose to be listed, with their organisation."""
    return (
        User.objects.filter(is_active=True, status=User.Status.APPROVED, show_in_directory=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
