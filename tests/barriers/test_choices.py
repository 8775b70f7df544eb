"""The fixed lists follow the reference file (ids and German labels)."""

from django.utils import translation

from barriers.choices import Category, GovernanceLevel, Subcategory
from thementisch import reference


def test_categories_match_the_reference():
    categories = reference.section("barrier_categories")
    with translation.override("de"):
        assert [(c.value, str(c.label)) for c in Category] == [
            (c["id"], c["label_de"]) for c in categories
        ]
    with translation.override("en"):
        assert [str(c.label) for c in Category] == [c["label_en"] for c in categories]


def test_subcategories_match_the_reference():
    expected = [
        (sub["id"], sub["label_de"])
        for category in reference.section("barrier_categories")
        for sub in category.get("subcategories", [])
    ]
    with translation.override("de"):
        assert [(s.value, str(s.label)) for s in Subcategory] == expected


def test_levels_match_the_reference():
    levels = reference.section("governance_levels")
    with translation.override("de"):
        assert [(g.value, str(g.label)) for g in GovernanceLevel] == [
            (level["id"], level["label_de"]) for level in levels
        ]
