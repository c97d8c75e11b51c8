"""What the charter allows, and why a new version never widens an older grant."""

from __future__ import annotations

from datetime import date, timedelta

from coffre.consent.charter import Charter, permitted_under_both, still_permitted
from coffre.consent.charter_file import read_charter
from tests.consent.charters import charter_text

RSA = "ouverture-droits-rsa"
SOCIAL_WORKER = "assistant-service-social"


def version(number: int, **changes: object) -> Charter:
    return read_charter(charter_text(version=number, **changes))  # type: ignore[arg-type]


def test_the_charter_allows_what_it_lists_and_says_why_it_refuses_the_rest() -> None:
    charter = version(1)
    assert charter.allows(RSA, "identite", SOCIAL_WORKER).allowed
    refused = charter.allows(RSA, "sante", SOCIAL_WORKER)
    assert not refused
    assert refused.reason_fr == (
        "Pour « Ouverture de droits au RSA », la charte du territoire (version 1) "
        "ne permet pas de partager un document « Santé »."
    )
    assert "« Bénévole »" in charter.allows(RSA, "identite", "benevole").reason_fr
    assert "« dossier-mdph »" in charter.allows("dossier-mdph", "sante", "medecin").reason_fr


def test_a_grant_longer_than_the_purpose_allows_is_refused() -> None:
    charter = version(1, max_days=30)
    assert charter.permits_grant(RSA, "identite", SOCIAL_WORKER, 30)
    too_long = charter.permits_grant(RSA, "identite", SOCIAL_WORKER, 31)
    assert not too_long
    assert "limite un partage à 30 jours (31 jours demandés)" in too_long.reason_fr
    assert not charter.permits_grant(RSA, "identite", SOCIAL_WORKER, 0)


def test_an_unknown_purpose_has_no_duration_and_requires_a_reason() -> None:
    charter = version(1)
    assert charter.max_duration("inconnue") is None
    assert charter.reason_required("inconnue")
    assert charter.max_duration(RSA) == timedelta(days=30)
    assert not charter.reason_required(RSA)


def test_a_widening_in_a_new_version_does_not_widen_an_old_grant() -> None:
    old = version(1, categories='["identite"]', professions=f'["{SOCIAL_WORKER}"]', max_days=30)
    new = version(
        2,
        categories='["identite", "ressources"]',
        professions=f'["{SOCIAL_WORKER}", "benevole"]',
        max_days=90,
    )
    # Allowed under the new version alone, but the grant was made under the old one.
    assert new.permits_grant(RSA, "ressources", SOCIAL_WORKER, 30)
    assert not still_permitted(old, new, RSA, "ressources", SOCIAL_WORKER, 30)
    assert not still_permitted(old, new, RSA, "identite", "benevole", 30)
    assert not still_permitted(old, new, RSA, "identite", SOCIAL_WORKER, 60)
    # What both allow still stands.
    assert still_permitted(old, new, RSA, "identite", SOCIAL_WORKER, 30)


def test_a_narrowing_in_a_new_version_narrows_an_old_grant() -> None:
    old = version(1, categories='["identite", "domicile"]', max_days=90)
    new = version(2, categories='["identite"]', max_days=30)
    assert old.permits_grant(RSA, "domicile", SOCIAL_WORKER, 90)
    assert not still_permitted(old, new, RSA, "domicile", SOCIAL_WORKER, 30)
    assert not still_permitted(old, new, RSA, "identite", SOCIAL_WORKER, 90)
    refusal = permitted_under_both(old, new, RSA, "domicile", SOCIAL_WORKER, 30)
    assert "(version 2)" in refusal.reason_fr


def test_a_purpose_dropped_by_the_new_version_ends_its_grants() -> None:
    old = version(1)
    new = read_charter(
        charter_text(version=2).replace('code = "ouverture-droits-rsa"', 'code = "domiciliation"')
    )
    assert not still_permitted(old, new, RSA, "identite", SOCIAL_WORKER, 30)


def test_adhesion_counts_from_its_date_until_its_end() -> None:
    structure_id = "a" * 32
    charter = version(
        1,
        structures=f"""
[[structures]]
identifiant = "{structure_id}"
nom = "CCAS"
adhesion = 2026-02-01
fin = 2026-06-01

[[structures]]
siret = "99999999900017"
nom = "SIAO"
adhesion = 2026-01-01
""",
    )
    assert not charter.adheres(structure_id, date(2026, 1, 31))
    assert charter.adheres(structure_id, date(2026, 2, 1))
    assert not charter.adheres(structure_id, date(2026, 6, 1))
    assert charter.adheres("b" * 32, date(2026, 1, 1), siret="99999999900017")
    assert not charter.adheres("b" * 32, date(2026, 1, 1), siret=None)
