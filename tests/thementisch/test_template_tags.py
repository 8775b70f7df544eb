"""Template helpers every page uses (thementisch/templatetags/portal.py)."""

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse


def render(source: str) -> str:
    return engines["django"].from_string(source).render({})


def test_fixed_url_is_the_reversed_address_and_empty_for_unknown_names():
    html = render(
        '{% fixed_url "members:directory" %}|{% fixed_url "imprint" %}'
        '|{% fixed_url "no:such" as missing %}[{{ missing }}]'
    )

    assert html == f"{reverse('members:directory')}|{reverse('imprint')}|[]"


def test_fixed_static_is_the_static_address():
    assert render("{% fixed_static 'css/portal.css' %}") == static("css/portal.css")
