"""A purpose's words for persons (issue 18): an everyday name and a one-line example
beside the official label, optional keys of the charter file (docs/CHARTER.md), read
back through the API the person's page reads (both backends)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coffre.consent.charter_file import read_charter
from coffre.consent.errors import InvalidCharter
from tests.consent.charters import charter_text
from tests.structures.world import World, build_world

CHARTERS = sorted((Path(__file__).resolve().parents[2] / "charters").glob("*.toml"))
TOML = {"Content-Type": "text/plain; charset=utf-8"}
# An acronym: two capital letters or more (RSA, CAF, MDPH), as a whole word.
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")


def with_words(name: str, example: str) -> str:
    """The one-purpose test charter with ``nom_courant`` and ``exemple``."""
    return charter_text().replace(
        "motif_obligatoire = false\n",
        f'motif_obligatoire = false\nnom_courant = "{name}"\nexemple = "{example}"\n',
    )


def test_a_purpose_reads_its_everyday_name_and_example() -> None:
    charter = read_charter(with_words("Demander le RSA", "Pour demander le RSA à la CAF."))
    (purpose,) = charter.purposes
    assert purpose.everyday_name == "Demander le RSA"
    assert purpose.example == "Pour demander le RSA à la CAF."
    assert purpose.label == "Ouverture de droits au RSA"


def test_a_charter_without_them_still_loads() -> None:
    (purpose,) = read_charter(charter_text()).purposes
    assert purpose.everyday_name is None
    assert purpose.example is None


def test_an_example_too_long_or_on_two_lines_is_located_in_its_block() -> None:
    with pytest.raises(InvalidCharter) as long:
        read_charter(with_words("Demander le RSA", "x" * 201))
    assert [p.location for p in long.value.problems] == [
        "finalites[1] (« ouverture-droits-rsa »).exemple"
    ]
    with pytest.raises(InvalidCharter) as two_lines:
        read_charter(with_words("Demander\\nle RSA", "Pour la CAF."))
    assert [p.location for p in two_lines.value.problems] == [
        "finalites[1] (« ouverture-droits-rsa »).nom_courant"
    ]


@pytest.mark.parametrize("path", CHARTERS, ids=[p.stem for p in CHARTERS])
def test_every_shipped_purpose_has_words_with_acronyms_spelled_out(path: Path) -> None:
    for purpose in read_charter(path.read_bytes()).purposes:
        assert purpose.everyday_name and purpose.example, purpose.code
        assert "·" not in purpose.everyday_name + purpose.example, purpose.code
        words = f"{purpose.label} {purpose.everyday_name} {purpose.example}"
        for acronym in set(ACRONYM.findall(words)):
            assert f"{acronym} (" in purpose.example, (purpose.code, acronym)


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def test_the_api_gives_the_words_to_the_page(api: TestClient, world: World) -> None:
    text = with_words("Demander le RSA", "Pour demander le RSA à la CAF.")
    published = api.post(
        "/api/v1/charters", content=text.encode(), headers={**world.admin.headers, **TOML}
    )
    assert published.status_code == 201, published.text
    (purpose,) = api.get("/api/v1/charters/current").json()["purposes"]
    assert purpose["everyday_name"] == "Demander le RSA"
    assert purpose["example"] == "Pour demander le RSA à la CAF."
    assert purpose["label"] == "Ouverture de droits au RSA"


def test_the_api_says_null_when_the_charter_has_none(api: TestClient, world: World) -> None:
    published = api.post(
        "/api/v1/charters",
        content=charter_text().encode(),
        headers={**world.admin.headers, **TOML},
    )
    assert published.status_code == 201, published.text
    (purpose,) = api.get("/api/v1/charters/current").json()["purposes"]
    assert purpose["everyday_name"] is None
    assert purpose["example"] is None
