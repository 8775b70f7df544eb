"""Forms of the barriers app: logging, workflow, endorsing, answering, evidence."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, OrganisationType
from members.permissions import is_coordinator
from policy.models import PolicyItem
from thementisch.files import validate_upload
from thementisch.models import Material, ValueChainStage

from .choices import (
    SUBCATEGORY_PARENT,
    Category,
    GovernanceLevel,
    OnBehalf,
    Severity,
    Subcategory,
    category_descriptions,
)
from .models import Barrier

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by thementisch.files.validate_upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                _("Please upload at most %(count)d files at once.") % {"count": MAX_FILES}
            )
        cleaned = []
        for upload in uploads:
            upload = single(upload, initial)
            if upload:
                validate_upload(upload)
                cleaned.append(upload)
        return cleaned


def evidence_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Evidence files (optional)"),
        help_text=_(
            "PDF, office documents or images, up to 10 MB each. Only members can open them. "
            "If you log anonymously, check that the files do not name you or your company."
        ),
    )


class BarrierForm(forms.ModelForm):
    """Log or edit a barrier; guides a member with short help texts and examples."""

    evidence = evidence_field()

    class Meta:
        model = Barrier
        fields = [
            "title",
            "description",
            "category",
            "subcategory",
            "need_type",
            "materials",
            "value_chain_stages",
            "level",
            "root_cause",
            "policy_item",
            "regulation_text",
            "severity",
            "impact",
            "proposed_solution",
            "on_behalf",
            "on_behalf_names",
            "is_anonymous",
        ]
        labels = {
            "title": _("Short title"),
            "description": _("What is the problem?"),
            "category": _("What kind of barrier is it?"),
            "subcategory": _("More precisely (optional)"),
            "need_type": _("What is needed to overcome it?"),
            "materials": _("Materials concerned"),
            "value_chain_stages": _("Value-chain stages concerned"),
            "level": _("Who can remove the barrier?"),
            "root_cause": _("Where does the barrier come from?"),
            "policy_item": _("Regulation on the policy radar (optional)"),
            "regulation_text": _("Other regulation (optional)"),
            "severity": _("How severe is it for you?"),
            "impact": _("Impact in figures or examples (optional)"),
            "proposed_solution": _("Your proposed solution (optional)"),
            "on_behalf": _("For whom do you log it?"),
            "on_behalf_names": _("Names of the member companies"),
            "is_anonymous": _("Log anonymously"),
        }
        help_texts = {
            "title": _(
                "One sentence, e.g. “End-of-waste status of processed aluminium scrap unclear”."
            ),
            "description": _(
                "Describe the situation, what goes wrong and since when. Markdown works "
                "(**bold**, lists); HTML is removed."
            ),
            "need_type": _("Regulatory change, research, implementation support, financing …"),
            "materials": _("Choose all that apply."),
            "value_chain_stages": _("Choose all that apply."),
            "level": _("The level of government or the body that could change it."),
            "root_cause": _(
                "Is the rule itself the problem, how it is transposed or enforced, how "
                "authorities work, or the market? Choose “Not sure” if you do not know."
            ),
            "regulation_text": _("e.g. “Ersatzbaustoffverordnung, § 21”"),
            "impact": _("e.g. “3 months delay per shipment, 40,000 € extra cost per year”."),
            "proposed_solution": _("What should change, and who should do it?"),
            "on_behalf_names": _("Only if you name them; separate with commas."),
            "is_anonymous": _(
                "Other members and ministries then see neither your name nor your "
                "organisation; only the coordination does."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "impact": forms.Textarea(attrs={"rows": 3}),
            "proposed_solution": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.CheckboxSelectMultiple,
            "value_chain_stages": forms.CheckboxSelectMultiple,
            "severity": forms.RadioSelect,
            "root_cause": forms.RadioSelect,
            "on_behalf": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["materials"].queryset = Material.objects.all()
        self.fields["value_chain_stages"].queryset = ValueChainStage.objects.all()
        self.fields["policy_item"].queryset = PolicyItem.objects.order_by("title")
        self.fields["policy_item"].empty_label = _("— none / not on the radar —")
        self.fields["subcategory"].choices = [("", _("— none —")), *Subcategory.choices]
        self.fields["severity"].choices = Severity.choices
        descriptions = category_descriptions()
        self.fields["category"].help_text = _(
            "Choose the one that fits best; the coordination may adjust it."
        )
        self.category_descriptions = [
            (Category(key).label, text) for key, text in descriptions.items()
        ]
        title = self.fields["title"]
        title.widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("barriers:similar"),
                "hx-trigger": "input changed delay:500ms, search",
                "hx-target": "#similar-barriers",
                "hx-swap": "innerHTML",
            }
        )
        if self.instance.pk:
            title.widget.attrs["hx-vals"] = f'{{"exclude": "{self.instance.pk}"}}'
        organisation = getattr(user, "organisation", None)
        self.may_act_for_members = is_coordinator(user) or bool(
            organisation and organisation.kind == OrganisationType.ASSOCIATION
        )
        if not self.may_act_for_members:
            del self.fields["on_behalf"]
            del self.fields["on_behalf_names"]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 10:
            raise forms.ValidationError(
                _("Please write a title of at least 10 characters that says what the problem is.")
            )
        return title

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) < 30:
            raise forms.ValidationError(
                _("Please describe the barrier in a few sentences (at least 30 characters).")
            )
        return description

    def clean(self):
        data = super().clean()
        subcategory, category = data.get("subcategory"), data.get("category")
        if subcategory and category and SUBCATEGORY_PARENT.get(subcategory) != category:
            self.add_error(
                "subcategory",
                _("“%(sub)s” does not belong to the category “%(category)s”.")
                % {"sub": Subcategory(subcategory).label, "category": Category(category).label},
            )
        if data.get("on_behalf") == OnBehalf.NAMED and not data.get("on_behalf_names", "").strip():
            self.add_error(
                "on_behalf_names",
                _("Please name the member companies, or choose “several member companies”."),
            )
        if data.get("on_behalf") in (OnBehalf.OWN, OnBehalf.SEVERAL):
            data["on_behalf_names"] = ""
        return data


class EvidenceForm(forms.Form):
    evidence = evidence_field()

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        if not files:
            raise forms.ValidationError(_("Please choose at least one file."))
        return files


class EndorseForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How does the barrier affect you? Visible to members."),
    )


class StatusForm(forms.Form):
    """The coordinator's workflow step; the fields a step needs are checked here too."""

    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason for a rejection"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject; the submitter reads it."),
    )
    level = forms.ChoiceField(
        label=_("Forward to level"),
        required=False,
        choices=[("", "—"), *GovernanceLevel.choices],
    )
    ministry = forms.ModelChoiceField(
        label=_("Ministry or authority (optional)"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationType.MINISTRY),
        empty_label="—",
    )
    answer_by = forms.DateField(
        label=_("Answer requested by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Required when you forward."),
    )

    def __init__(self, *args, transitions=(), barrier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, Barrier.Status(s).label) for s in transitions]
        if barrier is not None and not self.is_bound:
            self.fields["level"].initial = barrier.forwarded_level or barrier.level

    def clean(self):
        data = super().clean()
        target = data.get("to_status")
        if target == Barrier.Status.REJECTED and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give a reason for the rejection."))
        if target == Barrier.Status.FORWARDED:
            if not data.get("level"):
                self.add_error("level", _("Please choose the level."))
            answer_by = data.get("answer_by")
            if answer_by is None:
                self.add_error("answer_by", _("Please give the date an answer is requested by."))
            elif answer_by <= timezone.localdate():
                self.add_error("answer_by", _("The date must lie in the future."))
        return data


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Number of the barrier to merge into"),
        min_value=1,
        help_text=_("The number is in the address of the barrier: /barriers/<number>/."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self):
        number = self.cleaned_data["target"]
        target = Barrier.objects.filter(pk=number).first()
        if target is None:
            raise forms.ValidationError(_("There is no barrier with this number."))
        if self.source is not None and target.pk == self.source.pk:
            raise forms.ValidationError(_("A barrier cannot be merged into itself."))
        if target.status in (Barrier.Status.MERGED, Barrier.Status.REJECTED):
            raise forms.ValidationError(_("Choose a target that is neither merged nor rejected."))
        return target


class ResponseForm(forms.Form):
    body = forms.CharField(
        label=_("Official response"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Shown on the barrier page as the ministry's response; the barrier moves to "
            "“Answered”. Markdown works."
        ),
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write the response."))
        return body
