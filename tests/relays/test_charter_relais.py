"""The charter's ``[relais]`` block (docs/CHARTER.md): strict, every problem located in
the file in French, and the decisions a relay reads from it."""

from __future__ import annotations

import pytest

from coffre.consent.charter_file import read_charter
from coffre.consent.errors import InvalidCharter
from tests.consent.charters import charter_text, example_text

GOOD = """
[relais]
finalites = ["ouverture-droits-rsa"]
rappel_apres_jours = 10
expire_apres_jours = 30

[[relais.orientations]]
de = ["ccas", "association"]
vers = ["caf"]
"""


def _problems(block: str) -> dict[str, str]:
    with pytest.raises(InvalidCharter) as caught:
        read_charter(charter_text() + block)
    return {p.location: p.message for p in caught.value.problems}


def test_the_example_charter_carries_relay_settings() -> None:
    charter = read_charter(example_text())
    assert charter.relays is not None
    assert (charter.relays.remind_after_days, charter.relays.expire_after_days) == (10, 30)
    assert charter.relays.orients("ccas", "caf")
    assert not charter.relays.orients("caf", "spip")


def test_a_charter_without_the_block_allows_no_relay() -> None:
    charter = read_charter(charter_text())
    assert charter.relays is None
    decision = charter.permits_relay("ouverture-droits-rsa", ["identite"], "ccas", "caf")
    assert not decision and "ne prévoit pas encore de relais" in decision.reason_fr


def test_the_block_decides_purpose_categories_and_kinds() -> None:
    charter = read_charter(charter_text() + GOOD)
    assert charter.permits_relay("ouverture-droits-rsa", ["identite", "domicile"], "ccas", "caf")
    refused = {
        "purpose": charter.permits_relay("dossier-mdph", [], "ccas", "caf"),
        "category": charter.permits_relay("ouverture-droits-rsa", ["sante"], "ccas", "caf"),
        "kinds": charter.permits_relay("ouverture-droits-rsa", [], "caf", "ccas"),
    }
    assert not any(refused.values())
    assert "finalité" in refused["purpose"].reason_fr
    assert "Santé" in refused["category"].reason_fr or "sante" in refused["category"].reason_fr
    assert "CAF" in refused["kinds"].reason_fr and "CCAS" in refused["kinds"].reason_fr


def test_an_unknown_key_is_located() -> None:
    problems = _problems(GOOD.replace("rappel_apres_jours", "rapel_apres_jours"))
    assert "relais.rapel_apres_jours" in problems
    assert "relais.rappel_apres_jours" in problems  # and the right one is missing


def test_a_reminder_after_the_expiry_is_refused() -> None:
    problems = _problems(GOOD.replace("= 10", "= 30"))
    assert any("plus petit" in message for message in problems.values())


def test_a_purpose_not_declared_in_the_charter_is_located() -> None:
    problems = _problems(
        GOOD.replace('["ouverture-droits-rsa"]', '["ouverture-droits-rsa", "hebergement"]')
    )
    assert "relais.finalites[2]" in problems
    assert "hebergement" in problems["relais.finalites[2]"]


def test_an_unknown_kind_of_structure_is_located() -> None:
    problems = _problems(GOOD.replace('vers = ["caf"]', 'vers = ["caf", "prefecture"]'))
    assert problems == {
        "relais.orientations[1].vers[2]": problems["relais.orientations[1].vers[2]"]
    }
    assert "prefecture" in problems["relais.orientations[1].vers[2]"]


def test_days_in_quotes_and_an_empty_orientation_are_refused() -> None:
    problems = _problems(GOOD.replace("= 30", '= "30"').replace('vers = ["caf"]', "vers = []"))
    assert "relais.expire_apres_jours" in problems
    assert "relais.orientations[1].vers" in problems
