"""The zh_Hans catalogue is complete and its compiled .mo matches it."""

from pathlib import Path

import polib
from django.utils import translation

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
)


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE))
    missing = [
        entry.msgid
        for entry in po
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert missing == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE))
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0) for entry in mo
    }
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
        for entry in po.translated_entries()
    }
    assert compiled == source


def test_placeholders_survive_translation():
    po = polib.pofile(str(CATALOGUE))
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    broken = [
        entry.msgid
        for entry in po.translated_entries()
        if sorted(placeholder.findall(entry.msgid))
        != sorted(placeholder.findall(entry.msgstr or entry.msgstr_plural.get(0, "")))
    ]
    assert broken == []


def test_chinese_is_the_default_and_english_is_available():
    with translation.override("zh-hans"):
        assert translation.gettext("Caseworker") == "经办人"
    with translation.override("en"):
        assert translation.gettext("Caseworker") == "Caseworker"
