"""Search in French on both backends: accents, plurals and typos, by need, place and
public, through one interface (FTS5 trigram + Snowball on SQLite; the french
configuration with unaccent and pg_trgm on PostgreSQL)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from coffre.container import Coffre
from coffre.directory.errors import InvalidSearch
from coffre.directory.service import SearchQuery
from coffre.text import InvalidText
from tests.directory.factories import as_bytes, territory


@pytest.fixture
def coffre(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    coffre.directory.import_file(None, as_bytes(territory()))
    return coffre


def _names(coffre: Coffre, need: str = "", place: str = "", public: str = "") -> list[str]:
    query = SearchQuery(need=need, place=place, public=public)
    return [f.service.nom for f in coffre.directory.search(None, query)]


@pytest.mark.parametrize(
    ("need", "first"),
    [
        ("hebergement", "Hébergement d'urgence"),  # no accent typed
        ("HÉBERGEMENTS", "Hébergement d'urgence"),  # capitals, plural
        ("logemant", "Accès au logement social"),  # a typo
        ("logements sociaux", "Accès au logement social"),  # plurals
        ("aides alimentaires", "Aide alimentaire"),  # plurals, two words
        ("alimantaire", "Aide alimentaire"),  # a typo
        ("adictologie", "Consultations en addictologie"),  # a letter missing
        ("emploi", "Atelier recherche d'emploi"),
        ("épicerie", "Aide alimentaire"),  # a word of the description
    ],
)
def test_a_need_finds_its_service_despite_accents_plurals_and_typos(
    coffre: Coffre, need: str, first: str
) -> None:
    names = _names(coffre, need)
    assert names, need
    assert names[0] == first


def test_a_word_found_nowhere_finds_nothing(coffre: Coffre) -> None:
    assert _names(coffre, "parachutisme") == []
    # Every word must match: one unknown word is enough to find nothing.
    assert _names(coffre, "hebergement parachutisme") == []


def test_the_place_narrows_the_search(coffre: Coffre) -> None:
    assert _names(coffre, place="Riom") == ["Consultations en addictologie"]
    assert _names(coffre, place="63200") == ["Consultations en addictologie"]
    assert "Consultations en addictologie" not in _names(coffre, place="Clermont-Ferrand")
    assert len(_names(coffre, place="63")) == 5  # the département
    assert _names(coffre, "addictions", place="clermont ferrand") == []


def test_the_public_narrows_the_search_and_services_for_everyone_stay(coffre: Coffre) -> None:
    names = _names(coffre, public="Familles")
    assert "Aide alimentaire" in names
    assert "Accès au logement social" in names
    assert "Hébergement d'urgence" in names  # tous publics
    assert "Atelier recherche d'emploi" not in names
    assert _names(coffre, "emploi", public="demandeurs d'emploi") == ["Atelier recherche d'emploi"]


def test_no_word_lists_services_by_name_page_by_page(coffre: Coffre) -> None:
    first = coffre.directory.search(None, SearchQuery(limit=2))
    second = coffre.directory.search(None, SearchQuery(limit=2, offset=2))
    names = [f.service.nom for f in first + second]
    assert names == sorted(names)
    assert len(set(names)) == 4


def test_a_query_with_control_characters_or_too_long_is_refused(coffre: Coffre) -> None:
    with pytest.raises(InvalidText):
        coffre.directory.search(None, SearchQuery(need="logement\x00"))
    with pytest.raises(InvalidSearch):
        coffre.directory.search(None, SearchQuery(need="a" * 201))
    with pytest.raises(InvalidSearch):
        coffre.directory.search(None, SearchQuery(need="logement", limit=51))


def test_query_syntax_is_only_words(coffre: Coffre) -> None:
    # FTS5 and tsquery operators typed by someone are plain characters, never syntax.
    for need in ('"logement', "logement OR emploi", "log*", "logement & !emploi", "NEAR(a b)"):
        coffre.directory.search(None, SearchQuery(need=need))
    assert _names(coffre, "logement:*") == _names(coffre, "logement")
