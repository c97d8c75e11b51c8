"""The next charter version ending an adhesion (coffre/consent/charter_edit.py): three
lines change, the rest of the file stays as the admin wrote it; anything the edit
cannot follow is refused rather than published wrong."""

from __future__ import annotations

from datetime import date

import pytest

from coffre.consent.charter_edit import end_adhesion
from coffre.consent.charter_file import read_charter
from coffre.consent.errors import CharterNotEditable
from tests.consent.charters import charter_text

BLOCKS = """
[[structures]]  # le CCAS
siret = "73282932000074"
nom = "CCAS"
adhesion = 2026-01-01
fin = 2027-01-01  # prévue

[[structures]]
siret = "44201234500017"
nom = "Épicerie"
adhesion = 2026-01-01
"""


def test_an_existing_end_is_moved_and_a_missing_one_added() -> None:
    source = charter_text(version=4, structures=BLOCKS)
    charter = read_charter(source)
    moved = end_adhesion(source, charter, 0, date(2026, 6, 1), 5, date(2026, 2, 1))
    assert "fin = 2026-06-01  # prévue" in moved
    assert moved.count("fin =") == 1
    assert read_charter(moved).structures[0].until == date(2026, 6, 1)
    added = end_adhesion(source, charter, 1, date(2026, 6, 1), 5, date(2026, 2, 1))
    edited = read_charter(added)
    assert (edited.version, edited.effective_on) == (5, date(2026, 2, 1))
    assert [a.until for a in edited.structures] == [date(2027, 1, 1), date(2026, 6, 1)]
    assert "[[structures]]  # le CCAS" in added
    # Nothing but those lines: the rest of the file is byte for byte the same.
    kept = [line for line in added.splitlines() if not line.startswith(("version", "en_vigueur"))]
    original = [
        line for line in source.splitlines() if not line.startswith(("version", "en_vigueur"))
    ]
    assert [line for line in kept if line != "fin = 2026-06-01"] == original


def test_a_file_without_a_final_newline_still_works() -> None:
    source = charter_text(version=1, structures=BLOCKS).rstrip("\n")
    edited = end_adhesion(source, read_charter(source), 1, date(2026, 6, 1), 2, date(2026, 2, 1))
    assert read_charter(edited).structures[1].until == date(2026, 6, 1)


def test_a_fin_hidden_in_a_multiline_text_is_not_taken_for_the_key() -> None:
    # "version = …" inside the preamble's text: the edit must not touch it, or refuse.
    tricky = charter_text(version=1, structures=BLOCKS).replace(
        'titre = "Charte de test"',
        'titre = "Charte de test"\npreambule = """\nversion = 99\n"""',
    )
    charter = read_charter(tricky)
    try:
        edited = end_adhesion(tricky, charter, 1, date(2026, 6, 1), 2, date(2026, 2, 1))
    except CharterNotEditable:
        return
    result = read_charter(edited)
    assert result.preamble == charter.preamble and result.version == 2


def test_an_adhesion_beyond_the_blocks_is_refused() -> None:
    source = charter_text(version=1, structures=BLOCKS)
    with pytest.raises(CharterNotEditable):
        end_adhesion(source, read_charter(source), 5, date(2026, 6, 1), 2, date(2026, 2, 1))
