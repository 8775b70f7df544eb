"""Forms of the pilot pages. They validate input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from barriers.models import Barrier
from members.models import User
from thementisch.models import Material, ValueChainStage

from .models import PartnerNeed, PilotProject
from .services import PICKABLE_BARRIER_STATUSES, NeedData, allowed_transitions
from .taxonomy import OTHER_FUNDING, TRL


class PilotForm(forms.ModelForm):
    barriers = forms.ModelMultipleChoiceField(
        label=_("Barriers this pilot addresses"),
        queryset=Barrier.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Search published barriers by title and tick the ones the pilot tackles."),
    )

    class Meta:
        model = PilotProject
        fields = [
            "title",
            "summary",
            "objectives",
            "strategy",
            "materials",
            "value_chain_stages",
            "trl_current",
            "trl_target",
            "barriers",
            "funding_programme",
            "funding_other",
            "budget_range",
            "duration_months",
            "planned_start",
            "contact_person",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "materials": forms.CheckboxSelectMultiple,
            "value_chain_stages": forms.CheckboxSelectMultiple,
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "summary": _("What the pilot does, in a few sentences. Markdown works."),
            "objectives": _("What it should achieve and how success is measured. Markdown works."),
            "strategy": _("The main R-strategy, from R0 Refuse to R9 Recover."),
            "trl_current": _("Technology readiness level (TRL) the solution has today."),
            "trl_target": _("The level the pilot wants to reach."),
            "funding_other": _("Only if you chose “other programme” above."),
            "contact_person": _("Whom members should contact; someone of your organisation."),
            "duration_months": _("In months, 1 to 120."),
        }

    def __init__(self, *args, proposer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].required = True
        self.fields["strategy"].required = False
        self.fields["materials"].queryset = Material.objects.all()
        self.fields["value_chain_stages"].queryset = ValueChainStage.objects.all()
        for name in ("materials", "value_chain_stages"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("trl_current", "trl_target"):
            self.fields[name].choices = [("", _("– not stated –")), *TRL.choices]
        for name in ("strategy", "funding_programme", "budget_range"):
            self.fields[name].choices = [("", _("– not stated –")), *self.fields[name].choices[1:]]
        already = (
            set(self.instance.barriers.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        self.linked_barrier_ids = already
        self.fields["barriers"].queryset = Barrier.objects.filter(
            pk__in=already
        ) | Barrier.objects.filter(status__in=PICKABLE_BARRIER_STATUSES)
        if self.instance.pk:
            self.initial["barriers"] = list(already)
        organisation_id = (self.instance.organisation_id if self.instance.pk else None) or (
            proposer.organisation_id
        )
        people = User.objects.filter(is_active=True, status=User.Status.APPROVED)
        if organisation_id:
            people = people.filter(organisation_id=organisation_id)
        else:
            people = people.filter(pk=proposer.pk)
        current = self.instance.contact_person_id
        if current:
            people = people | User.objects.filter(pk=current)
        self.fields["contact_person"].queryset = people.order_by("last_name", "first_name")
        self.fields["contact_person"].required = False
        self.fields["contact_person"].empty_label = _("– me –")
        self.fields["contact_person"].label_from_instance = lambda user: user.get_full_name()

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 5:
            raise forms.ValidationError(
                _("Please give the pilot a title of at least 5 characters.")
            )
        return title

    def clean(self):
        cleaned = super().clean()
        current, target = cleaned.get("trl_current"), cleaned.get("trl_target")
        if current and target and target < current:
            self.add_error(
                "trl_target", _("The targeted readiness level cannot be below the current one.")
            )
        if (
            cleaned.get("funding_programme") == OTHER_FUNDING
            and not (cleaned.get("funding_other") or "").strip()
        ):
            self.add_error("funding_other", _("Please name the funding programme."))
        return cleaned


class NeedForm(forms.ModelForm):
    class Meta:
        model = PartnerNeed
        fields = ["role", "stage", "material", "description", "status"]
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("– choose a role –")),
            *self.fields["role"].choices[1:],
        ]
        self.fields["stage"].empty_label = _("– any stage –")
        self.fields["material"].empty_label = _("– any material –")
        self.fields["stage"].queryset = ValueChainStage.objects.all()
        self.fields["material"].queryset = Material.objects.all()
        self.fields["description"].widget.attrs["placeholder"] = _(
            "e.g. sorted wrought alloy scrap, 500 t per year"
        )


NeedFormSet = inlineformset_factory(
    PilotProject,
    PartnerNeed,
    form=NeedForm,
    extra=3,
    max_num=30,
    validate_max=True,
    can_delete=True,
)


def needs_from(formset) -> list[NeedData]:
    """The cleaned rows of a valid need formset as service input; empty rows are skipped."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        data = form.cleaned_data
        if not data:
            continue
        rows.append(
            NeedData(
                pk=form.instance.pk,
                role=data["role"],
                stage=data.get("stage"),
                material=data.get("material"),
                description=(data.get("description") or "").strip(),
                status=data.get("status") or PartnerNeed.Status.OPEN,
                delete=bool(data.get("DELETE")),
            )
        )
    return rows


class ApplicationForm(forms.Form):
    need = forms.ModelChoiceField(
        label=_("For which partner need?"),
        queryset=PartnerNeed.objects.none(),
        required=False,
        empty_label=_("General application (no specific need)"),
    )
    message = forms.CharField(
        label=_("Your message to the proposer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What your organisation brings: experience, facilities, material, people."),
    )

    def __init__(self, *args, pilot: PilotProject, **kwargs):
        super().__init__(*args, **kwargs)
        need_field = self.fields["need"]
        need_field.queryset = pilot.needs.filter(status=PartnerNeed.Status.OPEN).select_related(
            "stage", "material"
        )
        need_field.label_from_instance = need_label

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("Please write a few words about what your organisation brings.")
            )
        return message


def need_label(need: PartnerNeed) -> str:
    parts = [str(need.get_role_display())]
    if need.stage_id:
        parts.append(need.stage.label)
    if need.material_id:
        parts.append(need.material.label)
    label = " – ".join(parts)
    return f"{label}: {need.description}" if need.description else label


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New state"))
    note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the pilot is discontinued."),
    )

    def __init__(self, *args, pilot: PilotProject, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PilotProject.Status.choices)
        self.fields["to_status"].choices = [
            (status, labels[status]) for status in allowed_transitions(pilot)
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("to_status") == PilotProject.Status.DISCONTINUED
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", _("Please say in a note why the pilot is discontinued."))
        return cleaned


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
