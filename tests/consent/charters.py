"""Charter files for the tests: the shipped example, and small variations of it."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "charters" / "exemple-puy-de-dome.toml"


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def charter_text(
    *,
    version: int = 1,
    effective_on: str = "2026-01-01",
    categories: str = '["identite", "domicile"]',
    professions: str = '["assistant-service-social"]',
    max_days: int = 30,
    label: str = "Ouverture de droits au RSA",
    description: str = "Instruire une demande de RSA.",
    structures: str = "",
) -> str:
    """A one-purpose charter (``ouverture-droits-rsa``) for territory 63."""
    return f'''
version = {version}
territoire = "63"
titre = "Charte de test"
en_vigueur_le = {effective_on}

[[finalites]]
code = "ouverture-droits-rsa"
libelle = """{label}"""
description = """{description}"""
categories = {categories}
professions = {professions}
duree_max_jours = {max_days}
motif_obligatoire = false
{structures}
'''
