"""Vault rules: upload, list, download and crypto-shredding delete of encrypted documents.

The server handles ciphertext only (SPEC §8–§10). The order of effects follows
CONVENTIONS §3: the object is written to storage before the database commit and
removed again if the commit fails; a delete commits the tombstone (and drops
every sealed key) first, then purges the object, and the purge job finishes the
job if storage was down at that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.audit import refusals
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError, Refused, Unavailable
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, PersonLink, can
from coffre.settings import Settings
from coffre.storage import ObjectStore, new_object_key
from coffre.vault import repository
from coffre.vault.categories import is_category
from coffre.vault.ciphertext import checked_stream
from coffre.vault.errors import (
    DocumentNotFound,
    DocumentTooLarge,
    InvalidCategory,
    InvalidExpiryDate,
    InvalidMetadata,
    InvalidSealedKey,
)
from coffre.vault.models import Document, SealedKey

log = logging.getLogger(__name__)

SEALED_KEY_SIZE = 80  # crypto_box_seal of a 32-byte key, SPEC §10
MIN_METADATA_SIZE = 1 + 24 + 16  # version + nonce + tag, SPEC §9
MAX_METADATA_SIZE = 4096
DOWNLOAD_CHUNK = 1024 * 1024
# Expiry dates outside this range are typing mistakes, not documents.
EARLIEST_EXPIRY = date(1990, 1, 1)
LATEST_EXPIRY = date(2100, 12, 31)


@dataclass(frozen=True)
class NewDocument:
    category: str
    encrypted_metadata: bytes
    sealed_key: bytes
    declared_size: int | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class DocumentChange:
    """A rename (new encrypted metadata, same document key) and the expiry date."""

    encrypted_metadata: bytes
    expires_on: date | None


@dataclass(frozen=True)
class NewContent:
    """A re-encrypted document: new metadata and key sealed to the owner."""

    encrypted_metadata: bytes
    sealed_key: bytes


@dataclass(frozen=True)
class Origin:
    """Where a deposited document comes from, checked by ``coffre.consent.deposits``.

    ``record`` runs inside the unit of work that stores the document (it writes the
    person's notification); ``mismatch`` is raised, and nothing kept, when the stored
    ciphertext is not the one the depositor signed.
    """

    document_id: str
    depositor_id: str
    statement_json: str
    ciphertext_sha256: str
    mismatch: CoffreError
    record: Callable[[DbSession, Document, datetime], None]


@dataclass(frozen=True)
class DocumentView:
    """A live document as its reader sees it: ciphertext facts and their sealed key."""

    document: Document
    sealed_key: bytes


class UploadRefused(Refused):
    code = "upload_refused"
    message_fr = "Vous ne pouvez pas ajouter de document ici."


class VaultService:
    def __init__(self, db: Database, store: ObjectStore, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._store = store
        self._settings = settings
        self._clock = clock

    def upload(self, actor: Actor, new: NewDocument, chunks: Iterable[bytes]) -> DocumentView:
        """Store an encrypted document; nothing is kept unless everything succeeded."""
        if not can(actor, Action.DOCUMENT_UPLOAD):
            raise UploadRefused()
        return self._put(actor, actor.account_id, new, chunks)

    def deposit(
        self,
        actor: Actor,
        link: PersonLink,
        person_id: str,
        new: NewDocument,
        chunks: Iterable[bytes],
        origin: Origin,
    ) -> DocumentView:
        """A professional puts a document into a person's vault (``coffre.consent.deposits``).

        The key is sealed to the person only; ``origin`` carries the depositor's signed
        statement, whose ciphertext hash must be that of what was stored.
        """
        if not can(actor, Action.DEPOSIT_CREATE, link):
            raise UploadRefused()
        return self._put(actor, person_id, new, chunks, origin=origin)

    def replace_content(
        self, actor: Actor, document_id: str, new: NewContent, chunks: Iterable[bytes]
    ) -> DocumentView:
        """Re-encryption: the same document under a new key (after a revocation).

        Every key sealed to a grantee for this document goes in the same transaction:
        a key a professional kept no longer opens what is stored. The old object is
        removed after the commit (or stays an orphan, logged, if storage is down).
        """
        _check_metadata(new.encrypted_metadata)
        if len(new.sealed_key) != SEALED_KEY_SIZE:
            raise InvalidSealedKey()
        with self._refusals(actor, document_id, refusals.REENCRYPT), self._db.unit_of_work() as db:
            self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
        object_key = new_object_key("doc")
        stored = self._store.put_stream(
            object_key, checked_stream(chunks, self._settings.max_document_bytes)
        )
        try:
            with self._db.unit_of_work() as db:
                document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
                now = self._clock.now()
                old_key = document.object_key
                # Decided by the database: a delete at the same moment wins or waits.
                if not repository.change_live(
                    db,
                    document.id,
                    object_key=object_key,
                    ciphertext_size=stored.size,
                    ciphertext_sha256=stored.sha256_hex,
                    encrypted_metadata=new.encrypted_metadata,
                    updated_at=now,
                ):
                    raise DocumentNotFound()
                db.refresh(document)
                key.sealed_key = new.sealed_key
                repository.withdraw_grant_keys(db, document.id, now)
                audit.append(db, _entry(actor, "document.reencrypt", document), now)
        except BaseException:
            self._discard_object(object_key)
            raise
        if old_key is not None:
            self._discard_object(old_key)
        return DocumentView(document, new.sealed_key)

    def list(self, actor: Actor) -> Sequence[DocumentView]:
        with self._db.unit_of_work() as db:
            rows = repository.list_visible(db, actor)
            return [DocumentView(doc, key.sealed_key) for doc, key in rows]

    def get(self, actor: Actor, document_id: str) -> DocumentView:
        with self._refusals(actor, document_id, refusals.READ):
            with self._db.unit_of_work() as db:
                row = self._visible(db, actor, document_id, Action.DOCUMENT_READ)
                return DocumentView(row[0], row[1].sealed_key)

    def open_content(self, actor: Actor, document_id: str) -> tuple[Document, Iterator[bytes]]:
        """The document and a stream of its ciphertext, opened before the first byte is sent."""
        with self._refusals(actor, document_id, refusals.DOWNLOAD):
            with self._db.unit_of_work() as db:
                document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_DOWNLOAD)
                if document.object_key is not None:
                    entry = _entry(actor, "document.download", document)
                    audit.append(db, entry, self._clock.now())
            if document.object_key is None:
                raise DocumentNotFound()
        # Large reads: each chunk is one hop through the server's thread pool.
        return document, self._store.open_stream(document.object_key, chunk_size=DOWNLOAD_CHUNK)

    def update(self, actor: Actor, document_id: str, change: DocumentChange) -> DocumentView:
        """Replace the encrypted metadata (a rename) and the expiry date."""
        _check_metadata(change.encrypted_metadata)
        _check_expiry(change.expires_on)
        with self._refusals(actor, document_id, refusals.UPDATE), self._db.unit_of_work() as db:
            document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
            now = self._clock.now()
            # Decided by the database: a delete at the same moment leaves a tombstone
            # without metadata, never one renamed after its shredding.
            if not repository.change_live(
                db,
                document.id,
                encrypted_metadata=change.encrypted_metadata,
                expires_on=change.expires_on,
                updated_at=now,
            ):
                raise DocumentNotFound()
            db.refresh(document)
            audit.append(db, _entry(actor, "document.update", document), now)
            return DocumentView(document, key.sealed_key)

    def delete(self, actor: Actor, document_id: str) -> None:
        """Crypto-shred: drop every sealed key and the metadata now, then the object."""
        with self._refusals(actor, document_id, refusals.DELETE), self._db.unit_of_work() as db:
            document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_DELETE)
            # Of parallel deletes, one shreds, records and purges; the others answer
            # like an unknown id (the owner's own are no refused attempt).
            if not self._shred(db, document):
                raise DocumentNotFound()
            audit.append(db, _entry(actor, "document.delete", document), self._clock.now())
        self._purge(document.id)

    def shred_account(self, db: DbSession, account_id: str) -> Sequence[str]:
        """Crypto-shred every live document an account owns, inside the caller's unit of work.

        Used when the account's keys are replaced without the recovery kit
        (``coffre.accounts.reset``) or the account is erased (``coffre.accounts.erasure``):
        each document becomes a tombstone (no metadata, no sealed key), and every key
        sealed *to* the account on someone else's document goes too (the account's old
        secret key is gone). Returns the ids whose objects the caller purges with
        ``purge_objects`` after its commit.
        """
        documents = repository.live_documents_owned_by(db, account_id)
        # A document deleted by a parallel request is that request's to purge.
        shredded = [document.id for document in documents if self._shred(db, document)]
        repository.delete_sealed_keys_to(db, account_id)
        return shredded

    def purge_objects(self, document_ids: Iterable[str]) -> int:
        """Remove the stored objects of shredded documents, after the shredding committed.

        An object whose store is down stays for ``purge_deleted_objects`` (the job).
        """
        return sum(1 for document_id in document_ids if self._purge(document_id))

    def purge_deleted_objects(self, limit: int = 100) -> int:
        """Job: remove the stored objects of tombstones whose purge could not run."""
        with self._db.unit_of_work() as db:
            ids = [doc.id for doc in repository.unpurged_tombstones(db, limit)]
        return self.purge_objects(ids)

    # -- internals ------------------------------------------------------------
    def _put(
        self,
        actor: Actor,
        owner_id: str,
        new: NewDocument,
        chunks: Iterable[bytes],
        *,
        origin: Origin | None = None,
    ) -> DocumentView:
        _check_new_document(new, self._settings.max_document_bytes)
        object_key = new_object_key("doc")
        stored = self._store.put_stream(
            object_key, checked_stream(chunks, self._settings.max_document_bytes)
        )
        try:
            if origin is not None and stored.sha256_hex != origin.ciphertext_sha256:
                raise origin.mismatch
            with self._db.unit_of_work() as db:
                now = self._clock.now()
                document = Document(
                    id=origin.document_id if origin is not None else new_id(),
                    owner_id=owner_id,
                    category=new.category,
                    object_key=object_key,
                    ciphertext_size=stored.size,
                    ciphertext_sha256=stored.sha256_hex,
                    encrypted_metadata=new.encrypted_metadata,
                    expires_on=new.expires_on,
                    created_at=now,
                    deposited_by=origin.depositor_id if origin is not None else None,
                    deposit=origin.statement_json if origin is not None else None,
                )
                db.add(document)
                try:
                    db.flush()
                except IntegrityError as exc:
                    if origin is None:
                        raise
                    # A parallel deposit of the same statement stored this id first:
                    # the answer a later call gets (the primary key decides).
                    raise origin.mismatch from exc
                db.add(
                    SealedKey(
                        id=new_id(),
                        document_id=document.id,
                        recipient_id=owner_id,
                        sealed_key=new.sealed_key,
                        created_at=now,
                    )
                )
                if origin is not None:
                    origin.record(db, document, now)
                else:
                    audit.append(db, _entry(actor, "document.upload", document), now)
        except BaseException:
            self._discard_object(object_key)
            raise
        return DocumentView(document=document, sealed_key=new.sealed_key)

    def _visible(
        self, db: DbSession, actor: Actor, document_id: str, action: Action
    ) -> tuple[Document, SealedKey]:
        row = repository.get_visible(db, actor, document_id) if is_valid_id(document_id) else None
        if row is None or not can(actor, action, row[0]):
            raise DocumentNotFound()
        return row

    @contextmanager
    def _refusals(self, actor: Actor, document_id: str, attempt: str) -> Iterator[None]:
        """Keep a refused attempt on a document in the trail (``coffre.audit.refusals``),
        in a transaction of its own: the refused operation changed nothing."""
        try:
            yield
        except DocumentNotFound:
            with self._db.unit_of_work() as db:
                document = db.get(Document, document_id) if is_valid_id(document_id) else None
                refusals.record(
                    db,
                    actor,
                    attempt,
                    self._clock.now(),
                    owner_id=document.owner_id if document is not None else None,
                    object_type="document",
                    object_id=document_id,
                )
            raise

    def _shred(self, db: DbSession, document: Document) -> bool:
        """Tombstone a live document and drop its keys; False if it was no longer live
        (a parallel delete won: the database decides, one conditional UPDATE)."""
        now = self._clock.now()
        if not repository.mark_deleted(db, document.id, now):
            return False
        db.refresh(document)
        repository.delete_sealed_keys(db, document.id)
        repository.withdraw_grant_keys(db, document.id, now)
        return True

    def _purge(self, document_id: str) -> bool:
        with self._db.unit_of_work() as db:
            document = db.get(Document, document_id)
            if document is None or document.object_purged_at is not None:
                return False
            if document.object_key is not None:
                try:
                    self._store.delete(document.object_key)
                except Unavailable:
                    # The keys are already gone (the content is unreadable); the purge
                    # job retries the object later.
                    log.warning("object purge deferred for a deleted document: storage down")
                    return False
            # A delete and the purge job at the same moment: one records the purge.
            return repository.mark_purged(db, document.id, self._clock.now())

    def _discard_object(self, object_key: str) -> None:
        try:
            self._store.delete(object_key)
        except CoffreError:
            log.error("could not remove an uploaded object after a failed commit: %s", object_key)


def _entry(actor: Actor, action: str, document: Document) -> audit.Entry:
    return audit.by(
        actor,
        action,
        person_id=document.owner_id,
        object_type="document",
        object_id=document.id,
        details={"category": document.category},
    )


def _check_metadata(blob: bytes) -> None:
    if not MIN_METADATA_SIZE <= len(blob) <= MAX_METADATA_SIZE or blob[0] != 1:
        raise InvalidMetadata()


def _check_expiry(expires_on: date | None) -> None:
    if expires_on is not None and not EARLIEST_EXPIRY <= expires_on <= LATEST_EXPIRY:
        raise InvalidExpiryDate()


def _check_new_document(new: NewDocument, max_bytes: int) -> None:
    if not is_category(new.category):
        raise InvalidCategory()
    _check_metadata(new.encrypted_metadata)
    _check_expiry(new.expires_on)
    if len(new.sealed_key) != SEALED_KEY_SIZE:
        raise InvalidSealedKey()
    if new.declared_size is not None and new.declared_size > max_bytes:
        raise DocumentTooLarge()
