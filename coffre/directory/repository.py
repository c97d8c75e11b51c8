"""All queries of the directory area (the full-text index's are in ``search``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import defer

from coffre.directory.models import DirectoryService, DirectoryStructure
from coffre.ids import is_valid_id
from coffre.structures.models import Structure

Key = tuple[str, str]
_CHUNK = 400
# What a reader never needs: the record as imported (the export reads it on its own).
_LIGHT = (defer(DirectoryService.record), defer(DirectoryStructure.record))


def structures_by_key(db: DbSession, keys: Iterable[Key]) -> dict[Key, DirectoryStructure]:
    found: dict[Key, DirectoryStructure] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(DirectoryStructure).where(
            tuple_(DirectoryStructure.source, DirectoryStructure.source_id).in_(chunk)
        )
        found |= {(s.source, s.source_id): s for s in db.scalars(query)}
    return found


def services_by_key(db: DbSession, keys: Iterable[Key]) -> dict[Key, DirectoryService]:
    found: dict[Key, DirectoryService] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(DirectoryService).where(
            tuple_(DirectoryService.source, DirectoryService.source_id).in_(chunk)
        )
        found |= {(s.source, s.source_id): s for s in db.scalars(query)}
    return found


def coffre_structures(db: DbSession, sirets: set[str], ids: set[str]) -> dict[str, str]:
    """The Coffre structures entries may describe: Coffre id by SIRET and by id."""
    found: dict[str, str] = {}
    wanted = sorted(sirets)
    for start in range(0, len(wanted), _CHUNK):
        query = select(Structure.id, Structure.siret).where(
            Structure.siret.in_(wanted[start : start + _CHUNK])
        )
        found |= {str(siret): str(id_) for id_, siret in db.execute(query)}
    valid = sorted(i for i in ids if is_valid_id(i))
    for start in range(0, len(valid), _CHUNK):
        same = select(Structure.id).where(Structure.id.in_(valid[start : start + _CHUNK]))
        found |= {str(id_): str(id_) for id_ in db.scalars(same)}
    return found


def service(db: DbSession, service_id: str) -> tuple[DirectoryService, DirectoryStructure] | None:
    query = (
        select(DirectoryService, DirectoryStructure)
        .join(DirectoryStructure, DirectoryStructure.id == DirectoryService.directory_structure_id)
        .where(DirectoryService.id == service_id)
        .options(*_LIGHT)
    )
    row = db.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def services_with_structures(
    db: DbSession, service_ids: Sequence[str]
) -> list[tuple[DirectoryService, DirectoryStructure]]:
    """The services in the order of ``service_ids`` (a search's ranking)."""
    if not service_ids:
        return []
    query = (
        select(DirectoryService, DirectoryStructure)
        .join(DirectoryStructure, DirectoryStructure.id == DirectoryService.directory_structure_id)
        .where(DirectoryService.id.in_(service_ids))
        .options(*_LIGHT)
    )
    by_id = {s.id: (s, st) for s, st in db.execute(query).all()}
    return [by_id[i] for i in service_ids if i in by_id]


def first_services(db: DbSession, limit: int, offset: int) -> list[str]:
    """Services by name, for a search without any word."""
    query = (
        select(DirectoryService.id)
        .order_by(DirectoryService.nom, DirectoryService.id)
        .limit(limit)
        .offset(offset)
    )
    return list(db.scalars(query))


def every_structure(db: DbSession) -> Sequence[DirectoryStructure]:
    query = select(DirectoryStructure).order_by(
        DirectoryStructure.source, DirectoryStructure.source_id
    )
    return db.scalars(query).all()


def every_service(db: DbSession) -> Sequence[DirectoryService]:
    query = select(DirectoryService).order_by(DirectoryService.source, DirectoryService.source_id)
    return db.scalars(query).all()


def stale_services(
    db: DbSession, before: date, structure_ids: Sequence[str] | None
) -> list[tuple[DirectoryService, DirectoryStructure]]:
    """Services last verified before ``before``; of these Coffre structures only, when given."""
    query = (
        select(DirectoryService, DirectoryStructure)
        .join(DirectoryStructure, DirectoryStructure.id == DirectoryService.directory_structure_id)
        .where(DirectoryService.verified_on < before)
        .order_by(DirectoryService.verified_on, DirectoryService.id)
        .options(*_LIGHT)
    )
    if structure_ids is not None:
        query = query.where(DirectoryStructure.structure_id.in_(structure_ids))
    return [(s, st) for s, st in db.execute(query).all()]
