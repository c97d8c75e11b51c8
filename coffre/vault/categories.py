"""The fixed list of French supporting-document categories (pièces justificatives)."""

from __future__ import annotations

from typing import Final

# code -> French label. Codes are stable identifiers used by the API, the CLI and
# (later) the charter; labels are what a person reads.
CATEGORIES: Final[dict[str, str]] = {
    "identite": "Identité",
    "domicile": "Justificatif de domicile",
    "ressources": "Ressources",
    "caf": "CAF",
    "sante": "Santé",
    "impots": "Impôts",
    "emploi": "Emploi",
    "logement": "Logement",
    "titre-sejour": "Titre de séjour",
    "famille": "Famille",
    "justice": "Justice",
    "autre": "Autre",
}


def is_category(code: str) -> bool:
    return code in CATEGORIES
