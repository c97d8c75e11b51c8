"""Queries of the charter officer's console: the trail filtered, the entries the flags
read, and what the rows need to be shown with names (profiles, structures, charters).

Every query reads columns the trail indexes (``at``, ``action``, ``actor_id``,
``person_id``, ``structure_id``) and pages on ``seq``, so the console stays fast on a
trail of millions of entries.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session as DbSession

from coffre.audit.models import AuditEntry, AuditPseudonym, AuditPseudonymScan
from coffre.consent.models import PublishedCharter
from coffre.db import statements
from coffre.structures.models import ProfessionalProfile, Structure


@dataclass(frozen=True)
class EntryQuery:
    """The console's filters as columns (the person already resolved to their id)."""

    structure_id: str | None = None
    actor_id: str | None = None
    purpose: str | None = None
    action: str | None = None
    outcome: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    person_id: str | None = None
    before_seq: int | None = None  # the cursor: entries strictly older


def _filtered(query: EntryQuery) -> Select[AuditEntry]:
    statement = select(AuditEntry)
    columns = (
        (AuditEntry.structure_id, query.structure_id),
        (AuditEntry.actor_id, query.actor_id),
        (AuditEntry.purpose, query.purpose),
        (AuditEntry.action, query.action),
        (AuditEntry.outcome, query.outcome),
        (AuditEntry.person_id, query.person_id),
    )
    for column, value in columns:
        if value is not None:
            statement = statement.where(column == value)
    if query.start is not None:
        statement = statement.where(AuditEntry.at >= query.start)
    if query.end is not None:
        statement = statement.where(AuditEntry.at < query.end)
    if query.before_seq is not None:
        statement = statement.where(AuditEntry.seq < query.before_seq)
    return statement


def newest_entries(db: DbSession, query: EntryQuery, limit: int) -> Sequence[AuditEntry]:
    """Up to ``limit`` entries matching ``query``, newest first."""
    statement = _filtered(query).order_by(AuditEntry.seq.desc()).limit(limit)
    return db.scalars(statement).all()


def entries_of_actions(
    db: DbSession, actions: Collection[str], start: datetime, end: datetime
) -> Sequence[AuditEntry]:
    """Entries of these actions within ``start``..``end``, oldest first (what the flags read)."""
    statement = (
        select(AuditEntry)
        .where(
            AuditEntry.action.in_(sorted(actions)),
            AuditEntry.at >= start,
            AuditEntry.at < end,
        )
        .order_by(AuditEntry.seq)
    )
    return db.scalars(statement).all()


def charter_publications(db: DbSession) -> dict[int, int]:
    """Charter version -> ``seq`` of the entry that recorded its publication.

    Entries are numbered in commit order, so comparing with a pull's ``seq`` says
    exactly which versions the server knew when it decided that pull.
    """
    statement = select(AuditEntry.object_id, AuditEntry.seq).where(
        AuditEntry.action == "charter.publish",
        AuditEntry.outcome == "ok",
        AuditEntry.object_type == "charter",
    )
    publications: dict[int, int] = {}
    for version, seq in db.execute(statement).all():
        if version is not None and version.isdigit():
            publications.setdefault(int(version), int(seq))
    return publications


def grant_starts(db: DbSession, grant_ids: Collection[str]) -> dict[str, datetime]:
    """Grant id -> when its ``grant.create`` entry was written (the grant's start)."""
    starts: dict[str, datetime] = {}
    ids = sorted(grant_ids)
    for offset in range(0, len(ids), 500):  # bounded IN lists
        statement = select(AuditEntry.object_id, AuditEntry.at).where(
            AuditEntry.action == "grant.create",
            AuditEntry.outcome == "ok",
            AuditEntry.object_id.in_(ids[offset : offset + 500]),
        )
        for grant_id, at in db.execute(statement).all():
            if grant_id is not None:
                starts[str(grant_id)] = at
    return starts


def published_charters(db: DbSession) -> Sequence[PublishedCharter]:
    return db.scalars(select(PublishedCharter).order_by(PublishedCharter.version)).all()


def pseudonym_scan_start(db: DbSession, key_id: str) -> int:
    """The first ``seq`` not yet read for new persons under ``key_id`` (0: none read)."""
    statement = select(AuditPseudonymScan.next_seq).where(AuditPseudonymScan.key_id == key_id)
    return int(db.scalar(statement) or 0)


def persons_from(db: DbSession, start_seq: int) -> tuple[set[str], int]:
    """The persons named by entries from ``start_seq`` on, and the ``seq`` to read from
    next time. The last ``seq`` is read first: an entry committed in between is left
    for the next scan, never skipped."""
    last = db.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    if last is None or last < start_seq:
        return set(), start_seq
    statement = select(AuditEntry.person_id).where(
        AuditEntry.seq >= start_seq, AuditEntry.seq <= last, AuditEntry.person_id.is_not(None)
    )
    persons = {str(person_id) for person_id in db.scalars(statement).all()}
    return persons, int(last) + 1


def known_persons(db: DbSession, key_id: str, person_ids: Collection[str]) -> set[str]:
    known: set[str] = set()
    ids = sorted(person_ids)
    for offset in range(0, len(ids), 500):  # bounded IN lists
        statement = select(AuditPseudonym.person_id).where(
            AuditPseudonym.key_id == key_id,
            AuditPseudonym.person_id.in_(ids[offset : offset + 500]),
        )
        known.update(db.scalars(statement).all())
    return known


def add_pseudonyms(
    db: DbSession, key_id: str, references: Mapping[str, str], next_seq: int
) -> None:
    """Store references (person id -> reference) and move the scan to ``next_seq``.

    Two console requests may fill at once: a row already there is left as it is, and
    the scan position only moves forward."""
    rows = [
        {"key_id": key_id, "person_id": person_id, "reference": reference}
        for person_id, reference in sorted(references.items())
    ]
    for offset in range(0, len(rows), 500):
        statement = statements.upsert_insert(db, AuditPseudonym).values(rows[offset : offset + 500])
        db.execute(statement.on_conflict_do_nothing())
    scan = statements.upsert_insert(db, AuditPseudonymScan).values(key_id=key_id, next_seq=next_seq)
    current = AuditPseudonymScan.next_seq
    db.execute(
        scan.on_conflict_do_update(
            index_elements=["key_id"],
            set_={
                "next_seq": case(
                    (current < scan.excluded.next_seq, scan.excluded.next_seq), else_=current
                )
            },
        )
    )


def person_of_reference(db: DbSession, key_id: str, reference: str) -> str | None:
    statement = (
        select(AuditPseudonym.person_id)
        .where(AuditPseudonym.key_id == key_id, AuditPseudonym.reference == reference)
        .order_by(AuditPseudonym.person_id)
        .limit(1)
    )
    return db.scalar(statement)


def display_names(db: DbSession, account_ids: Collection[str]) -> dict[str, str]:
    if not account_ids:
        return {}
    statement = select(ProfessionalProfile.account_id, ProfessionalProfile.display_name).where(
        ProfessionalProfile.account_id.in_(sorted(account_ids))
    )
    return {str(account_id): str(name) for account_id, name in db.execute(statement).all()}


def structures(db: DbSession, structure_ids: Collection[str] | None = None) -> list[Structure]:
    """The named structures (all of them when ``structure_ids`` is None)."""
    statement = select(Structure)
    if structure_ids is not None:
        if not structure_ids:
            return []
        statement = statement.where(Structure.id.in_(sorted(structure_ids)))
    return list(db.scalars(statement).all())
