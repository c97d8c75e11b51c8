"""Translations: every French text of the pages has an English translation, none stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

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
