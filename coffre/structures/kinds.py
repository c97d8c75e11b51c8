"""Fixed lists: kinds of structures and professional categories (used by the charter later)."""

from __future__ import annotations

from typing import Final


def N_(label: str) -> str:  # noqa: N802 - gettext "mark only" convention
    return label


STRUCTURE_KINDS: Final[dict[str, str]] = {
    "ccas": N_("CCAS / CIAS"),
    "caf": N_("CAF"),
    "cpam": N_("CPAM"),
    "msa": N_("MSA"),
    "france-travail": N_("France Travail"),
    "departement": N_("Conseil départemental"),
    "siao": N_("SIAO"),
    "mdph": N_("MDPH"),
    "chrs": N_("CHRS / hébergement"),
    "spip": N_("SPIP"),
    "bailleur": N_("Bailleur social"),
    "association": N_("Association"),
    "sante": N_("Établissement de santé"),
    "mandataire": N_("Service mandataire (protection juridique)"),
    "autre": N_("Autre"),
}

PROFESSIONS: Final[dict[str, str]] = {
    "assistant-service-social": N_("Assistante ou assistant de service social"),
    "conseiller-insertion": N_("Conseillère ou conseiller en insertion"),
    "conseiller-esf": N_("Conseillère ou conseiller en économie sociale et familiale"),
    "educateur-specialise": N_("Éducatrice ou éducateur spécialisé"),
    "agent-accueil": N_("Agent d'accueil"),
    "agent-instructeur": N_("Agent instructeur (CAF, CPAM, MDPH…)"),
    "infirmier": N_("Infirmière ou infirmier"),
    "medecin": N_("Médecin"),
    "mandataire-judiciaire": N_("Mandataire judiciaire (curatelle, tutelle)"),
    "conseiller-penitentiaire": N_(
        "Conseillère ou conseiller pénitentiaire d'insertion et de probation"
    ),
    "benevole": N_("Bénévole"),
    "autre": N_("Autre"),
}
