import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from thementisch.filters import material_filter, stage_filter

from .models import Organisation, OrganisationType, User


class MemberFilter(django_filters.FilterSet):
    """Filters of the member directory."""

    q = django_filters.CharFilter(method="filter_text", label=_("Name or organisation"))
    kind = django_filters.ChoiceFilter(
        field_name="organisation__kind",
        choices=OrganisationType.choices,
        label=_("Organisation type"),
        empty_label=_("All types"),
    )
    stage = stage_filter(method="filter_stage")
    material = material_filter(method="filter_material")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(position__icontains=word)
            )
        return queryset

    def filter_stage(self, queryset, name, value):
        # A member matches through their organisation's stages or their own interests.
        organisation_stage = Organisation.value_chain_stages.through.objects.filter(
            organisation_id=OuterRef("organisation_id"), valuechainstage=value
        )
        own_stage = User.value_chain_stages.through.objects.filter(
            user_id=OuterRef("pk"), valuechainstage=value
        )
        return queryset.filter(Exists(organisation_stage) | Exists(own_stage))

    def filter_material(self, queryset, name, value):
        organisation_material = Organisation.materials.through.objects.filter(
            organisation_id=OuterRef("organisation_id"), material=value
        )
        own_material = User.materials.through.objects.filter(user_id=OuterRef("pk"), material=value)
        return queryset.filter(Exists(organisation_material) | Exists(own_material))
