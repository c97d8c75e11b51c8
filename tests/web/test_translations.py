"""Translations: every French text of the pages has an English translation, none stale;
the person's screens are translated in every complete language; placeholders are kept."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.catalogues import catalogue, person_msgids, placeholders, translated
from web.i18n import LANGUAGES, locale_name

ROOT = Path(__file__).resolve().parents[2]


def test_every_text_of_the_pages_is_in_the_catalogue_and_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (ROOT / "web/locale/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    english = {m.id: m.string for m in catalogue if m.id}
    assert extracted - set(english) == set(), "run scripts/catalogues and translate"
    assert [msgid for msgid, text in english.items() if not text] == []
    # A fuzzy entry (a guess of pybabel update) is left out of the .mo: the page shows
    # French. scripts/catalogues updates without fuzzy matching; none may be left.
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []
    assert len(extracted) > 80


# The languages whose catalogue covers every text of the person's screens (docs/
# TRANSLATIONS.md). A language joins this list once its person's screens are translated.
COMPLETE = ("en", "ar", "fa_AF", "ps", "uk", "ru", "ro", "es", "pt")
EVERY_LANGUAGE = sorted(
    path.name for path in (ROOT / "web/locale").iterdir() if (path / "LC_MESSAGES").is_dir()
)


@pytest.mark.parametrize("language", COMPLETE)
def test_every_text_of_the_person_screens_is_translated(language: str) -> None:
    person = person_msgids()
    assert len(person) > 300  # the scan finds the person's screens
    missing = sorted(person - set(translated(language)))
    assert missing == [], f"{language}: {len(missing)} untranslated, first: {missing[:5]}"


@pytest.mark.parametrize("language", EVERY_LANGUAGE)
def test_every_translation_keeps_its_placeholders_and_none_is_fuzzy(language: str) -> None:
    messages = [m for m in catalogue(language) if m.id and isinstance(m.id, str)]
    assert [m.id for m in messages if m.fuzzy] == []
    changed = [
        m.id for m in messages if m.string and placeholders(m.id) != placeholders(str(m.string))
    ]
    assert changed == [], f"{language}: placeholders lost or added in {changed[:5]}"


def test_the_new_languages_are_offered_with_their_catalogues() -> None:
    offered = {locale_name(code) for code in LANGUAGES} - {"fr"}
    assert offered <= set(EVERY_LANGUAGE)
    assert set(COMPLETE) == offered  # every offered language covers the person's screens


# A word split by gender, the French point médian's cousins: "відкрив(ла)", "Положил(а)",
# "مساعد(ة)". Hard for weak readers and screen readers in any language: neutral wording.
GENDER_SPLIT = re.compile(r"\w\((а|ла|лась|ась|лася|ة)\)")


@pytest.mark.parametrize("language", [code for code in COMPLETE if code != "en"])
def test_no_person_screen_splits_a_word_by_gender(language: str) -> None:
    person = person_msgids()
    split = sorted(
        str(m.string)
        for m in catalogue(language)
        if m.id in person and m.string and GENDER_SPLIT.search(str(m.string))
    )
    assert split == [], f"{language}: {len(split)} texts, first: {split[:3]}"
