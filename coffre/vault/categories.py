"""The fixed list of French supporting-document categories (pièces justificatives)."""

from __future__ import annotations

from typing import Final


def N_(label: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark a label for the translation catalogues (extracted by pybabel); returns it as is."""
    return label


# code -> French label. Codes are stable identifiers used by the API, the CLI and
# (later) the charter; labels are what a person reads.
CATEGORIES: Final[dict[str, str]] = {
    "identite": N_("Identité"),
    "domicile": N_("Justificatif de domicile"),
    "ressources": N_("Ressources"),
    "caf": N_("CAF"),
    "sante": N_("Santé"),
    "impots": N_("Impôts"),
    "emploi": N_("Emploi"),
    "logement": N_("Logement"),
    "titre-sejour": N_("Titre de séjour"),
    "famille": N_("Famille"),
    "justice": N_("Justice"),
    "autre": N_("Autre"),
}


def is_category(code: str) -> bool:
    return code in CATEGORIES
