from django import forms
from django.utils.translation import gettext_lazy as _

from barriers.services import KIND_FORWARDED, KIND_OVERDUE, KIND_SUBMITTED
from members import extensions
from members.models import Notification, User
from members.permissions import is_coordinator, is_ministry

from .periods import FREQUENCIES

# Kinds only some roles ever receive: others are not asked about them.
ROLE_KINDS = {
    KIND_SUBMITTED: is_coordinator,
    KIND_OVERDUE: is_coordinator,
    KIND_FORWARDED: is_ministry,
}


def kinds_for(user: User) -> list[tuple[str, str]]:
    """(kind, label) of the notification kinds `user` may receive, in label order."""
    kinds = [
        (kind, str(label))
        for kind, label in extensions.notification_kinds.items()
        if ROLE_KINDS.get(kind, lambda _user: True)(user)
    ]
    return sorted(kinds, key=lambda item: item[1].lower())


class NotificationSettingsForm(forms.Form):
    """Per kind of notification: immediately, in the digest only, or off."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for kind, label in kinds_for(user):
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Notification.Mode.choices,
                initial=user.notification_mode(kind),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def modes(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in self.fields}


class PreviewForm(forms.Form):
    """The admin's digest preview: which member, which frequency."""

    member = forms.CharField(
        label=_("Member (email address)"),
        max_length=254,
        help_text=_("The digest of the current edition, as this member gets it."),
    )
    frequency = forms.ChoiceField(
        label=_("Digest"),
        choices=[("", _("as the member chose"))]
        + [(value, label) for value, label in User.DigestFrequency.choices if value in FREQUENCIES],
        required=False,
    )

    def clean_member(self):
        email = self.cleaned_data["member"].strip()
        member = User.objects.filter(email__iexact=email).select_related("organisation").first()
        if member is None:
            raise forms.ValidationError(_("There is no account with this email address."))
        if not member.is_member:
            raise forms.ValidationError(_("Only approved members get a digest."))
        return member
