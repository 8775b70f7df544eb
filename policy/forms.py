from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarForm(forms.Form):
    """Year and scope of the calendar page."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    followed = forms.BooleanField(label=_("Only items I follow"), required=False)
