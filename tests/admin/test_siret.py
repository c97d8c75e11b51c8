"""The SIRET check of the territory admin's page, CLI and client: 14 digits and a Luhn
key, La Poste's establishments by the sum of their digits; the three implementations
(coffre/structures/siret.py, client/territory.py, web/static/js/admin-siret.js) agree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from client.territory import siret_problem as client_problem
from coffre.structures.siret import luhn_ok, siret_problem

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "73282932000074": None,  # a real SIRET
    "732 829 320 00074": None,  # as people write it
    "732.829.320.00074": None,
    "73282932000075": "key",  # one digit off
    "73282932000047": "key",  # two digits swapped
    "35600000000048": None,  # La Poste's head office (a Luhn key too)
    "35600000049837": None,  # a La Poste establishment: digits sum to a multiple of 5
    "35600000049838": "key",
    "99999999900011": "key",
    "7328293200007": "format",  # 13 digits
    "732829320000741": "format",
    "7328293200007A": "format",
    "": "format",
}


@pytest.mark.parametrize(("siret", "expected"), list(CASES.items()))
def test_the_server_module_and_the_client_agree(siret: str, expected: str | None) -> None:
    assert siret_problem(siret) == expected
    assert client_problem(siret) == expected


def test_la_poste_exception_is_only_for_la_poste() -> None:
    # Digits summing to a multiple of 5 but failing Luhn: accepted for SIREN 356000000 only.
    assert sum(map(int, "35600000049837")) % 5 == 0 and not luhn_ok("35600000049837")
    assert siret_problem("35600000049837") is None
    assert sum(map(int, "12300000049835")) % 5 == 0 and not luhn_ok("12300000049835")
    assert siret_problem("12300000049835") == "key"


def test_the_page_module_agrees(tmp_path: Path) -> None:
    script = tmp_path / "check.mjs"
    module = (ROOT / "web/static/js/admin-siret.js").as_uri()
    script.write_text(
        f'import {{ siretProblem }} from "{module}";\n'
        f"const cases = {json.dumps(list(CASES) + ['12300000049835'])};\n"
        "console.log(JSON.stringify(cases.map((c) => siretProblem(c))));\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["node", str(script)], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == [*CASES.values(), "key"]
