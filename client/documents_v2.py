"""The owner's documents in format v2 (SPEC §20-§24): write them bound, read them checked.

Writer: a v2 upload is a client-chosen id, a v2 stream, v2 metadata and a binding
the owner signs (SPEC §24.2); a rename or a re-key signs the next version. The
binding names the whole stream's hash, so the stream is encrypted once into a
spooled temporary file (memory for small files, disk beyond) and sent from there.

Reader: every document the owner opens goes through SPEC §24.4 with the owner's
own sign key and the highest version this device remembers (client/memory.py).
An unbound v1 document still reads as v1 until this device knows the account
migrated; after that only a v1 *deposit* may be unbound, and it is verified as v1
(the depositor's signature up to the territory's root, SPEC §16). A v2 deposit is
bound by the depositor's statement, checked under their certified key.

Nothing reaches the destination file unless every check passed (the plaintext
goes to a temporary file, renamed at the very end).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crypto import (
    AccountKeys,
    DocumentMetadata,
    DocumentMetadataV2,
    b64decode,
    b64encode,
    decrypt_metadata,
    decrypt_stream,
    encrypt_metadata_v2,
    encrypt_stream_v2,
    new_document_key,
    open_sealed_key,
    seal_document_key,
    verify_statement,
)
from crypto.binding import (
    BoundParts,
    DocumentReader,
    open_document_stream,
    read_bound_statement,
    sign_binding,
)
from crypto.commitment import key_commitment
from crypto.consent import read_deposit
from crypto.errors import BindingError, InvalidInputError
from crypto.jsontext import parse_json
from crypto.pins import pin_spoken
from crypto.statements_v2 import DEPOSIT, envelope_signer, statement_type
from crypto.stream import write_verified
from crypto.stream_v2 import HEADER_BYTES_V2

if TYPE_CHECKING:
    from client.api import CoffreClient, Progress

READ_SIZE = 256 * 1024
SPOOL_BYTES = 8 * 1024 * 1024  # ciphertext kept in memory below this, on disk above
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
AnyMetadata = DocumentMetadata | DocumentMetadataV2


# -- envelopes as text (contract: never re-serialised by the server) ---------------------
def envelope_text(envelope: dict[str, Any]) -> str:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def read_envelope(text: str) -> dict[str, Any]:
    """An envelope received as text, read with the strict parser (SPEC §18.1)."""
    parsed = parse_json(text.encode("utf-8"))
    if not isinstance(parsed, dict):
        raise InvalidInputError("an envelope is a JSON object")
    return parsed


def header_envelope(value: str) -> dict[str, Any]:
    """An envelope carried in a header: base64url of its UTF-8 text."""
    return read_envelope(b64decode(value).decode("utf-8"))


def new_id() -> str:
    return secrets.token_hex(16)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def v2_metadata(name: str, mime: str, size: int, sha256: str) -> DocumentMetadataV2:
    """SPEC §22 limits: a name of at most 255 bytes without controls, a lower-case
    type/subtype without parameters (anything else becomes application/octet-stream)."""
    clean = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in name).strip() or "document"
    while len(clean.encode("utf-8")) > 255:
        stem, dot, ext = clean.rpartition(".")
        clean = f"{stem[:-1]}.{ext}" if dot and stem and len(ext) < 16 else clean[:-1]
    kind = mime.split(";", 1)[0].strip().lower()
    if _MIME.fullmatch(kind) is None:
        kind = "application/octet-stream"
    return DocumentMetadataV2(name=clean, mime=kind, size=size, sha256=sha256)


def guess_mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# -- writing a v2 stream --------------------------------------------------------------
@dataclass
class SpooledStream:
    """A v2 stream encrypted once, with what its binding needs."""

    file: IO[bytes]
    size: int
    header_sha256: str
    ciphertext_sha256: str

    def chunks(self, progress: Progress | None = None) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(READ_SIZE):
            if progress is not None:
                progress(len(chunk))
            yield chunk

    def close(self) -> None:
        self.file.close()


def spool_v2(doc_key: bytes, plaintext: Iterable[bytes], size: int) -> SpooledStream:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by caller)
    digest, head, total = hashlib.sha256(), b"", 0
    try:
        for piece in encrypt_stream_v2(doc_key, plaintext, size):
            if len(head) < HEADER_BYTES_V2:
                head += piece[: HEADER_BYTES_V2 - len(head)]
            digest.update(piece)
            spool.write(piece)
            total += len(piece)
    except BaseException:
        spool.close()
        raise
    return SpooledStream(spool, total, hashlib.sha256(head).hexdigest(), digest.hexdigest())


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ_SIZE):
            yield chunk


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in file_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class SealedV2:
    """Everything a v2 upload, re-key or deposit sends but the stream."""

    doc_key: bytes
    metadata_blob: bytes
    stream: SpooledStream

    def parts(self, document: str, version: int, owner: str) -> BoundParts:
        return BoundParts(
            document=document,
            version=version,
            owner=owner,
            key_commitment=key_commitment(self.doc_key),
            header_sha256=self.stream.header_sha256,
            ciphertext_sha256=self.stream.ciphertext_sha256,
            metadata_sha256=hashlib.sha256(self.metadata_blob).hexdigest(),
        )


def seal_v2(plaintext: Iterable[bytes], metadata: DocumentMetadataV2) -> SealedV2:
    doc_key = new_document_key()
    blob = encrypt_metadata_v2(doc_key, metadata)
    return SealedV2(doc_key, blob, spool_v2(doc_key, plaintext, metadata.size))


def upload_v2(
    client: CoffreClient,
    path: Path,
    category: str,
    keys: AccountKeys,
    *,
    name: str | None = None,
    mime: str | None = None,
    expires_on: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Upload ``path`` as a v2 document bound by the owner (contract: POST /documents)."""
    owner = client.account_id()
    metadata = v2_metadata(
        name or path.name, mime or guess_mime(path), path.stat().st_size, sha256_file(path)
    )
    sealed = seal_v2(file_chunks(path), metadata)
    try:
        document_id = new_id()
        binding = sign_binding(sealed.parts(document_id, 1, owner), now_utc(), keys.sign_seed)
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(sealed.stream.size),
            "Coffre-Document-Id": document_id,
            "Coffre-Category": category,
            "Coffre-Metadata": b64encode(sealed.metadata_blob),
            "Coffre-Sealed-Key": b64encode(seal_document_key(sealed.doc_key, keys.box_public)),
            "Coffre-Binding": b64encode(envelope_text(binding).encode("utf-8")),
        }
        if expires_on is not None:
            headers["Coffre-Expires-On"] = expires_on
        body = sealed.stream.chunks(progress)
        answer = client.call("POST", "/documents", content=body, headers=headers).json()
    finally:
        sealed.stream.close()
    client.memory.saw(owner, document_id, 1)
    return str(answer["id"])


# -- reading as the owner ---------------------------------------------------------------
@dataclass(frozen=True)
class OwnedDocument:
    """A document of mine whose binding, sealed key and metadata checked out.
    ``plaintext`` raises at its end if the content is not the bound one."""

    id: str
    version: int | None  # None: an unbound v1 document (a v1 vault, or a v1 deposit)
    parts: BoundParts | None
    doc_key: bytes
    metadata: AnyMetadata
    plaintext: Iterator[bytes]


class OwnerReader:
    """Opens the owner's documents (SPEC §24.4). Keeps the depositors' verified keys."""

    def __init__(
        self,
        client: CoffreClient,
        keys: AccountKeys,
        *,
        pinned_root: str | None = None,
        origin_required: bool = True,
    ) -> None:
        """``origin_required=False`` (the export): a deposit opens without its origin
        checked here — its content still checked against its binding or metadata — and
        the caller reports whether the depositor's certified key signed it (a depositor
        who left their structure no longer verifies). Downloads keep the default."""
        self.client = client
        self.keys = keys
        self.account_id = client.account_id()
        self._pinned_root = pinned_root
        self._origin_required = origin_required
        self._depositors: dict[str, bytes] = {}
        self._listing: dict[str, dict[str, Any]] | None = None

    def migrated(self) -> bool:
        """This device knows the account is v2: the server said so, or it remembers."""
        memory = self.client.memory
        if not memory.migrated(self.account_id) and self.client.crypto_format() == 2:
            memory.mark_migrated(self.account_id)
        return memory.migrated(self.account_id)

    def open(self, doc: dict[str, Any], stream: Iterable[bytes] = ()) -> OwnedDocument:
        """Check ``doc`` (the server's document body) and return a reader of ``stream``."""
        document_id = str(doc["id"])
        binding = doc.get("binding")
        if binding is not None:
            return self._open_bound(doc, read_envelope(str(binding)), stream)
        if doc.get("format") == 2:
            raise BindingError("a v2 document comes with its binding")
        if self.migrated() and not doc.get("deposit"):
            # GET /documents/{id} leaves out a deposit's origin; the list carries it.
            doc = {**doc, "deposit": self._listed_deposit(document_id)}
            if not doc["deposit"]:
                raise BindingError("an unbound document in a vault that moved to format v2")
        doc_key = open_sealed_key(
            b64decode(doc["sealed_key"]), self.keys.box_public, self.keys.box_secret
        )
        metadata = decrypt_metadata(doc_key, b64decode(doc["encrypted_metadata"]))
        expected_hash = None
        if doc.get("deposit") and self._origin_required:
            expected_hash = self._check_v1_deposit(doc)
        plaintext = _v1_plaintext(doc_key, stream, metadata, expected_hash)
        return OwnedDocument(document_id, None, None, doc_key, metadata, plaintext)

    def _open_bound(
        self, doc: dict[str, Any], envelope: dict[str, Any], stream: Iterable[bytes]
    ) -> OwnedDocument:
        document_id = str(doc["id"])
        statement = envelope.get("statement")
        if isinstance(statement, dict) and statement_type(statement) == DEPOSIT:
            read_bound_statement(statement)  # its members, before the depositor is looked up
            signer = (
                self.certified_sign_key(str(statement["depositor"]))
                if self._origin_required
                else envelope_signer(envelope)  # the caller checks the origin itself
            )
        else:
            signer = self.keys.sign_public
        memory = self.client.memory
        sealed_key = b64decode(doc["sealed_key"])
        reader: DocumentReader = open_document_stream(
            envelope=envelope,
            signer=signer,
            document=document_id,
            owner=self.account_id,
            min_version=memory.min_version(self.account_id, document_id),
            sealed_key=sealed_key,
            box_public=self.keys.box_public,
            box_secret=self.keys.box_secret,
            metadata_blob=b64decode(doc["encrypted_metadata"]),
            stream=stream,
        )
        memory.saw(self.account_id, document_id, reader.parts.version)
        doc_key = open_sealed_key(sealed_key, self.keys.box_public, self.keys.box_secret)
        return OwnedDocument(
            document_id,
            reader.parts.version,
            reader.parts,
            doc_key,
            reader.metadata,
            reader.plaintext,
        )

    def _listed_deposit(self, document_id: str) -> Any:
        if self._listing is None:
            listed = self.client.call("GET", "/documents").json()["documents"]
            self._listing = {str(d["id"]): d for d in listed}
        return (self._listing.get(document_id) or {}).get("deposit")

    # -- deposits: the depositor's key, certified up to the territory's root -------------
    def root_fingerprint(self) -> str:
        if self._pinned_root is not None:
            return self._pinned_root
        memory = self.client.memory
        known = memory.root(self.account_id)
        if known is None:  # trusted on first use, then held (SPEC §14.6)
            root = self.client.call("GET", "/trust/root").json()["root"]
            known = pin_spoken(b64decode(str(root["signer"])))
            memory.trust_root(self.account_id, known)
        return known

    def certified_sign_key(self, depositor_id: str) -> bytes:
        from client.network import trusted_keys

        if depositor_id not in self._depositors:
            certified = trusted_keys(self.client, depositor_id, self.root_fingerprint())
            self._depositors[depositor_id] = certified.sign_public
        return self._depositors[depositor_id]

    def _check_v1_deposit(self, doc: dict[str, Any]) -> str:
        """A v1 deposit, verified as v1 (SPEC §16): the depositor's certified key signed
        it, for this person and this document; returns the ciphertext hash it names."""
        envelope = doc["deposit"]["envelope"]
        depositor = str(doc["deposit"]["depositor"]["account_id"])
        signer = self.certified_sign_key(depositor)
        statement = read_deposit(verify_statement(envelope, expected_signer=signer))
        if (
            statement.person != self.account_id
            or statement.document != str(doc["id"])
            or statement.depositor != depositor
        ):
            raise BindingError("the deposit statement names another person or document")
        return str(statement.ciphertext_sha256)


def _v1_plaintext(
    doc_key: bytes, stream: Iterable[bytes], metadata: AnyMetadata, ciphertext_sha256: str | None
) -> Iterator[bytes]:
    """A v1 stream, decrypted; at its end the metadata's size and digest (and, for a v1
    deposit, the signed ciphertext hash) must match, else BindingError."""
    cipher = hashlib.sha256()

    def counted() -> Iterator[bytes]:
        for piece in stream:
            cipher.update(piece)
            yield piece

    digest, size = hashlib.sha256(), 0
    for piece in decrypt_stream(doc_key, counted()):
        digest.update(piece)
        size += len(piece)
        yield piece
    if size != metadata.size or digest.hexdigest() != metadata.sha256:
        raise BindingError("the metadata does not describe this content")
    if ciphertext_sha256 is not None and cipher.hexdigest() != ciphertext_sha256:
        raise BindingError("the content is not the one the depositor signed")


# -- rename and re-key: the next version -------------------------------------------------
def rename(client: CoffreClient, keys: AccountKeys, document_id: str, name: str) -> int | None:
    """Give a document a new name; returns its new version (None for an unbound v1
    document of a v1 vault, renamed as v1)."""
    doc = client.call("GET", f"/documents/{document_id}").json()
    opened = OwnerReader(client, keys).open(doc)
    meta = opened.metadata
    body: dict[str, Any] = {"expires_on": doc.get("expires_on")}
    if opened.parts is None:
        if client.crypto_format() == 2:
            return rekey(client, keys, document_id, name=name)
        from crypto import encrypt_metadata

        new_meta = DocumentMetadata(name=name, mime=meta.mime, size=meta.size, sha256=meta.sha256)
        body["encrypted_metadata"] = b64encode(encrypt_metadata(opened.doc_key, new_meta))
        client.call("PATCH", f"/documents/{document_id}", json=body)
        return None
    blob = encrypt_metadata_v2(opened.doc_key, v2_metadata(name, meta.mime, meta.size, meta.sha256))
    version = opened.parts.version + 1
    parts = replace(opened.parts, version=version, metadata_sha256=hashlib.sha256(blob).hexdigest())
    binding = sign_binding(parts, now_utc(), keys.sign_seed)
    body["encrypted_metadata"] = b64encode(blob)
    body["binding"] = envelope_text(binding)
    client.call("PATCH", f"/documents/{document_id}", json=body)
    client.memory.saw(client.account_id(), document_id, version)
    return version


def rekey(
    client: CoffreClient, keys: AccountKeys, document_id: str, *, name: str | None = None
) -> int:
    """Re-encrypt a document under a new key as a v2 stream (every grantee's key goes);
    returns its new version. The verified plaintext passes through a temporary file."""
    doc = client.call("GET", f"/documents/{document_id}").json()
    with tempfile.TemporaryDirectory(prefix="coffre-rekey-") as folder:
        plain = Path(folder) / "plain"
        with client.stream("GET", f"/documents/{document_id}/content") as response:
            opened = OwnerReader(client, keys).open(doc, response.iter_bytes())
            write_verified(opened.plaintext, plain)
        meta = opened.metadata
        metadata = v2_metadata(name or meta.name, meta.mime, meta.size, meta.sha256)
        sealed = seal_v2(file_chunks(plain), metadata)
    try:
        version = 1 if opened.parts is None else opened.parts.version + 1
        owner = client.account_id()
        binding = sign_binding(sealed.parts(document_id, version, owner), now_utc(), keys.sign_seed)
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(sealed.stream.size),
            "Coffre-Metadata": b64encode(sealed.metadata_blob),
            "Coffre-Sealed-Key": b64encode(seal_document_key(sealed.doc_key, keys.box_public)),
            "Coffre-Binding": b64encode(envelope_text(binding).encode("utf-8")),
        }
        client.call(
            "PUT",
            f"/documents/{document_id}/content",
            content=sealed.stream.chunks(),
            headers=headers,
        )
    finally:
        sealed.stream.close()
    client.memory.saw(owner, document_id, version)
    return version
