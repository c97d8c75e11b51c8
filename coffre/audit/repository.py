"""Queries of the audit area that read the trail for one person (their history)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.audit.models import AuditEntry


def entries_about_person(
    db: DbSession, person_id: str, actions: Collection[str]
) -> Sequence[AuditEntry]:
    """The entries whose person concerned is ``person_id``, of these actions, newest first.

    ``person_id`` is indexed; the person's slice stays small next to the whole trail.
    """
    query = (
        select(AuditEntry)
        .where(AuditEntry.person_id == person_id, AuditEntry.action.in_(sorted(actions)))
        .order_by(AuditEntry.seq.desc())
    )
    return db.scalars(query).all()
