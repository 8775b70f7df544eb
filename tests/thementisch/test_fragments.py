"""Rendered rows, and the frames around them, kept by what they show
(thementisch/fragments.py)."""

from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import translation

from thementisch.fragments import Rows, render_each, render_once

ROW = "{% load i18n %}<li>{{ item.title }} · {% translate 'Barriers' %} · {{ mark }}</li>"
PANEL = (
    "{% load i18n %}<ul>{% for row in rows %}{{ row }}{% empty %}"
    "{% translate 'Barriers' %}{% endfor %}</ul>{% if count %}{{ count }}{% endif %}"
)
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                ("django.template.loaders.locmem.Loader", {"row.html": ROW, "panel.html": PANEL})
            ]
        },
    }
]


def title_key(item):
    return (item.pk, item.title)


@pytest.fixture
def rows():
    return [SimpleNamespace(pk=1, title="Schrott"), SimpleNamespace(pk=2, title="Kupfer")]


@override_settings(TEMPLATES=TEMPLATES)
def test_rows_are_rendered_and_kept(rows):
    html = render_each("row.html", rows, title_key, context={"mark": "x"})
    assert html == ["<li>Schrott · Hemmnisse · x</li>", "<li>Kupfer · Hemmnisse · x</li>"]
    assert len(caches["fragments"]._cache) == 2


@override_settings(TEMPLATES=TEMPLATES)
def test_a_shown_value_that_changes_is_a_new_row(rows):
    render_each("row.html", rows, title_key, context={"mark": "x"})
    rows[0].title = "Aluminium"
    html = render_each("row.html", rows, title_key, context={"mark": "x"})
    assert html[0] == "<li>Aluminium · Hemmnisse · x</li>"
    assert html[1] == "<li>Kupfer · Hemmnisse · x</li>"


@override_settings(TEMPLATES=TEMPLATES)
def test_kept_rows_are_served_without_rendering(rows):
    """The key is the whole input: a value outside it does not reach a kept row."""
    render_each("row.html", rows, lambda item: (item.pk,), context={"mark": "x"})
    rows[0].title = "nicht im Schlüssel"
    html = render_each("row.html", rows, lambda item: (item.pk,), context={"mark": "x"})
    assert html[0] == "<li>Schrott · Hemmnisse · x</li>"


@override_settings(TEMPLATES=TEMPLATES)
def test_language_and_context_are_part_of_the_key(rows):
    german = render_each("row.html", rows, title_key, context={"mark": "x"})
    with translation.override("en"):
        english = render_each("row.html", rows, title_key, context={"mark": "x"})
    other = render_each("row.html", rows, title_key, context={"mark": "y"})
    assert german[0] == "<li>Schrott · Hemmnisse · x</li>"
    assert english[0] == "<li>Schrott · Barriers · x</li>"
    assert other[0] == "<li>Schrott · Hemmnisse · y</li>"


@override_settings(TEMPLATES=TEMPLATES)
def test_context_must_be_plain_values(rows):
    with pytest.raises(TypeError):
        render_each("row.html", rows, title_key, context={"mark": object()})


# --- frames (render_once) --------------------------------------------------------------------


@override_settings(TEMPLATES=TEMPLATES)
def test_a_frame_is_rendered_once_for_the_same_context(rows):
    rendered = render_each("row.html", rows, title_key, context={"mark": "x"})
    first = render_once("panel.html", {"rows": tuple(rendered), "count": 2})
    kept = len(caches["fragments"]._cache)

    again = render_once("panel.html", {"rows": tuple(rendered), "count": 2})

    assert (
        first
        == again
        == ("<ul><li>Schrott · Hemmnisse · x</li><li>Kupfer · Hemmnisse · x</li></ul>2")
    )
    assert len(caches["fragments"]._cache) == kept  # nothing new was stored


@override_settings(TEMPLATES=TEMPLATES)
def test_a_frame_follows_its_rows_its_values_and_the_language(rows):
    rendered = render_each("row.html", rows, title_key, context={"mark": "x"})
    render_once("panel.html", {"rows": tuple(rendered), "count": 2})
    rows[1].title = "Aluminium"
    changed = render_each("row.html", rows, title_key, context={"mark": "x"})

    assert "Aluminium" in render_once("panel.html", {"rows": tuple(changed), "count": 2})
    assert render_once("panel.html", {"rows": tuple(changed), "count": 3}).endswith("</ul>3")
    assert render_once("panel.html", {"rows": (), "count": 0}) == "<ul>Hemmnisse</ul>"
    with translation.override("en"):
        assert render_once("panel.html", {"rows": (), "count": 0}) == "<ul>Barriers</ul>"


@override_settings(TEMPLATES=TEMPLATES)
def test_a_frame_takes_only_plain_values_and_tuples_of_them(rows):
    for value in ([1, 2], object(), (object(),), {"a": 1}):
        with pytest.raises(TypeError):
            render_once("panel.html", {"rows": value})


@override_settings(TEMPLATES=TEMPLATES)
def test_a_frame_keeps_its_rows_by_what_they_show(rows):
    frame = render_once("panel.html", {"rows": Rows("row.html", rows, title_key), "count": 2})
    assert frame == "<ul><li>Schrott · Hemmnisse · </li><li>Kupfer · Hemmnisse · </li></ul>2"

    # A kept frame is served by its row keys: a value outside them does not reach it ...
    rows[0].unkeyed = "x"
    kept = render_once("panel.html", {"rows": Rows("row.html", rows, title_key), "count": 2})
    assert kept == frame
    # ... and a shown value that changes renders the frame (and that row) anew.
    rows[0].title = "Aluminium"
    changed = render_once("panel.html", {"rows": Rows("row.html", rows, title_key), "count": 2})
    assert changed == "<ul><li>Aluminium · Hemmnisse · </li><li>Kupfer · Hemmnisse · </li></ul>2"
    empty = render_once("panel.html", {"rows": Rows("row.html", [], title_key), "count": 0})
    assert empty == "<ul>Hemmnisse</ul>"
