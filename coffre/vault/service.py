"""Vault rules: upload, list, download and crypto-shredding delete of encrypted documents.

The server handles ciphertext only (SPEC §8–§10). The order of effects follows
CONVENTIONS §3: the object is written to storage before the database commit and
removed again if the commit fails; a delete commits the tombstone (and drops
every sealed key) first, then purges the object, and the purge job finishes the
job if storage was down at that moment.

Format v2 (SPEC §24, ``coffre.vault.formats``): a v2 write carries the owner's signed
binding, checked against what was stored before the commit; its version moves by one
at each change, decided by one conditional UPDATE (``WHERE version = current``), so of
parallel changes exactly one wins. Once an account writes v2, every v1 write is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import refusals
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.errors import CoffreError, Refused, Unavailable
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, PersonLink, can
from coffre.settings import Settings
from coffre.storage import ObjectStore, new_object_key
from coffre.vault import formats, repository
from coffre.vault.categories import is_category
from coffre.vault.ciphertext import checked_stream
from coffre.vault.errors import (
    DepositKeepsSignature,
    DocumentAlreadyBound,
    DocumentChanged,
    DocumentIdTaken,
    DocumentNotFound,
    DocumentTooLarge,
    FormatV1Refused,
    InvalidBinding,
    InvalidCategory,
    InvalidExpiryDate,
    InvalidMetadata,
    InvalidSealedKey,
    MigrationIncomplete,
)
from coffre.vault.formats import V1, V2, Bound
from coffre.vault.models import Document, SealedKey
from crypto.statements_v2 import DOCUMENT_BINDING

log = logging.getLogger(__name__)

SEALED_KEY_SIZE = 80  # crypto_box_seal of a 32-byte key, SPEC §10
HELD_ANY = "*"  # open_content(held=...): the client holds some version (If-None-Match: *)
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
    # Format v2: the id the client chose and the owner's binding envelope (JSON text).
    document_id: str | None = None
    binding: str | None = None


@dataclass(frozen=True)
class DocumentChange:
    """A rename (new encrypted metadata, same document key) and the expiry date; for a
    bound document, a new metadata blob comes with the binding of the next version."""

    encrypted_metadata: bytes
    expires_on: date | None
    binding: str | None = None


@dataclass(frozen=True)
class NewContent:
    """A re-encrypted document: new metadata and key sealed to the owner (and, in v2,
    the binding of the next version)."""

    encrypted_metadata: bytes
    sealed_key: bytes
    binding: str | None = None


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
    # A v2 deposit (SPEC §24.3): the verified envelope, which is the document's binding.
    bound: Bound | None = None


@dataclass(frozen=True)
class DocumentView:
    """A live document as its reader sees it: ciphertext facts and their sealed key."""

    document: Document
    sealed_key: bytes

    @property
    def binding_signer(self) -> str | None:
        """The base64url key that signed the binding: the owner's, or the depositor's."""
        binding = self.document.binding
        return formats.signer_of(binding) if binding is not None else None


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
        if new.binding is None:
            if new.document_id is not None:
                raise InvalidBinding()  # a chosen id comes with its binding
            return self._put(actor, actor.account_id, new, chunks)
        document_id = new.document_id
        if document_id is None or not is_valid_id(document_id):
            raise InvalidBinding()
        with self._db.unit_of_work() as db:
            signer = _sign_key(db, actor.account_id)
            if db.get(Document, document_id) is not None:
                raise DocumentIdTaken()
        bound = formats.verify_envelope(
            new.binding,
            signer=signer,
            kind=DOCUMENT_BINDING,
            document_id=document_id,
            owner_id=actor.account_id,
        )
        if bound.parts.version != 1:
            raise InvalidBinding()
        return self._put(actor, actor.account_id, new, chunks, bound=bound)

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
        In v2 the new stream comes with the binding of the next version (an unbound
        v1 document re-keyed by a v2 client: version 1).
        """
        v2 = new.binding is not None
        bound: Bound | None = None
        with self._refusals(actor, document_id, refusals.REENCRYPT), self._db.unit_of_work() as db:
            document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
            if new.binding is None:
                if document.version is not None:
                    raise FormatV1Refused()
                if formats.account_format(db, actor.account_id) >= V2:
                    raise FormatV1Refused()
            else:
                bound = formats.verify_envelope(
                    new.binding,
                    signer=_sign_key(db, actor.account_id),
                    kind=DOCUMENT_BINDING,
                    document_id=document.id,
                    owner_id=document.owner_id,
                )
                current = document.version
                if bound.parts.version != (current or 0) + 1:
                    raise DocumentChanged()
        _check_metadata(new.encrypted_metadata, V2 if v2 else V1)
        if len(new.sealed_key) != SEALED_KEY_SIZE:
            raise InvalidSealedKey()
        object_key = new_object_key("doc")
        header = bytearray()
        stored = self._store.put_stream(
            object_key,
            checked_stream(
                chunks,
                self._settings.max_document_bytes,
                version=V2 if v2 else V1,
                header=header,
            ),
        )
        try:
            if bound is not None and not formats.parts_match(
                bound.parts,
                header=bytes(header),
                ciphertext_sha256=stored.sha256_hex,
                metadata=new.encrypted_metadata,
            ):
                raise InvalidBinding()
            with self._db.unit_of_work(write=True) as db:
                document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
                now = self._clock.now()
                old_key = document.object_key
                if bound is None:
                    formats.refuse_v1_writes(db, actor.account_id)
                    values: dict[str, object] = {}
                    expected = None
                else:
                    expected = bound.parts.version - 1 or None
                    values = {
                        "format": V2,
                        "version": bound.parts.version,
                        "binding": bound.text,
                    }
                # Decided by the database: a delete at the same moment wins or waits, and
                # of parallel changes of one version exactly one wins.
                if not repository.change_live(
                    db,
                    document.id,
                    check_version=True,
                    at_version=expected,
                    object_key=object_key,
                    ciphertext_size=stored.size,
                    ciphertext_sha256=stored.sha256_hex,
                    encrypted_metadata=new.encrypted_metadata,
                    updated_at=now,
                    **values,
                ):
                    raise self._lost(db, document.id)
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

    def open_content(
        self,
        actor: Actor,
        document_id: str,
        *,
        first: int | None = None,
        held: frozenset[str] = frozenset(),
    ) -> tuple[Document, Iterator[bytes] | None]:
        """The document and a stream of its ciphertext, opened before the first byte is sent;
        only its ``first`` bytes if given (a reader looking at a header).

        ``held``: the ciphertext hashes the client already holds (``HELD_ANY`` for any):
        when the document's is one of them, no stream is opened (None) and the client
        reads its own copy. Access is decided, and kept in the trail, exactly as for a
        download first: holding a copy opens nothing that was refused."""
        with self._refusals(actor, document_id, refusals.DOWNLOAD):
            with self._db.unit_of_work() as db:
                document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_DOWNLOAD)
                if document.object_key is not None:
                    # A header read (a migrating client binding a v1 document) is not
                    # the person opening their document: kept in the trail, not in
                    # the person's history.
                    action = "document.download" if first is None else "document.header"
                    audit.append(db, _entry(actor, action, document), self._clock.now())
            if document.object_key is None:
                raise DocumentNotFound()
        if HELD_ANY in held or document.ciphertext_sha256 in held:
            return document, None
        if first is not None:  # at most a few MiB, read without the rest (a ranged GET)
            return document, iter([self._store.read_head(document.object_key, first)])
        # Large reads: each chunk is one hop through the server's thread pool.
        return document, self._store.open_stream(document.object_key, chunk_size=DOWNLOAD_CHUNK)

    def update(self, actor: Actor, document_id: str, change: DocumentChange) -> DocumentView:
        """Replace the encrypted metadata (a rename) and the expiry date.

        The expiry date is not bound (SPEC §24.1): changing only it needs no binding. A
        new metadata blob of a bound document comes with the binding of the next
        version, whose other members are the current ones.
        """
        _check_expiry(change.expires_on)
        if change.binding is not None:
            _check_metadata(change.encrypted_metadata, V2)
        with self._refusals(actor, document_id, refusals.UPDATE):
            if change.binding is not None:
                return self._rebind(actor, document_id, change, change.binding)
            # write=True: a v1 rename and the account's switch to v2 are decided one
            # after the other (formats.refuse_v1_writes).
            with self._db.unit_of_work(write=True) as db:
                document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
                now = self._clock.now()
                values: dict[str, object] = {"expires_on": change.expires_on}
                if change.encrypted_metadata != document.encrypted_metadata:
                    if document.version is not None:
                        raise FormatV1Refused()
                    _check_metadata(change.encrypted_metadata, V1)
                    formats.refuse_v1_writes(db, actor.account_id)
                    values["encrypted_metadata"] = change.encrypted_metadata
                # Decided by the database: a delete at the same moment leaves a tombstone
                # without metadata, never one renamed after its shredding; a v1 rename
                # never overwrites a binding made at the same moment.
                if not repository.change_live(
                    db,
                    document.id,
                    check_version="encrypted_metadata" in values,
                    at_version=None,
                    updated_at=now,
                    **values,
                ):
                    raise self._lost(db, document.id, FormatV1Refused())
                db.refresh(document)
                audit.append(db, _entry(actor, "document.update", document), now)
                return DocumentView(document, key.sealed_key)

    def bind(self, actor: Actor, document_id: str, binding: str) -> DocumentView:
        """Migration binding (SPEC §14.7): the owner signs, as version 1, a v1 document
        that has no binding yet, over its stored stream (whose 33-byte header the
        server reads from storage) and metadata. A v1 deposit keeps its v1 statement."""
        with self._refusals(actor, document_id, refusals.UPDATE):
            with self._db.unit_of_work() as db:
                document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
                if document.binding is not None:
                    raise DocumentAlreadyBound()
                if document.deposited_by is not None:
                    raise DepositKeepsSignature()
                signer = _sign_key(db, actor.account_id)
            if document.object_key is None or document.encrypted_metadata is None:
                raise DocumentNotFound()
            bound = formats.verify_envelope(
                binding,
                signer=signer,
                kind=DOCUMENT_BINDING,
                document_id=document.id,
                owner_id=document.owner_id,
            )
            if bound.parts.version != 1 or not formats.parts_match(
                bound.parts,
                header=formats.read_v1_header(self._store, document.object_key),
                ciphertext_sha256=document.ciphertext_sha256,
                metadata=document.encrypted_metadata,
            ):
                raise InvalidBinding()
            with self._db.unit_of_work(write=True) as db:
                document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
                if not repository.change_live(
                    db,
                    document.id,
                    check_version=True,
                    at_version=None,
                    binding=bound.text,
                    version=1,
                ):
                    raise self._lost(db, document.id, DocumentAlreadyBound())
                db.refresh(document)
                if document.ciphertext_sha256 != bound.parts.ciphertext_sha256 or (
                    document.encrypted_metadata is None
                    or formats.sha256_hex(document.encrypted_metadata)
                    != bound.parts.metadata_sha256
                ):
                    raise DocumentChanged()  # renamed or re-keyed in between: nothing kept
                audit.append(db, _entry(actor, "document.bind", document), self._clock.now())
                return DocumentView(document, key.sealed_key)

    def switch_format(self, actor: Actor, crypto_format: int) -> int:
        """``POST /me/crypto-format``: the account writes v2 from now on, once every
        live document it owns is bound (a v1 deposit stays v1, SPEC §24.3).

        One write unit of work holding the key v1 writes hold
        (``formats.refuse_v1_writes``): a v1 upload at the same moment lands before
        (and is counted) or after (and is refused), never in between.
        """
        if crypto_format == V1:  # no way back: asking for v1 is only idle when still v1
            with self._db.unit_of_work() as db:
                if formats.account_format(db, actor.account_id) >= V2:
                    raise FormatV1Refused()
            return V1
        with self._db.unit_of_work(write=True) as db:
            hold(db, "crypto-format", actor.account_id)
            account = db.get(Account, actor.account_id)
            if account is None:
                raise DocumentNotFound()
            if account.crypto_format >= V2:
                return account.crypto_format
            left = repository.count_unbound(db, actor.account_id)
            if left:
                raise MigrationIncomplete(left)
            account.crypto_format = V2
            entry = audit.by(
                actor,
                "account.crypto_format",
                person_id=actor.account_id,
                object_type="account",
                object_id=actor.account_id,
                details={"format": V2},
            )
            audit.append(db, entry, self._clock.now())
            return V2

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
    def _rebind(
        self, actor: Actor, document_id: str, change: DocumentChange, binding: str
    ) -> DocumentView:
        """A rename with the binding of the next version (``update``)."""
        with self._db.unit_of_work() as db:
            document, _ = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
            signer = _sign_key(db, actor.account_id)
        bound = formats.verify_envelope(
            binding,
            signer=signer,
            kind=DOCUMENT_BINDING,
            document_id=document.id,
            owner_id=document.owner_id,
        )
        parts, current = bound.parts, document.version
        if parts.version != (current or 0) + 1:
            raise DocumentChanged()
        if document.binding is not None:
            before = formats.stored_parts(document.binding)
            same = (
                parts.key_commitment == before.key_commitment
                and parts.header_sha256 == before.header_sha256
                and parts.ciphertext_sha256 == before.ciphertext_sha256
                and parts.metadata_sha256 == formats.sha256_hex(change.encrypted_metadata)
            )
        else:  # a v1 document bound by its first rename in v2 (a v1 deposit, say)
            if document.object_key is None:
                raise DocumentNotFound()
            same = formats.parts_match(
                parts,
                header=formats.read_v1_header(self._store, document.object_key),
                ciphertext_sha256=document.ciphertext_sha256,
                metadata=change.encrypted_metadata,
            )
        if not same:
            raise InvalidBinding()
        with self._db.unit_of_work(write=True) as db:
            document, key = self._visible(db, actor, document_id, Action.DOCUMENT_UPDATE)
            now = self._clock.now()
            # Decided by the database: of parallel changes of this version, one wins.
            if not repository.change_live(
                db,
                document.id,
                check_version=True,
                at_version=current,
                encrypted_metadata=change.encrypted_metadata,
                expires_on=change.expires_on,
                binding=bound.text,
                version=parts.version,
                updated_at=now,
            ):
                raise self._lost(db, document.id)
            db.refresh(document)
            if document.ciphertext_sha256 != parts.ciphertext_sha256:
                raise DocumentChanged()  # re-keyed in between: nothing kept
            audit.append(db, _entry(actor, "document.update", document), now)
            return DocumentView(document, key.sealed_key)

    def _lost(
        self, db: DbSession, document_id: str, error: CoffreError | None = None
    ) -> CoffreError:
        """Why a conditional change found no row: the document is gone, or it changed
        (another version won, or it was bound) since it was read."""
        db.expire_all()
        document = db.get(Document, document_id)
        if document is None or document.deleted_at is not None:
            return DocumentNotFound()
        return error if error is not None else DocumentChanged()

    def _put(
        self,
        actor: Actor,
        owner_id: str,
        new: NewDocument,
        chunks: Iterable[bytes],
        *,
        origin: Origin | None = None,
        bound: Bound | None = None,
    ) -> DocumentView:
        binding = bound if bound is not None else origin.bound if origin is not None else None
        version = V1 if binding is None else V2
        _check_new_document(new, self._settings.max_document_bytes, version)
        if binding is None:
            with self._db.unit_of_work() as db:  # early answer; decided again at commit
                if formats.account_format(db, owner_id) >= V2:
                    raise FormatV1Refused()
        object_key = new_object_key("doc")
        header = bytearray()
        stored = self._store.put_stream(
            object_key,
            checked_stream(
                chunks, self._settings.max_document_bytes, version=version, header=header
            ),
        )
        try:
            if origin is not None and stored.sha256_hex != origin.ciphertext_sha256:
                raise origin.mismatch
            if binding is not None and not formats.parts_match(
                binding.parts,
                header=bytes(header),
                ciphertext_sha256=stored.sha256_hex,
                metadata=new.encrypted_metadata,
            ):
                raise origin.mismatch if origin is not None else InvalidBinding()
            # write=True for a v1 write: it and the owner's switch to v2 are decided one
            # after the other (formats.refuse_v1_writes).
            with self._db.unit_of_work(write=binding is None) as db:
                if binding is None:
                    formats.refuse_v1_writes(db, owner_id)
                now = self._clock.now()
                if binding is not None:
                    document_id = binding.parts.document
                elif origin is not None:
                    document_id = origin.document_id
                else:
                    document_id = new_id()
                document = Document(
                    id=document_id,
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
                    format=version,
                    version=None if binding is None else binding.parts.version,
                    binding=None if binding is None else binding.text,
                )
                db.add(document)
                try:
                    db.flush()
                except IntegrityError as exc:
                    if origin is not None:
                        # A parallel deposit of the same statement stored this id first:
                        # the answer a later call gets (the primary key decides).
                        raise origin.mismatch from exc
                    if binding is not None:
                        raise DocumentIdTaken() from exc
                    raise
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


def _check_metadata(blob: bytes, version: int = V1) -> None:
    if version == V2:
        formats.check_metadata_v2(blob)
    elif not MIN_METADATA_SIZE <= len(blob) <= MAX_METADATA_SIZE or blob[0] != 1:
        raise InvalidMetadata()


def _sign_key(db: DbSession, account_id: str) -> bytes:
    account = db.get(Account, account_id)
    if account is None:
        raise DocumentNotFound()
    return account.sign_public_key


def _check_expiry(expires_on: date | None) -> None:
    if expires_on is not None and not EARLIEST_EXPIRY <= expires_on <= LATEST_EXPIRY:
        raise InvalidExpiryDate()


def _check_new_document(new: NewDocument, max_bytes: int, version: int) -> None:
    if not is_category(new.category):
        raise InvalidCategory()
    _check_metadata(new.encrypted_metadata, version)
    _check_expiry(new.expires_on)
    if len(new.sealed_key) != SEALED_KEY_SIZE:
        raise InvalidSealedKey()
    if new.declared_size is not None and new.declared_size > max_bytes:
        raise DocumentTooLarge()
