from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import OrganisationType
from thementisch.files import validate_upload

from . import services
from .models import Document, Invitation, Meeting

ANSWER_CHOICES = [
    (Invitation.Response.YES, _("Yes, I will attend")),
    (Invitation.Response.MAYBE, _("Maybe")),
    (Invitation.Response.NO, _("No, I cannot attend")),
]


class AnswerForm(forms.Form):
    response = forms.ChoiceField(label=_("Your answer"), choices=ANSWER_CHOICES)


def https_urls(field, **kwargs):
    """Form fields for the model; links typed without a scheme become https://."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class MeetingAdminForm(forms.ModelForm):
    audience_organisation_kinds = forms.MultipleChoiceField(
        label=_("organisation types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Approved members of organisations of these types."),
    )

    class Meta:
        model = Meeting
        widgets = {"audience_stages": forms.CheckboxSelectMultiple}
        formfield_callback = https_urls
        fields = (
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "capacity",
            "rsvp_deadline",
            "status",
            "audience_all_members",
            "audience_organisation_kinds",
            "audience_stages",
            "audience_members",
            "guest_emails",
            "reminder_days",
            "minutes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's split date/time inputs have no label of their own.
        for name in ("starts_at", "ends_at", "rsvp_deadline"):
            widget = self.fields[name].widget
            label = self.fields[name].label
            for part, subwidget in zip(
                (_("date"), _("time")), getattr(widget, "widgets", ()), strict=False
            ):
                subwidget.attrs["aria-label"] = f"{label}: {part}"

    def clean_guest_emails(self):
        text = self.cleaned_data.get("guest_emails", "")
        guests = services.parse_guest_emails(text)
        return "\n".join(f"{name} <{email}>" if name else email for name, email in guests)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        deadline = data.get("rsvp_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if starts and deadline and deadline > starts:
            self.add_error("rsvp_deadline", _("The answer deadline must be before the start."))
        if not (data.get("venue", "").strip() or data.get("online_url")):
            self.add_error("venue", _("Give a venue address, an online link or both."))
        return data


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("kind", "title", "file")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload)
        return upload


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(i.pk, i.display_name) for i in invitations]
