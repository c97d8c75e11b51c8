"""Reading a charter file: the example loads; every kind of mistake is reported in
French with its place in the file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coffre.consent.charter_file import MAX_CHARTER_BYTES, read_charter
from coffre.consent.errors import CharterTooLarge, InvalidCharter
from tests.consent.charters import charter_text, example_text


def problems_of(source: str | bytes) -> dict[str, str]:
    with pytest.raises(InvalidCharter) as caught:
        read_charter(source)
    assert caught.value.code == "invalid_charter"
    for problem in caught.value.problems:
        assert str(problem) in caught.value.message_fr
    return {p.location: p.message for p in caught.value.problems}


def test_the_example_charter_loads_with_the_purposes_of_the_seeds() -> None:
    charter = read_charter(example_text())
    assert charter.version == 1
    assert charter.territory == "63"
    assert [p.code for p in charter.purposes] == [
        "ouverture-droits-rsa",
        "ouverture-droits-css",
        "ouverture-droits-aah",
        "demande-logement-siao",
        "dossier-mdph",
        "domiciliation",
        "accompagnement-global",
        "mesure-protection",
    ]
    assert charter.max_duration("domiciliation") == timedelta(days=365)
    assert charter.reason_required("dossier-mdph")
    assert charter.adheres("0" * 32, date(2026, 3, 1), siret="99999999900025")


def test_the_example_sends_health_documents_only_to_professionals_bound_by_secrecy() -> None:
    secrecy = {"medecin", "infirmier", "assistant-service-social", "mandataire-judiciaire"}
    charter = read_charter(example_text())
    for purpose in charter.purposes:
        if "sante" in purpose.categories:
            assert set(purpose.professions) <= secrecy, purpose.code


def test_a_duration_out_of_bounds_is_located_in_its_purpose_block() -> None:
    problems = problems_of(charter_text(max_days=400))
    where = "finalites[1] (« ouverture-droits-rsa »).duree_max_jours"
    assert problems == {where: "doit être entre 1 et 365 (jours)"}


def test_unknown_category_and_profession_codes_are_located_item_by_item() -> None:
    problems = problems_of(
        charter_text(categories='["identite", "passeport"]', professions='["plombier"]')
    )
    assert set(problems) == {
        "finalites[1] (« ouverture-droits-rsa »).categories[2]",
        "finalites[1] (« ouverture-droits-rsa »).professions[1]",
    }
    assert "« passeport »" in problems["finalites[1] (« ouverture-droits-rsa »).categories[2]"]


def test_unknown_keys_missing_keys_and_wrong_types_are_all_listed_at_once() -> None:
    source = charter_text().replace("motif_obligatoire = false", 'motif_obligatoire = "non"')
    source = source.replace('titre = "Charte de test"', 'titr = "Charte de test"')
    source = source.replace("version = 1", 'version = "1"')
    problems = problems_of(source)
    assert problems == {
        "version": "doit être un nombre entier, sans guillemets",
        "titre": "manquant : cette clé est obligatoire",
        "titr": "clé inconnue (vérifiez l'orthographe ; docs/CHARTER.md liste les clés)",
        "finalites[1] (« ouverture-droits-rsa »).motif_obligatoire": (
            "doit valoir true ou false, sans guillemets"
        ),
    }


def test_a_charter_without_purposes_is_refused() -> None:
    source = 'version = 1\nterritoire = "63"\ntitre = "T"\nen_vigueur_le = 2026-01-01\n'
    assert problems_of(source) == {"finalites": "manquant : cette clé est obligatoire"}
    assert problems_of(source + "finalites = []\n") == {"finalites": "ne peut pas être vide"}


def test_a_purpose_code_given_twice_is_refused_at_the_second_one() -> None:
    source = charter_text()
    block = source[source.index("[[finalites]]") :]
    problems = problems_of(source + block)
    assert set(problems) == {"finalites[1].code", "finalites[2].code"}


def test_a_structure_needs_exactly_one_identity_and_a_real_date() -> None:
    structures = """
[[structures]]
nom = "CCAS"
adhesion = 2026-01-01

[[structures]]
siret = "123 456"
nom = "SIAO"
adhesion = "2026-01-01"
"""
    problems = problems_of(charter_text(structures=structures))
    assert set(problems) == {"structures[1]", "structures[2].siret", "structures[2].adhesion"}
    assert "soit « siret », soit « identifiant »" in problems["structures[1]"]


def test_a_toml_syntax_error_names_the_line() -> None:
    problems = problems_of('version = 1\ntitre = "oublié\n')
    [(where, message)] = problems.items()
    assert where.startswith("ligne 2")
    assert message.startswith("le fichier n'est pas du TOML valide")


def test_a_file_that_is_not_utf8_is_refused() -> None:
    assert problems_of("titre = 'é'".encode("latin-1")) == {
        "fichier": "doit être un fichier texte encodé en UTF-8"
    }


def test_a_file_over_the_limit_is_refused_before_reading() -> None:
    with pytest.raises(CharterTooLarge):
        read_charter(b"#" * (MAX_CHARTER_BYTES + 1))
