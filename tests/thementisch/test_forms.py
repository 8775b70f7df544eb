"""The fast form renderer writes exactly what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from thementisch.forms import FastFormRenderer


class Everything(forms.Form):
    name = forms.CharField(
        max_length=20, help_text="x", widget=forms.TextInput(attrs={"class": "a"})
    )
    mail = forms.EmailField(required=False)
    number = forms.IntegerField(min_value=1)
    secret = forms.CharField(widget=forms.PasswordInput)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=[("", "–"), ("a", "A & B"), ("b", '"Quote"')])
    grouped = forms.ChoiceField(
        choices=[("Metalle", [("al", "Aluminium"), ("cu", "Kupfer")]), ("x", "Sonstige <b>")]
    )
    many = forms.MultipleChoiceField(choices=[("1", "Eins"), ("2", "Zwei")], required=False)
    flag = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "name": '<script>"x"</script>',
            "mail": "a@b.de",
            "number": "3",
            "secret": "geheim",
            "when": datetime.date(2026, 11, 26),
            "hidden": "h&v",
            "choice": "a",
            "grouped": "cu",
            "many": ["1", "2"],
            "flag": "on",
        },
    ],
)
def test_fast_renderer_matches_django_templates(data):
    slow = Everything(data or None, renderer=DjangoTemplates())
    fast = Everything(data or None, renderer=FastFormRenderer())

    for name in Everything.base_fields:
        assert str(fast[name]) == str(slow[name]), name
