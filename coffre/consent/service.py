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
from coffre.consent.charter_file import read_charter
from coffre.consent.errors import (
    CharterNotFound,
    CharterVersionConflict,
    InvalidCharter,
    NoCharterInForce,
    Problem,
)
from coffre.consent.models import PublishedCharter
from coffre.db.engine import Database
from coffre.ids import new_id
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


class CharterService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self) -> date:
        return self._clock.now().astimezone(TERRITORY_ZONE).date()

    def publish(self, actor: Actor, source: str | bytes) -> CharterRecord:
        """Validate and store a new version; nothing is stored when anything is wrong."""
        if not can(actor, Action.CHARTER_PUBLISH):
            raise NotAllowed()
        charter = read_charter(source)
        text = source if isinstance(source, str) else source.decode("utf-8")
        with self._db.unit_of_work() as db:
            root = structures.trust_root(db)
            if root is not None and root.territory != charter.territory:
                raise InvalidCharter(
                    [
                        Problem(
                            "territoire",
                            f"ce serveur sert le territoire « {root.territory} », "
                            f"pas « {charter.territory} »",
                        )
                    ]
                )
            _check_follows(charter, repository.latest_charter(db))
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
