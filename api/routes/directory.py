"""The directory of solidarity services (coffre/directory/, docs/DIRECTORY.md).

Searching and reading a service need no account (the public guide uses the same
service); contacts come only to certified professionals and the territory admin.
Import and export are the territory admin's; the stale entries and their
verification, a structure's admin's. A refusal answers like a missing address.
"""

from __future__ import annotations

from typing import Annotated, Any

import data_inclusion.schema.v1 as di
from anyio import to_thread
from fastapi import APIRouter, Query, Request

from api.deps import ActorDep, CoffreDep, OptionalActorDep
from api.openapi_errors import errors
from api.schemas.directory import (
    Coded,
    ContactsBody,
    DirectoryStructureBody,
    ImportBody,
    ServiceBody,
    ServiceList,
)
from api.types import PathId, Text
from coffre.directory.datainclusion import MAX_IMPORT_BYTES, label
from coffre.directory.errors import DirectoryNotFound, MalformedFile
from coffre.directory.service import MAX_QUERY_CHARS, MAX_RESULTS, Found, SearchQuery

router = APIRouter(tags=["directory"])

SearchText = Annotated[Text, Query(max_length=MAX_QUERY_CHARS)]


def service_body(found: Found) -> ServiceBody:
    service, structure = found.service, found.structure
    contacts = (
        ContactsBody(
            telephone=service.telephone,
            courriel=service.courriel,
            contact_nom_prenom=service.contact_nom_prenom,
            structure_telephone=structure.telephone,
            structure_courriel=structure.courriel,
        )
        if found.contacts
        else None
    )
    return ServiceBody(
        id=service.id,
        source=service.source,
        source_id=service.source_id,
        nom=service.nom,
        description=service.description,
        thematiques=[Coded(code=t, label=label(di.Thematique, t)) for t in service.thematiques],
        publics=[Coded(code=p, label=label(di.Public, p)) for p in service.publics],
        conditions_acces=service.conditions_acces,
        modes_mobilisation=[
            Coded(code=m, label=label(di.ModeMobilisation, m)) for m in service.modes_mobilisation
        ],
        mobilisation_precisions=service.mobilisation_precisions,
        horaires_accueil=service.horaires_accueil or structure.horaires_accueil,
        adresse=service.adresse or structure.adresse,
        commune=service.commune or structure.commune,
        code_postal=service.code_postal or structure.code_postal,
        zone_eligibilite=service.zone_eligibilite,
        structure=DirectoryStructureBody(
            id=structure.id,
            nom=structure.nom,
            siret=structure.siret,
            adresse=structure.adresse,
            commune=structure.commune,
            code_postal=structure.code_postal,
            horaires_accueil=structure.horaires_accueil,
            coffre_structure_id=structure.structure_id,
            adheres_to_charter=found.adheres,
        ),
        verified_on=service.verified_on,
        stale=found.stale,
        contacts=contacts,
    )


@router.get("/directory/services")
def search_services(
    actor: OptionalActorDep,
    coffre: CoffreDep,
    need: SearchText = "",
    place: SearchText = "",
    public: SearchText = "",
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> ServiceList:
    query = SearchQuery(need=need, place=place, public=public, limit=limit, offset=offset)
    return ServiceList(services=[service_body(f) for f in coffre.directory.search(actor, query)])


@router.get("/directory/services/{service_id}")
def get_service(service_id: PathId, actor: OptionalActorDep, coffre: CoffreDep) -> ServiceBody:
    return service_body(coffre.directory.get(actor, service_id))


@router.post("/directory/imports", responses=errors(DirectoryNotFound))
async def import_directory(request: Request, actor: ActorDep, coffre: CoffreDep) -> ImportBody:
    """The body is the data·inclusion file itself (application/json)."""
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise MalformedFile()
    report = await to_thread.run_sync(coffre.directory.import_file, actor, raw)
    return ImportBody(
        structures_created=report.structures_created,
        structures_updated=report.structures_updated,
        services_created=report.services_created,
        services_updated=report.services_updated,
        unchanged=report.unchanged,
    )


@router.get("/directory/export", responses=errors(DirectoryNotFound))
def export_directory(actor: ActorDep, coffre: CoffreDep) -> dict[str, list[dict[str, Any]]]:
    return coffre.directory.export(actor)


@router.get("/directory/stale")
def stale_services(actor: ActorDep, coffre: CoffreDep) -> ServiceList:
    return ServiceList(services=[service_body(f) for f in coffre.directory.stale(actor)])


@router.post("/directory/services/{service_id}/verify")
def verify_service(service_id: PathId, actor: ActorDep, coffre: CoffreDep) -> ServiceBody:
    return service_body(coffre.directory.verify(actor, service_id))
