"""data·inclusion files for the directory's tests: a few structures and services of
a territory around Clermont-Ferrand, written as the national schema has them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

SOURCE = "coffre-tests"


def structure(local_id: str, nom: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": SOURCE,
        "id": f"{SOURCE}--{local_id}",
        "nom": nom,
        "date_maj": "2026-01-15",
        "commune": "Clermont-Ferrand",
        "code_postal": "63000",
        "code_insee": "63113",
        "adresse": "1 place de Jaude",
        "telephone": "+33473000000",
        "courriel": "accueil@example.org",
    }
    row.update(fields)
    return row


def service(
    local_id: str, structure_id: str, nom: str, description: str, **fields: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": SOURCE,
        "id": f"{SOURCE}--{local_id}",
        "structure_id": f"{SOURCE}--{structure_id}",
        "nom": nom,
        "description": description,
        "date_maj": "2026-01-15",
        "commune": "Clermont-Ferrand",
        "code_postal": "63000",
        "code_insee": "63113",
        "telephone": "+33473111111",
        "courriel": "service@example.org",
        "contact_nom_prenom": "Camille Martin",
        "modes_mobilisation": ["telephoner", "se-presenter"],
        "horaires_accueil": "Mo-Fr 09:00-12:00",
    }
    row.update(fields)
    return row


def territory(**overrides: Any) -> dict[str, list[dict[str, Any]]]:
    """Five services of four structures: shelter, housing, food aid, health, jobs."""
    structures = [
        structure("siao", "SIAO du Puy-de-Dôme", siret="11111111100014"),
        structure("ccas", "CCAS de Clermont-Ferrand", siret="22222222200028"),
        structure("epicerie", "Épicerie solidaire des Vergnes"),
        structure(
            "csapa", "CSAPA Clermont", commune="Riom", code_postal="63200", code_insee="63300"
        ),
    ]
    services = [
        service(
            "115",
            "siao",
            "Hébergement d'urgence",
            "Mise à l'abri et hébergement d'urgence pour les personnes sans domicile, par le 115.",
            thematiques=["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
            publics=["tous-publics"],
            zone_eligibilite=["63"],
        ),
        service(
            "logement",
            "ccas",
            "Accès au logement social",
            "Accompagnement des ménages pour trouver un logement et constituer la demande "
            "de logement social.",
            thematiques=["logement-hebergement--louer-un-logement"],
            publics=["familles", "beneficiaires-des-minimas-sociaux"],
            conditions_acces="Habiter Clermont-Ferrand depuis trois mois.",
        ),
        service(
            "colis",
            "epicerie",
            "Aide alimentaire",
            "Colis et épicerie à petits prix pour les familles aux faibles ressources.",
            thematiques=["equipement-et-alimentation--alimentation"],
            publics=["familles"],
        ),
        service(
            "addictions",
            "csapa",
            "Consultations en addictologie",
            "Soins, accompagnement et prévention des addictions, anonymes et gratuits.",
            thematiques=["sante--addictions"],
            publics=["tous-publics"],
            commune="Riom",
            code_postal="63200",
            code_insee="63300",
        ),
        service(
            "emploi",
            "ccas",
            "Atelier recherche d'emploi",
            "Ateliers collectifs pour préparer sa candidature et rencontrer des employeurs.",
            thematiques=["trouver-un-emploi--repondre-a-des-offres-demploi"],
            publics=["demandeurs-emploi"],
        ),
    ]
    document = {"structures": structures, "services": services}
    document.update(overrides)
    return document


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


TODAY = date(2026, 12, 6)
