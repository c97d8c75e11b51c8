"""The directory of solidarity services: import, export, search, verification.

- **Import** (the territory admin, or the operator's ``coffre directory import``): a
  data·inclusion file (``coffre.directory.datainclusion``) is validated whole first; a
  single refused row refuses the file (``directory_rows_rejected``, every refused row
  listed) and nothing is written. Otherwise every row is written in one unit of work,
  keyed by (source, id): importing the same file again changes nothing, a newer file
  updates the same rows. Imports are serialised (one lock), so parallel imports of
  one file give the same rows as one import.
- **Search** (anyone, no account needed): by need, place and public, through
  ``coffre.directory.search``. Contacts (phone, e-mail, contact person) are given to
  certified professionals and the territory admin only; the public guide shows the
  address, the hours and how to get there.
- **Verification**: each entry keeps the day it was last verified; after
  ``COFFRE_DIRECTORY_STALE_DAYS`` it is flagged to its structure's admin, who confirms
  it (``verify``).

Refusals look like a missing thing (docs/ROLES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import data_inclusion.schema.v1 as di
from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository as charters_repository
from coffre.consent.charter import Charter
from coffre.consent.charter_file import read_charter
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database, hold
from coffre.directory import datainclusion, repository
from coffre.directory.errors import (
    DirectoryNotFound,
    InvalidSearch,
    RejectedRow,
    RowsRejected,
    ServiceNotFound,
)
from coffre.directory.models import DirectoryService, DirectoryStructure
from coffre.directory.search import (
    ALL_PUBLICS_WORD,
    Indexed,
    index_for,
    terms_for,
    words_of,
)
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, Standing, can
from coffre.settings import Settings
from coffre.structures import repository as structures_repository
from coffre.structures.standing import standing_of
from coffre.text import check_text

IMPORT_LOCK = "directory.import"
MAX_QUERY_CHARS = 200
MAX_RESULTS = 50
UNKNOWN_STRUCTURE = "Cette structure n'est ni dans ce fichier ni déjà dans l'annuaire."


@dataclass(frozen=True)
class ImportReport:
    structures_created: int
    structures_updated: int
    services_created: int
    services_updated: int
    unchanged: int


@dataclass(frozen=True)
class Found:
    """A service as a caller may see it."""

    service: DirectoryService
    structure: DirectoryStructure
    adheres: bool  # the structure adheres to the charter in force
    stale: bool  # not verified for COFFRE_DIRECTORY_STALE_DAYS
    contacts: bool  # the caller may see the contacts


@dataclass(frozen=True)
class SearchQuery:
    need: str = ""
    place: str = ""
    public: str = ""
    limit: int = 20
    offset: int = 0


def _place_text(
    commune: str | None, code_postal: str | None, code_insee: str | None, zones: list[str]
) -> str:
    departments = set()
    for code in (code_postal, code_insee):
        if code:
            departments.add(code[:3] if code.startswith("97") else code[:2])
    return words_of([commune, code_postal, code_insee, *sorted(departments), *zones])


def _indexed(item: di.Service, structure: DirectoryStructure, service_id: str) -> Indexed:
    thematics = sorted(t.value for t in item.thematiques or ())
    categories = sorted({t.split("--", 1)[0] for t in thematics})
    need = words_of(
        [
            item.nom,
            item.description,
            structure.nom,
            *(datainclusion.label(di.Thematique, t) for t in thematics),
            *(datainclusion.label(di.Categorie, c) for c in categories),
        ]
    )
    place = _place_text(
        item.commune or structure.commune,
        item.code_postal or structure.code_postal,
        item.code_insee or structure.record.get("code_insee"),
        list(item.zone_eligibilite or ()),
    )
    publics = sorted(p.value for p in item.publics or ())
    public_words = [datainclusion.label(di.Public, p) for p in publics]
    if not publics or di.Public.TOUS_PUBLICS.value in publics:
        public_words.append(ALL_PUBLICS_WORD)
    return Indexed(service_id=service_id, need=need, place=place, public=words_of(public_words))


def _structure_fields(item: di.Structure) -> dict[str, Any]:
    return {
        "siret": item.siret,
        "nom": item.nom,
        "commune": item.commune,
        "code_postal": item.code_postal,
        "adresse": words_of([item.adresse, item.complement_adresse]) or None,
        "telephone": item.telephone,
        "courriel": item.courriel,
        "horaires_accueil": item.horaires_accueil,
        "date_maj": item.date_maj,
        "record": datainclusion.record_of(item),
    }


def _service_fields(item: di.Service) -> dict[str, Any]:
    return {
        "nom": item.nom,
        "description": item.description,
        "thematiques": sorted(t.value for t in item.thematiques or ()),
        "publics": sorted(p.value for p in item.publics or ()),
        "conditions_acces": item.conditions_acces,
        "modes_mobilisation": sorted(m.value for m in item.modes_mobilisation or ()),
        "mobilisation_precisions": item.mobilisation_precisions,
        "horaires_accueil": item.horaires_accueil,
        "commune": item.commune,
        "code_postal": item.code_postal,
        "adresse": words_of([item.adresse, item.complement_adresse]) or None,
        "zone_eligibilite": list(item.zone_eligibilite or ()),
        "telephone": item.telephone,
        "courriel": item.courriel,
        "contact_nom_prenom": item.contact_nom_prenom,
        "date_maj": item.date_maj,
        "record": datainclusion.record_of(item),
    }


class Directory:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # The charter in force, parsed once per published version (by its SHA-256).
        self._charters: dict[str, Charter] = {}
        self._stale_after = timedelta(days=settings.directory_stale_days)

    def today(self) -> date:
        return self._clock.now().astimezone(TERRITORY_ZONE).date()

    # -- import and export ------------------------------------------------------
    def import_file(self, actor: Actor | None, raw: bytes) -> ImportReport:
        """Import a data·inclusion file whole, or nothing (module docstring).

        ``actor`` None is the operator at the command line.
        """
        if actor is not None and not can(actor, Action.DIRECTORY_IMPORT):
            raise DirectoryNotFound()
        parsed = datainclusion.parse(raw)
        if parsed.rejected:
            raise RowsRejected(parsed.rejected)
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            hold(db, IMPORT_LOCK)
            keys = {(s.source, s.structure_id) for s in parsed.services}
            keys |= {(s.source, s.id) for s in parsed.structures}
            structures = repository.structures_by_key(db, keys)
            in_file = {(s.source, s.id) for s in parsed.structures}
            rejected = [
                RejectedRow("services", number, "structure_id", UNKNOWN_STRUCTURE)
                for number, s in enumerate(parsed.services, start=1)
                if (s.source, s.structure_id) not in in_file | set(structures)
            ]
            if rejected:
                raise RowsRejected(rejected)
            counts = {"sc": 0, "su": 0, "vc": 0, "vu": 0, "same": 0}
            links = repository.coffre_structures(
                db,
                {s.siret for s in parsed.structures if s.siret},
                {s.id for s in parsed.structures},
            )
            for item in parsed.structures:
                fields = _structure_fields(item)
                found = structures.get((item.source, item.id))
                # The Coffre structure it describes, found again at each import (one
                # admitted since the last import gets linked now).
                linked = links.get(item.siret or "") or links.get(item.id)
                if found is None:
                    found = DirectoryStructure(
                        id=new_id(),
                        source=item.source,
                        source_id=item.id,
                        structure_id=linked,
                        verified_on=item.date_maj,
                        imported_at=now,
                        **fields,
                    )
                    db.add(found)
                    structures[(item.source, item.id)] = found
                    counts["sc"] += 1
                elif found.record != fields["record"]:
                    self._update(found, fields, now)
                    found.structure_id = linked or found.structure_id
                    counts["su"] += 1
                else:
                    if linked and found.structure_id is None:
                        found.structure_id = linked
                    counts["same"] += 1
            db.flush()
            services = repository.services_by_key(db, {(s.source, s.id) for s in parsed.services})
            to_index: list[Indexed] = []
            for service_item in parsed.services:
                fields = _service_fields(service_item)
                owner = structures[(service_item.source, service_item.structure_id)]
                row = services.get((service_item.source, service_item.id))
                if row is None:
                    row = DirectoryService(
                        id=new_id(),
                        source=service_item.source,
                        source_id=service_item.id,
                        directory_structure_id=owner.id,
                        verified_on=service_item.date_maj,
                        imported_at=now,
                        **fields,
                    )
                    db.add(row)
                    counts["vc"] += 1
                elif row.record != fields["record"] or row.directory_structure_id != owner.id:
                    self._update(row, fields, now)
                    row.directory_structure_id = owner.id
                    counts["vu"] += 1
                else:
                    counts["same"] += 1
                    continue
                to_index.append(_indexed(service_item, owner, row.id))
            db.flush()
            index_for(db).index(db, to_index)
            report = ImportReport(
                structures_created=counts["sc"],
                structures_updated=counts["su"],
                services_created=counts["vc"],
                services_updated=counts["vu"],
                unchanged=counts["same"],
            )
            audit.append(
                db,
                audit.by(
                    actor,
                    "directory.import",
                    object_type="directory",
                    details={
                        "structures_created": report.structures_created,
                        "structures_updated": report.structures_updated,
                        "services_created": report.services_created,
                        "services_updated": report.services_updated,
                        "unchanged": report.unchanged,
                    },
                ),
                now,
            )
            return report

    @staticmethod
    def _update(
        row: DirectoryStructure | DirectoryService, fields: dict[str, Any], now: Any
    ) -> None:
        for name, value in fields.items():
            setattr(row, name, value)
        row.verified_on = max(row.verified_on, fields["date_maj"])
        row.imported_at = now

    def export(self, actor: Actor | None) -> dict[str, list[dict[str, Any]]]:
        """Every structure and service, in the schema (validated again on the way out)."""
        if actor is not None and not can(actor, Action.DIRECTORY_EXPORT):
            raise DirectoryNotFound()
        with self._db.unit_of_work() as db:
            structures = [s.record for s in repository.every_structure(db)]
            services = [s.record for s in repository.every_service(db)]
        return datainclusion.export_document(structures, services)

    # -- reading --------------------------------------------------------------------
    def _sees_contacts(self, db: DbSession, actor: Actor | None) -> bool:
        if actor is None:
            return False
        membership = structures_repository.current_certified(db, actor.account_id)
        return can(actor, Action.DIRECTORY_CONTACTS, standing_of(membership))

    def _charter(self, db: DbSession) -> Charter | None:
        """The charter in force today (whose signatories the entries show)."""
        row = charters_repository.charter_in_force(db, self.today())
        if row is None:
            return None
        charter = self._charters.get(row.sha256)
        if charter is None:
            charter = read_charter(row.source)
            if len(self._charters) > 8:
                self._charters.clear()
            self._charters[row.sha256] = charter
        return charter

    def _found(
        self,
        rows: list[tuple[DirectoryService, DirectoryStructure]],
        contacts: bool,
        charter: Charter | None,
    ) -> list[Found]:
        today = self.today()
        limit = today - self._stale_after
        return [
            Found(
                service=service,
                structure=structure,
                adheres=charter is not None
                and charter.adheres(structure.structure_id or "", today, siret=structure.siret),
                stale=service.verified_on < limit,
                contacts=contacts,
            )
            for service, structure in rows
        ]

    def search(self, actor: Actor | None, query: SearchQuery) -> list[Found]:
        for part in (query.need, query.place, query.public):
            if len(part) > MAX_QUERY_CHARS:
                raise InvalidSearch()
            check_text(part)
        if not (0 < query.limit <= MAX_RESULTS) or not (0 <= query.offset <= 10_000):
            raise InvalidSearch()
        with self._db.unit_of_work() as db:
            engine = index_for(db)
            terms = terms_for(db, engine, query.need, query.place, query.public)
            if terms.empty():
                ids = repository.first_services(db, query.limit, query.offset)
            else:
                ids = engine.find(db, terms, query.limit, query.offset)
            rows = repository.services_with_structures(db, ids)
            contacts = self._sees_contacts(db, actor)
            charter = self._charter(db)
        return self._found(rows, contacts, charter)

    def get(self, actor: Actor | None, service_id: str) -> Found:
        if not is_valid_id(service_id):
            raise ServiceNotFound()
        with self._db.unit_of_work() as db:
            row = repository.service(db, service_id)
            if row is None:
                raise ServiceNotFound()
            contacts = self._sees_contacts(db, actor)
            charter = self._charter(db)
        return self._found([row], contacts, charter)[0]

    # -- verification ---------------------------------------------------------------
    def _administered(self, db: DbSession, actor: Actor) -> list[str] | None:
        """The Coffre structures whose entries the actor verifies (None: all of them)."""
        if can(actor, Action.DIRECTORY_VERIFY, Standing(structure_id="")):
            return None
        return [
            m.structure_id
            for m in structures_repository.memberships_of(db, actor.account_id)
            if can(actor, Action.DIRECTORY_VERIFY, standing_of(m))
        ]

    def stale(self, actor: Actor) -> list[Found]:
        """Entries not verified for a long time, of the structures the actor administers."""
        with self._db.unit_of_work() as db:
            structure_ids = self._administered(db, actor)
            before = self.today() - self._stale_after
            rows = repository.stale_services(db, before, structure_ids)
            contacts = self._sees_contacts(db, actor)
            charter = self._charter(db)
        return self._found(rows, contacts, charter)

    def verify(self, actor: Actor, service_id: str) -> Found:
        """The structure's admin confirms the entry is right today."""
        if not is_valid_id(service_id):
            raise ServiceNotFound()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            row = repository.service(db, service_id)
            allowed = self._administered(db, actor)
            if row is None or (allowed is not None and row[1].structure_id not in allowed):
                raise ServiceNotFound()
            row[0].verified_on = self.today()
            audit.append(
                db,
                audit.by(
                    actor,
                    "directory.verify",
                    structure_id=row[1].structure_id,
                    object_type="directory_service",
                    object_id=row[0].id,
                ),
                now,
            )
            contacts = self._sees_contacts(db, actor)
            charter = self._charter(db)
        return self._found([row], contacts, charter)[0]
