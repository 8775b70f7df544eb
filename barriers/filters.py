"""The filters, search and sorting of `/barriers/` (django-filter).

Used by the list, the exports and the policy brief, so all three show the
same selection. Filtering by the submitter's organisation type leaves out
anonymous barriers for everyone but the coordinator: the result would
otherwise tell who submitted them.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.fields import ModelChoiceField

from members.models import OrganisationType
from policy.models import PolicyItem
from thementisch import taxonomy
from thementisch.filters import material_filter, stage_filter

from . import permissions, selectors
from .choices import Category, GovernanceLevel, NeedType, RootCause
from .models import Barrier

SORTS = {
    "newest": ("-created_at", "-pk"),
    "endorsed": ("-endorsing_organisation_count", "-endorsement_count", "-created_at"),
    "changed": ("-updated_at", "-pk"),
}
SORT_CHOICES = [
    ("relevance", _("Best match (with search)")),
    ("newest", _("Newest")),
    ("endorsed", _("Most endorsed")),
    ("changed", _("Recently changed")),
]


class _CachedIdField(ModelChoiceField):
    """A material or stage select whose choice is checked against the cached
    taxonomy (thementisch.taxonomy) instead of loading the row: the filter
    needs only the id. Rendered from its queryset like any select."""

    known_ids = staticmethod(dict)  # id -> label of the taxonomy

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = int(value) if str(value).isdigit() else None
        if pk is None or pk not in self.known_ids():
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return pk


class _MaterialIdField(_CachedIdField):
    known_ids = staticmethod(taxonomy.material_labels)


class _StageIdField(_CachedIdField):
    known_ids = staticmethod(taxonomy.stage_labels)


def _by_cached_id(filter_, field_class):
    """The shared material or stage filter, its choice checked by `field_class`."""
    filter_.field_class = field_class
    return filter_


class BarrierFilter(django_filters.FilterSet):
    # Choices are given as callables: every request copies the filters and the
    # form fields, and a callable is copied as it is, not choice by choice.
    q = django_filters.CharFilter(label=_("Search"), method="filter_nothing", max_length=200)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=lambda: Category.choices)
    need_type = django_filters.ChoiceFilter(
        label=_("Kind of need"), choices=lambda: NeedType.choices
    )
    material = _by_cached_id(material_filter(), _MaterialIdField)
    stage = _by_cached_id(stage_filter(), _StageIdField)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=lambda: GovernanceLevel.choices)
    root_cause = django_filters.ChoiceFilter(
        label=_("Root cause"), choices=lambda: RootCause.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=lambda: [c for c in Barrier.Status.choices if c[0] != Barrier.Status.MERGED],
    )
    org_type = django_filters.ChoiceFilter(
        label=_("Submitter's organisation type"),
        choices=lambda: OrganisationType.choices,
        method="filter_org_type",
    )
    policy = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("source of a barrier", "Regulation"),
        field_name="policy_item",
        queryset=PolicyItem.objects.order_by("title"),
    )
    mine = django_filters.BooleanFilter(
        label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=lambda: SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Barrier
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user if request else None

    def get_form_class(self):
        # The form's fields do not depend on the request (choices are read when
        # the form is rendered): build the class once per process, not per page.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    def filter_nothing(self, queryset, name, value):
        # Search and sorting are applied together in filter_queryset.
        return queryset

    def filter_org_type(self, queryset, name, value):
        if not value:
            return queryset
        queryset = queryset.filter(organisation__kind=value)
        if not permissions.can_filter_by_submitter(self.user):
            queryset = queryset.filter(is_anonymous=False)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value and self.user is not None and self.user.is_authenticated:
            return queryset.filter(author=self.user)
        return queryset

    @property
    def search_text(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        return " ".join((data.get("q") or "").split())

    @property
    def sort_key(self) -> str:
        sort = getattr(self.form, "cleaned_data", {}).get("sort") or ""
        if sort == "relevance" or not sort:
            return "relevance" if self.search_text else "newest"
        return sort

    def filter_queryset(self, queryset):
        filtered = super().filter_queryset(queryset)
        self.filtered = filtered
        # Headlines are computed by the list for its page only (selectors.list_page).
        self.count_queryset = selectors.apply_search(filtered, self.search_text, headlines=False)
        searched = self.count_queryset
        sort = self.sort_key
        if sort == "relevance" and selectors.uses_postgres():
            return searched.order_by("-rank", "-endorsing_organisation_count", "-pk")
        return searched.order_by(*SORTS.get(sort, SORTS["newest"]))

    def ranked_matches(self):
        """With a search sorted by relevance on PostgreSQL: the matches best first,
        ranked in the narrow search table (`selectors.ranked_matches`) and
        limited to the other filters' selection when one is set; else None.

        For a filter set over `permissions.visible_barriers(self.user)` (after
        `filter_queryset`): the search table applies the same rule itself.
        """
        if not (self.search_text and self.sort_key == "relevance" and selectors.uses_postgres()):
            return None
        data = self.form.cleaned_data
        other_filters = any(
            value not in ([], (), {}, "", None, False)
            for name, value in data.items()
            if name not in ("q", "sort")
        )
        within = self.filtered if other_filters else None
        return selectors.ranked_matches(self.user, self.search_text, within=within)
