import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from thementisch.filters import material_filter, stage_filter

from .models import ItemType, Level, PolicyItem, PolicyUpdate, Status

SEARCH_FIELDS = (
    "title",
    "title_en",
    "short_name",
    "reference",
    "summary",
    "summary_en",
    "relevance",
    "relevance_en",
)


def search_items(queryset, text: str):
    """Items where every word of `text` is in a text field or in one of their updates."""
    for word in text.split()[:10]:
        matches = Q()
        for field in SEARCH_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        in_updates = PolicyUpdate.objects.filter(item=OuterRef("pk")).filter(
            Q(title__icontains=word) | Q(body__icontains=word)
        )
        queryset = queryset.filter(matches | Exists(in_updates))
    return queryset


class PolicyFilter(django_filters.FilterSet):
    """Filters and search of /policy/."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    level = django_filters.ChoiceFilter(
        choices=Level.choices, label=_("Level"), empty_label=_("All levels")
    )
    kind = django_filters.ChoiceFilter(
        choices=ItemType.choices, label=_("Type"), empty_label=_("All types")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("All states")
    )
    material = material_filter()
    stage = stage_filter()
    following = django_filters.BooleanFilter(
        method="filter_following",
        label=_("Only items I follow"),
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Order"),
        choices=[
            ("title", _("Name")),
            ("updated", _("Latest update")),
        ],
        empty_label=_("Next date"),
    )

    class Meta:
        model = PolicyItem
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return search_items(queryset, value)

    def filter_following(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(is_followed=True)

    def filter_sort(self, queryset, name, value):
        if value == "title":
            return queryset.order_by("short_name", "title", "pk")
        if value == "updated":
            return queryset.order_by(F("last_update_on").desc(nulls_last=True), "title", "pk")
        return queryset
