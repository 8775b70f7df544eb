"""List filters every app offers the same way: by material and by value-chain stage."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Material, ValueChainStage


def material_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """A "Material" select; pass `field_name` or `method` like to any filter."""
    kwargs.setdefault("field_name", "materials")
    return django_filters.ModelChoiceFilter(
        queryset=Material.objects.all(),
        label=_("Material"),
        empty_label=_("All materials"),
        **kwargs,
    )


def stage_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """A "Value-chain stage" select; pass `field_name` or `method` like to any filter."""
    kwargs.setdefault("field_name", "value_chain_stages")
    return django_filters.ModelChoiceFilter(
        queryset=ValueChainStage.objects.all(),
        label=_("Value-chain stage"),
        empty_label=_("All stages"),
        **kwargs,
    )
