"""German is complete: every string of the interface has a German text."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_german_string_is_translated_and_not_fuzzy():
    po = polib.pofile(str(LOCALE / "de" / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_compiled_german_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "de" / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / "de" / "LC_MESSAGES" / "django.mo"))

    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural and compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]

    assert stale == [], "run `make messages` to recompile"


def test_english_catalogue_exists_for_every_string():
    de = polib.pofile(str(LOCALE / "de" / "LC_MESSAGES" / "django.po"))
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))

    assert {e.msgid for e in de} == {e.msgid for e in en}
