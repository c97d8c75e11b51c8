"""All queries of the vault area. Reads go through ``visible_to`` (the policy's view)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CursorResult, Select, delete, false, func, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.consent.models import GrantDocument
from coffre.policy import Action, Actor, scope
from coffre.vault.models import Document, SealedKey


def visible_to(actor: Actor) -> Select[Document, SealedKey]:
    """Live documents the actor may see, each with the key sealed to that actor.

    The filter is the policy's scope of the vault (``coffre.policy.vault.documents_of``),
    the function its rules on one document (``DOCUMENT_READ``...) are built from: a
    person sees the live documents of their own vault, nobody else any.
    """
    query = (
        select(Document, SealedKey)
        .join(
            SealedKey,
            (SealedKey.document_id == Document.id) & (SealedKey.recipient_id == actor.account_id),
        )
        .where(Document.deleted_at.is_(None))
    )
    owner = scope(actor, Action.DOCUMENT_LIST)
    if owner is None:
        return query.where(false())
    return query.where(Document.owner_id == owner)


def list_visible(db: DbSession, actor: Actor) -> Sequence[tuple[Document, SealedKey]]:
    query = visible_to(actor).order_by(Document.created_at.desc(), Document.id)
    return [(doc, key) for doc, key in db.execute(query).all()]


def get_visible(db: DbSession, actor: Actor, document_id: str) -> tuple[Document, SealedKey] | None:
    query = visible_to(actor).where(Document.id == document_id)
    row = db.execute(query).one_or_none()
    return (row[0], row[1]) if row is not None else None


def mark_deleted(db: DbSession, document_id: str, now: datetime) -> bool:
    """Make a live document a tombstone once: True for the one caller whose conditional
    UPDATE found it live (of parallel deletes, one shreds, records and purges)."""
    query = (
        update(Document)
        .where(Document.id == document_id, Document.deleted_at.is_(None))
        .values(deleted_at=now, encrypted_metadata=None)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def change_live(
    db: DbSession,
    document_id: str,
    *,
    check_version: bool = False,
    at_version: int | None = None,
    **values: object,
) -> bool:
    """Change a document only while it is live: False when a parallel delete made it a
    tombstone first (a rename or a re-encryption never gives a tombstone its metadata back).

    ``check_version``: only while its version is still ``at_version`` (None: unbound),
    so that of parallel changes of one version exactly one wins (SPEC §24.2).
    """
    conditions = [Document.id == document_id, Document.deleted_at.is_(None)]
    if check_version:
        conditions.append(
            Document.version.is_(None) if at_version is None else Document.version == at_version
        )
    query = (
        update(Document)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def count_unbound(db: DbSession, owner_id: str) -> int:
    """Live documents of an account with no v2 binding, v1 deposits apart (they keep
    their depositor's v1 statement, SPEC §24.3)."""
    query = select(func.count()).where(
        Document.owner_id == owner_id,
        Document.deleted_at.is_(None),
        Document.binding.is_(None),
        Document.deposited_by.is_(None),
    )
    return int(db.scalar(query) or 0)


def mark_purged(db: DbSession, document_id: str, now: datetime) -> bool:
    """Record a tombstone's object as removed once (a delete and the purge job at the
    same moment: one records it)."""
    query = (
        update(Document)
        .where(
            Document.id == document_id,
            Document.deleted_at.is_not(None),
            Document.object_purged_at.is_(None),
        )
        .values(object_key=None, object_purged_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def delete_sealed_keys(db: DbSession, document_id: str) -> None:
    db.execute(delete(SealedKey).where(SealedKey.document_id == document_id))


def unpurged_tombstones(db: DbSession, limit: int) -> Sequence[Document]:
    query = (
        select(Document)
        .where(Document.deleted_at.is_not(None), Document.object_purged_at.is_(None))
        .order_by(Document.deleted_at)
        .limit(limit)
    )
    return db.scalars(query).all()


def live_documents_owned_by(db: DbSession, owner_id: str) -> Sequence[Document]:
    query = select(Document).where(Document.owner_id == owner_id, Document.deleted_at.is_(None))
    return db.scalars(query.order_by(Document.created_at, Document.id)).all()


def delete_sealed_keys_to(db: DbSession, recipient_id: str) -> None:
    """Every document key sealed to one account, whoever owns the document."""
    db.execute(delete(SealedKey).where(SealedKey.recipient_id == recipient_id))


def withdraw_grant_keys(db: DbSession, document_id: str, now: datetime) -> None:
    """Every key of this document sealed to a grantee (re-encryption, deletion)."""
    db.execute(
        update(GrantDocument)
        .where(GrantDocument.document_id == document_id, GrantDocument.sealed_key.is_not(None))
        .values(sealed_key=None, withdrawn_at=now)
    )


def referenced_object_keys(db: DbSession, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` a document row names (live, or deleted and not purged yet)."""
    if not keys:
        return set()
    statement = select(Document.object_key).where(Document.object_key.in_(sorted(keys)))
    return {key for key in db.scalars(statement).all() if key is not None}


def live_object_keys(db: DbSession, *, created_before: datetime) -> list[str]:
    """Object keys of live documents last written before ``created_before``."""
    statement = select(Document.object_key).where(
        Document.object_key.is_not(None),
        Document.deleted_at.is_(None),
        func.coalesce(Document.updated_at, Document.created_at) < created_before,
    )
    return [key for key in db.scalars(statement).all() if key is not None]
