import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from thementisch.filters import material_filter, stage_filter

from .models import PartnerNeed, PilotApplication, PilotProject
from .taxonomy import TRL, strategy_choices


class PilotFilter(django_filters.FilterSet):
    """Filters and search of the pilot list and board."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"), widget=forms.SearchInput)
    status = django_filters.ChoiceFilter(
        choices=PilotProject.Status.choices, label=_("State"), empty_label=_("All phases")
    )
    strategy = django_filters.ChoiceFilter(
        choices=strategy_choices, label=_("Circular strategy"), empty_label=_("All strategies")
    )
    material = material_filter()
    stage = stage_filter()
    trl = django_filters.ChoiceFilter(
        field_name="trl_current",
        choices=TRL.choices,
        label=_("Readiness level now"),
        empty_label=_("All readiness levels"),
    )
    open_needs = django_filters.BooleanFilter(
        method="filter_open_needs",
        label=_("Only pilots with open partner needs"),
        widget=forms.CheckboxInput,
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label=_("Only pilots of my organisation"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = PilotProject
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(objectives__icontains=word)
                | Q(organisation__name__icontains=word)
            )
        return queryset

    def filter_open_needs(self, queryset, name, value):
        if not value:
            return queryset
        open_need = PartnerNeed.objects.filter(pilot=OuterRef("pk"), status=PartnerNeed.Status.OPEN)
        return queryset.filter(Exists(open_need))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        partner = PilotApplication.objects.filter(
            pilot=OuterRef("pk"),
            organisation_id=user.organisation_id,
            status=PilotApplication.Status.ACCEPTED,
        )
        mine = Q(proposer=user) | Q(contact_person=user)
        if user.organisation_id:
            mine |= Q(organisation_id=user.organisation_id) | Exists(partner)
        return queryset.filter(mine)
