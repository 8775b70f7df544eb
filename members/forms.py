from django import forms
from django.utils.translation import gettext_lazy as _

from thementisch.models import Material, ValueChainStage

from . import services
from .models import Organisation, OrganisationType, User


class SignupForm(forms.Form):
    """The extra fields of allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("e.g. Head of Environmental Management"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("– not in the list –"),
        help_text=_("Pick your organisation. If it is not in the list, name it below."),
    )
    new_organisation_name = forms.CharField(
        label=_("New organisation: name"), max_length=200, required=False
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("New organisation: type"),
        choices=[("", "–"), *OrganisationType.choices],
        required=False,
    )
    show_in_directory = forms.BooleanField(
        label=_("Show me in the member directory"),
        required=False,
        initial=True,
        help_text=_("Only approved members see the directory. You can change this at any time."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy policy and agree that my data is processed "
            "for the work of the Thementisch Metall."
        ),
        required=True,
        error_messages={"required": _("Please agree to the privacy policy to sign up.")},
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "position",
        "organisation",
        "new_organisation_name",
        "new_organisation_kind",
        "password1",
        "password2",
        "show_in_directory",
        "privacy_consent",
    ]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        name = " ".join((cleaned.get("new_organisation_name") or "").split())
        kind = cleaned.get("new_organisation_kind")
        if organisation is None:
            if not name:
                self.add_error(
                    "organisation", _("Choose your organisation or name a new one below.")
                )
            elif Organisation.objects.filter(name__iexact=name).exists():
                self.add_error(
                    "new_organisation_name",
                    _("“%(name)s” already exists: please choose it in the list above.")
                    % {"name": name},
                )
            elif not kind:
                self.add_error(
                    "new_organisation_kind", _("Choose the type of the new organisation.")
                )
        elif name:
            self.add_error(
                "new_organisation_name",
                _("Either choose an organisation from the list or name a new one, not both."),
            )
        cleaned["new_organisation_name"] = name
        return cleaned

    def signup(self, request, user):
        services.complete_signup(
            user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            position=self.cleaned_data.get("position", ""),
            organisation=self.cleaned_data.get("organisation"),
            new_organisation_name=self.cleaned_data.get("new_organisation_name", ""),
            new_organisation_kind=self.cleaned_data.get("new_organisation_kind", ""),
            show_in_directory=self.cleaned_data.get("show_in_directory", False),
            language=getattr(request, "LANGUAGE_CODE", None),
        )


class ProfileForm(forms.ModelForm):
    materials = forms.ModelMultipleChoiceField(
        label=_("Materials of interest"),
        queryset=Material.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value_chain_stages = forms.ModelMultipleChoiceField(
        label=_("Value-chain stages of interest"),
        queryset=ValueChainStage.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "position",
            "language",
            "show_in_directory",
            "digest_frequency",
            "materials",
            "value_chain_stages",
        ]
        help_texts = {
            "digest_frequency": _("A summary of what is new for you, by email."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted for good."),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
