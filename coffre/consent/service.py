"""Publishing and reading the territory's charter, version by version.

Only the territory admin publishes (``coffre.policy``); each new version must carry
a strictly greater number, and may not take effect before the version it follows.
Reading is public: persons and partners must be able to read the rules that bind
the sharing of their documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.charter import Charter
from coffre.consent.charter_diff import CharterDiff, differences
from coffre.consent.charter_edit import end_adhesion
from coffre.consent.charter_file import read_charter
from coffre.consent.errors import (
    AdhesionNotFound,
    CharterChanged,
    CharterNotFound,
    CharterVersionConflict,
    InvalidAdhesionEnd,
    InvalidCharter,
    NoCharterInForce,
    Problem,
)
from coffre.consent.models import PublishedCharter
from coffre.db.engine import Database, hold
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, can
from coffre.structures import repository as structures
from coffre.structures.errors import NotAllowed, StructureNotFound
from coffre.structures.models import Structure

# Effective dates are calendar days in France. Overseas départements would need
# their own zone: a setting, once a deployment serves one.
TERRITORY_ZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class CharterRecord:
    """A published version: the charter read from its text, and how it was published."""

    charter: Charter
    source: str
    sha256: str
    published_at: datetime
    published_by: str


@dataclass(frozen=True)
class CharterPreview:
    """What publishing ``source`` would do, without doing it: the charter read from it
    (None when it is not valid), every problem located in the file, and the
    differences with the latest published version (``compared_with``)."""

    sha256: str
    charter: Charter | None
    problems: tuple[Problem, ...]
    compared_with: CharterRecord | None
    differences: CharterDiff | None


@dataclass(frozen=True)
class AdhesionLine:
    """A structure and its adhesion to the charter in force (None: not in the charter);
    a line of the charter naming no admitted structure has ``structure`` None."""

    structure: Structure | None
    name: str
    siret: str | None
    since: date | None
    until: date | None
    adheres: bool


@dataclass(frozen=True)
class Adhesions:
    in_force: CharterRecord | None
    latest_version: int | None
    lines: tuple[AdhesionLine, ...]


@dataclass(frozen=True)
class AdhesionEndDraft:
    """The next version's text, where one structure's adhesion ends."""

    source: str
    sha256: str
    version: int
    effective_on: date
    compared_with: int


def _digest(source: str | bytes) -> str:
    data = source.encode("utf-8") if isinstance(source, str) else source
    return hashlib.sha256(data).hexdigest()


class CharterService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self) -> date:
        return self._clock.now().astimezone(TERRITORY_ZONE).date()

    def publish(
        self,
        actor: Actor,
        source: str | bytes,
        *,
        expected_sha256: str | None = None,
        based_on: int | None = None,
    ) -> CharterRecord:
        """Validate and store a new version; nothing is stored when anything is wrong.

        ``expected_sha256`` (the preview's) and ``based_on`` (the version the preview
        compared with, 0 for none) guard what the admin saw: a different text, or a
        version published since, is ``charter_changed``."""
        if not can(actor, Action.CHARTER_PUBLISH):
            raise NotAllowed()
        if expected_sha256 is not None and expected_sha256.lower() != _digest(source):
            raise CharterChanged()
        charter = read_charter(source)
        text = source if isinstance(source, str) else source.decode("utf-8")
        with self._db.unit_of_work(write=True) as db:
            # Publications are decided one after the other (a lock valid across processes):
            # the base and the order of versions are read from what the previous one wrote.
            # The version's uniqueness alone would let two files numbered differently both
            # follow the same base.
            hold(db, "charter-publish")
            latest = repository.latest_charter(db)
            if based_on is not None and (latest.version if latest is not None else 0) != based_on:
                raise CharterChanged()
            root = structures.trust_root(db)
            if root is not None and root.territory != charter.territory:
                raise InvalidCharter([_other_territory(root.territory, charter.territory)])
            _check_follows(charter, latest)
            row = PublishedCharter(
                id=new_id(),
                territory=charter.territory,
                version=charter.version,
                effective_on=charter.effective_on,
                source=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                published_at=self._clock.now(),
                published_by=actor.account_id,
            )
            db.add(row)
            try:
                db.flush()
            except IntegrityError as exc:
                # Two admins publishing the same number at once: the second one loses.
                raise _already_published(charter.version) from exc
            entry = audit.by(
                actor,
                "charter.publish",
                object_type="charter",
                object_id=str(charter.version),
                details={"sha256": row.sha256, "effective_on": charter.effective_on.isoformat()},
            )
            audit.append(db, entry, row.published_at)
            return _record(row, charter)

    def preview(self, actor: Actor, source: str | bytes) -> CharterPreview:
        """What ``publish`` would say of ``source``, and what it would change; nothing stored
        but the trail's line (who previewed which text)."""
        if not can(actor, Action.CHARTER_PREVIEW):
            raise NotAllowed()
        sha256 = _digest(source)
        charter: Charter | None
        try:
            charter = read_charter(source)
            problems: list[Problem] = []
        except InvalidCharter as exc:
            charter, problems = None, list(exc.problems)
        with self._db.unit_of_work() as db:
            latest = repository.latest_charter(db)
            base = _read(latest) if latest is not None else None
            if charter is not None:
                root = structures.trust_root(db)
                if root is not None and root.territory != charter.territory:
                    problems.append(_other_territory(root.territory, charter.territory))
                try:
                    _check_follows(charter, latest)
                except CharterVersionConflict as exc:
                    where = (
                        "version"
                        if latest is not None and charter.version <= latest.version
                        else "en_vigueur_le"
                    )
                    problems.append(Problem(where, exc.message_fr))
            entry = audit.by(
                actor,
                "charter.preview",
                object_type="charter",
                object_id=str(charter.version) if charter is not None else None,
                details={"sha256": sha256, "problems": len(problems)},
            )
            audit.append(db, entry, self._clock.now())
        return CharterPreview(
            sha256=sha256,
            charter=charter,
            problems=tuple(problems),
            compared_with=base,
            differences=(differences(base.charter if base else None, charter) if charter else None),
        )

    def adhesions(self, actor: Actor) -> Adhesions:
        """The admitted structures with their adhesion to the charter in force today,
        and the lines of that charter naming no admitted structure."""
        if not can(actor, Action.TERRITORY_ADHESIONS):
            raise NotAllowed()
        today = self.today()
        with self._db.unit_of_work() as db:
            row = repository.charter_in_force(db, today)
            latest = repository.latest_charter(db)
            record = _read(row) if row is not None else None
            admitted = list(structures.structures(db))
        charter = record.charter if record is not None else None
        lines: list[AdhesionLine] = []
        used: set[int] = set()
        for structure in admitted:
            found = None
            if charter is not None:
                for index, adhesion in enumerate(charter.structures):
                    if adhesion.names(structure.id, structure.siret):
                        found = adhesion
                        used.add(index)
                        break
            lines.append(
                AdhesionLine(
                    structure=structure,
                    name=structure.name,
                    siret=structure.siret,
                    since=found.since if found else None,
                    until=found.until if found else None,
                    adheres=found is not None and found.covers(today),
                )
            )
        if charter is not None:
            for index, adhesion in enumerate(charter.structures):
                if index not in used:
                    lines.append(
                        AdhesionLine(
                            structure=None,
                            name=adhesion.name,
                            siret=adhesion.siret,
                            since=adhesion.since,
                            until=adhesion.until,
                            adheres=adhesion.covers(today),
                        )
                    )
        return Adhesions(
            in_force=record,
            latest_version=latest.version if latest is not None else None,
            lines=tuple(lines),
        )

    def end_adhesion_draft(
        self, actor: Actor, structure_id: str, until: date | None = None
    ) -> AdhesionEndDraft:
        """The next version of the latest charter, where the structure's adhesion ends on
        ``until`` (today by default); publishing it is ``publish``, after a preview."""
        if not can(actor, Action.CHARTER_PUBLISH):
            raise NotAllowed()
        today = self.today()
        end = until or today
        with self._db.unit_of_work() as db:
            structure = db.get(Structure, structure_id) if is_valid_id(structure_id) else None
            if structure is None:
                raise StructureNotFound()
            latest = repository.latest_charter(db)
            if latest is None:
                raise AdhesionNotFound()
            record = _read(latest)
            charter = record.charter
            index = next(
                (
                    i
                    for i, a in enumerate(charter.structures)
                    if a.names(structure.id, structure.siret)
                ),
                None,
            )
            if index is None:
                raise AdhesionNotFound()
            if end < today or end <= charter.structures[index].since:
                raise InvalidAdhesionEnd()
            effective_on = max(today, charter.effective_on)
            source = end_adhesion(
                record.source, charter, index, end, charter.version + 1, effective_on
            )
            entry = audit.by(
                actor,
                "charter.draft_end_adhesion",
                structure_id=structure.id,
                object_type="charter",
                object_id=str(charter.version + 1),
                details={"until": end.isoformat()},
            )
            audit.append(db, entry, self._clock.now())
        return AdhesionEndDraft(
            source=source,
            sha256=_digest(source),
            version=charter.version + 1,
            effective_on=effective_on,
            compared_with=charter.version,
        )

    def current(self) -> CharterRecord:
        """The version in force today."""
        return self.in_force(self.today())

    def in_force(self, on: date) -> CharterRecord:
        with self._db.unit_of_work() as db:
            row = repository.charter_in_force(db, on)
            if row is None:
                raise NoCharterInForce()
            return _read(row)

    def get(self, version: int) -> CharterRecord:
        with self._db.unit_of_work() as db:
            row = repository.charter_version(db, version)
            if row is None:
                raise CharterNotFound()
            return _read(row)

    def adheres(self, structure_id: str, on: date) -> bool:
        """Whether the structure adheres to the version in force on that day."""
        with self._db.unit_of_work() as db:
            structure = db.get(Structure, structure_id)
            if structure is None:
                raise StructureNotFound()
            row = repository.charter_in_force(db, on)
            if row is None:
                return False
            return _read(row).charter.adheres(structure.id, on, siret=structure.siret)


def _other_territory(served: str, written: str) -> Problem:
    return Problem(
        "territoire",
        f"ce serveur sert le territoire « {served} », pas « {written} »",
    )


def _check_follows(charter: Charter, latest: PublishedCharter | None) -> None:
    if latest is None:
        return
    if charter.version <= latest.version:
        raise _already_published(latest.version)
    if charter.effective_on < latest.effective_on:
        raise CharterVersionConflict(
            message_fr=(
                f"La version {charter.version} prendrait effet le "
                f"{charter.effective_on:%d/%m/%Y}, avant la version {latest.version} "
                f"(en vigueur le {latest.effective_on:%d/%m/%Y}). Une nouvelle version ne "
                "peut pas prendre effet avant celle qu'elle remplace : corrigez "
                "« en_vigueur_le »."
            )
        )


def _already_published(latest: int) -> CharterVersionConflict:
    return CharterVersionConflict(
        message_fr=(
            f"La version {latest} de la charte est déjà publiée. Une nouvelle version doit "
            f"porter un numéro plus grand : « version = {latest + 1} » au moins."
        )
    )


def _read(row: PublishedCharter) -> CharterRecord:
    return _record(row, read_charter(row.source))


def _record(row: PublishedCharter, charter: Charter) -> CharterRecord:
    return CharterRecord(
        charter=charter,
        source=row.source,
        sha256=row.sha256,
        published_at=row.published_at,
        published_by=row.published_by,
    )
