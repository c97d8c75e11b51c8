"""Schemas of the directory of services (docs/DIRECTORY.md)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class Coded(BaseModel):
    """A code of the data·inclusion schema and its French label."""

    code: str
    label: str


class DirectoryStructureBody(BaseModel):
    id: str
    nom: str
    siret: str | None
    adresse: str | None
    commune: str | None
    code_postal: str | None
    horaires_accueil: str | None
    # The Coffre structure this entry describes, and whether it adheres to the charter.
    coffre_structure_id: str | None
    adheres_to_charter: bool


class ContactsBody(BaseModel):
    """For certified professionals and the territory admin only."""

    telephone: str | None
    courriel: str | None
    contact_nom_prenom: str | None
    structure_telephone: str | None
    structure_courriel: str | None


class ServiceBody(BaseModel):
    id: str
    source: str
    source_id: str
    nom: str
    description: str
    thematiques: list[Coded]
    publics: list[Coded]
    conditions_acces: str | None
    modes_mobilisation: list[Coded]
    mobilisation_precisions: str | None
    horaires_accueil: str | None
    adresse: str | None
    commune: str | None
    code_postal: str | None
    zone_eligibilite: list[str]
    structure: DirectoryStructureBody
    verified_on: date
    stale: bool
    contacts: ContactsBody | None


class ServiceList(BaseModel):
    services: list[ServiceBody]


class ImportBody(BaseModel):
    structures_created: int
    structures_updated: int
    services_created: int
    services_updated: int
    unchanged: int
