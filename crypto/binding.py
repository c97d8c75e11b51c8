"""Format v2 document binding (SPEC §24): which document, version and owner the
parts of a document belong to, signed.

A v2 document is four parts the server stores: a content stream, a metadata
blob, sealed keys, and a signed statement binding them:

* ``coffre/document-binding``, signed by the owner, for what the owner uploads;
* ``coffre/deposit`` (v2), signed by the depositor, for a deposited document —
  the same bound members plus who deposited it, so proof of origin covers them.

`open_document` is what every reader (the owner, a grantee, the person who
received a deposit) runs: it refuses parts swapped between documents, an older
version than one already seen, a key other than the committed one, and contents
other than the signed ones.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any, Final

from crypto._checks import require_bytes_like
from crypto.commitment import COMMITMENT_BYTES, commits_to, key_commitment
from crypto.encoding import b64encode
from crypto.errors import BindingError, InvalidInputError, StaleError
from crypto.fields import (
    V2,
    format_time,
    read_code,
    read_id,
    read_int,
    read_key,
    read_object,
    read_sha256,
    read_time,
)
from crypto.metadata import DocumentMetadata, decrypt_metadata
from crypto.metadata_v2 import DocumentMetadataV2, decrypt_metadata_v2
from crypto.sealed import open_sealed_key
from crypto.statements_v2 import (
    DEPOSIT,
    DOCUMENT_BINDING,
    sign_statement_v2,
    statement_type,
    verify_statement_v2,
)
from crypto.stream import HEADER_BYTES as HEADER_BYTES_V1
from crypto.stream import decrypt_stream
from crypto.stream_v2 import HEADER_BYTES_V2, VERSION_V2, decrypt_stream_v2

VERSION_MAX: Final = 2**31 - 1
_PARTS: Final = frozenset(
    {
        "document",
        "version",
        "owner",
        "key_commitment",
        "header_sha256",
        "ciphertext_sha256",
        "metadata_sha256",
    }
)
_BINDING_MEMBERS: Final = _PARTS | {"v", "type", "bound_at"}
_DEPOSIT_MEMBERS: Final = _PARTS | {
    "v",
    "type",
    "depositor",
    "structure",
    "category",
    "deposited_at",
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stream_header(stream: bytes) -> bytes:
    """The header of a v1 (33 bytes) or v2 (65 bytes) content stream, chosen by
    its version byte (SPEC §24.1); InvalidInputError if too short to tell."""
    data = require_bytes_like(stream, "stream")
    if len(data) < 5:
        raise InvalidInputError("stream is too short to hold a header")
    size = HEADER_BYTES_V2 if data[4] == VERSION_V2 else HEADER_BYTES_V1
    if len(data) < size:
        raise InvalidInputError("stream is too short to hold its header")
    return data[:size]


@dataclass(frozen=True)
class BoundParts:
    """The members a binding and a v2 deposit share (SPEC §24.1)."""

    document: str
    version: int
    owner: str
    key_commitment: bytes
    header_sha256: str
    ciphertext_sha256: str
    metadata_sha256: str

    def members(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "version": self.version,
            "owner": self.owner,
            "key_commitment": b64encode(self.key_commitment),
            "header_sha256": self.header_sha256,
            "ciphertext_sha256": self.ciphertext_sha256,
            "metadata_sha256": self.metadata_sha256,
        }

    @classmethod
    def read(cls, statement: dict[str, Any]) -> "BoundParts":
        return cls(
            document=read_id(statement["document"], "document"),
            version=read_int(statement["version"], "version", 1, VERSION_MAX),
            owner=read_id(statement["owner"], "owner"),
            key_commitment=read_key(
                statement["key_commitment"], "key_commitment", COMMITMENT_BYTES
            ),
            header_sha256=read_sha256(statement["header_sha256"], "header_sha256"),
            ciphertext_sha256=read_sha256(statement["ciphertext_sha256"], "ciphertext_sha256"),
            metadata_sha256=read_sha256(statement["metadata_sha256"], "metadata_sha256"),
        )


def bound_parts(
    *,
    document: str,
    version: int,
    owner: str,
    doc_key: bytes,
    stream: bytes,
    metadata_blob: bytes,
) -> BoundParts:
    """The bound members of a document whose parts the caller holds (SPEC §24.1).
    A writer hashes the stream as it uploads it; `stream` may be a v1 stream
    (a migrated document) or a v2 stream."""
    data = require_bytes_like(stream, "stream")
    return BoundParts(
        document=read_id(document, "document"),
        version=read_int(version, "version", 1, VERSION_MAX),
        owner=read_id(owner, "owner"),
        key_commitment=key_commitment(doc_key),
        header_sha256=_sha256(stream_header(data)),
        ciphertext_sha256=_sha256(data),
        metadata_sha256=_sha256(require_bytes_like(metadata_blob, "metadata blob")),
    )


def binding_statement(parts: BoundParts, bound_at: datetime) -> dict[str, Any]:
    """{"v": 2, "type": "coffre/document-binding", …parts, "bound_at"} (SPEC §24.2)."""
    return {"v": V2, "type": DOCUMENT_BINDING, **parts.members(), "bound_at": format_time(bound_at)}


def deposit_statement(
    parts: BoundParts,
    *,
    depositor: str,
    structure: str,
    category: str,
    deposited_at: datetime,
) -> dict[str, Any]:
    """{"v": 2, "type": "coffre/deposit", …parts (owner = the person),
    "depositor", "structure", "category", "deposited_at"} (SPEC §24.3)."""
    return {
        "v": V2,
        "type": DEPOSIT,
        **parts.members(),
        "depositor": read_id(depositor, "depositor"),
        "structure": read_id(structure, "structure"),
        "category": read_code(category, "category"),
        "deposited_at": format_time(deposited_at),
    }


def sign_binding(parts: BoundParts, bound_at: datetime, owner_sign_seed: bytes) -> dict[str, Any]:
    """The owner's signed binding envelope (SPEC §24.2)."""
    return sign_statement_v2(binding_statement(parts, bound_at), owner_sign_seed)


def read_bound_statement(statement: dict[str, Any]) -> BoundParts:
    """Exact members of a binding or a v2 deposit, then the bound parts."""
    kind = statement_type(statement)
    if kind == DOCUMENT_BINDING:
        read_object(statement, _BINDING_MEMBERS, DOCUMENT_BINDING)
        read_time(statement["bound_at"], "bound_at")
    elif kind == DEPOSIT:
        read_object(statement, _DEPOSIT_MEMBERS, DEPOSIT)
        read_id(statement["depositor"], "depositor")
        read_id(statement["structure"], "structure")
        read_code(statement["category"], "category")
        read_time(statement["deposited_at"], "deposited_at")
    else:
        raise InvalidInputError("a document is bound by a binding or a deposit statement")
    return BoundParts.read(statement)


def verify_binding(
    envelope: dict[str, Any],
    *,
    signer: bytes,
    document: str,
    owner: str,
    min_version: int = 1,
) -> BoundParts:
    """SPEC §24.4 steps 1-3: the envelope verifies under `signer` (the owner's
    sign key for a binding, the certified depositor's for a deposit), names
    this document and owner (else BindingError), and is not older than
    `min_version` (else StaleError)."""
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    kind = statement_type(statement)
    verified = verify_statement_v2(envelope, signer, kind)
    parts = read_bound_statement(verified)
    if parts.document != read_id(document, "document") or parts.owner != read_id(owner, "owner"):
        raise BindingError("the binding names another document or owner")
    if parts.version < read_int(min_version, "min_version", 1, VERSION_MAX):
        raise StaleError("an older version of the document than one already seen")
    return parts


@dataclass(frozen=True)
class OpenedDocument:
    """A document whose every part checked out (SPEC §24.4)."""

    parts: BoundParts
    metadata: DocumentMetadataV2 | DocumentMetadata
    plaintext: bytes


class _CheckedStream:
    """Passes the stream through, checking the header hash as soon as the
    header has arrived and the whole-stream hash at the end (SPEC §24.4 step 4)."""

    def __init__(self, chunks: Iterable[bytes], parts: BoundParts) -> None:
        self._chunks = iter(chunks)
        self._parts = parts
        self._hash = hashlib.sha256()
        self.version = 0

    def first(self) -> bytes:
        """Read until the header is complete (or the input ends); check it."""
        head = b""
        while len(head) < HEADER_BYTES_V2:
            piece = next(self._chunks, None)
            if piece is None:
                break
            head += require_bytes_like(piece, "stream piece")
            if len(head) >= 5 and head[4] != VERSION_V2 and len(head) >= HEADER_BYTES_V1:
                break
        if _sha256(stream_header(head)) != self._parts.header_sha256:
            raise BindingError("the stream header is not the bound one")
        self.version = head[4]
        self._hash.update(head)
        return head

    def __iter__(self) -> Iterator[bytes]:
        yield self.first()
        for piece in self._chunks:
            data = require_bytes_like(piece, "stream piece")
            self._hash.update(data)
            yield data

    def finish(self) -> None:
        for piece in self._chunks:  # anything the decryptor left unread still counts
            self._hash.update(require_bytes_like(piece, "stream piece"))
        if self._hash.hexdigest() != self._parts.ciphertext_sha256:
            raise BindingError("the content stream is not the bound one")


@dataclass(frozen=True)
class DocumentReader:
    """A document whose binding, sealed key and metadata checked out; its
    plaintext is read from `plaintext`, which raises at the end if the content
    is not the bound one. As in SPEC §8.2, what it yields is unverified until
    it ends without error."""

    parts: BoundParts
    metadata: DocumentMetadataV2 | DocumentMetadata
    plaintext: Iterator[bytes]


def open_document_stream(
    *,
    envelope: dict[str, Any],
    signer: bytes,
    document: str,
    owner: str,
    min_version: int,
    sealed_key: bytes,
    box_public: bytes,
    box_secret: bytes,
    metadata_blob: bytes,
    stream: Iterable[bytes],
) -> DocumentReader:
    """Open a bound document whose content arrives as pieces of any sizes, in
    SPEC §24.4's order. Binding, metadata, sealed key and commitment are checked
    now; the stream's header hash when its header has arrived; the stream hash
    and the metadata's size and digest when the plaintext ends. Errors as
    `open_document`."""
    parts = verify_binding(
        envelope, signer=signer, document=document, owner=owner, min_version=min_version
    )
    blob = require_bytes_like(metadata_blob, "metadata blob")
    if _sha256(blob) != parts.metadata_sha256:
        raise BindingError("the metadata blob is not the bound one")
    doc_key = open_sealed_key(sealed_key, box_public, box_secret)
    if not commits_to(doc_key, parts.key_commitment):
        raise BindingError("the sealed key is not the committed document key")
    metadata: DocumentMetadataV2 | DocumentMetadata
    if blob[:1] == bytes([VERSION_V2]):
        metadata = decrypt_metadata_v2(doc_key, blob)
    else:
        metadata = decrypt_metadata(doc_key, blob)
    return DocumentReader(
        parts=parts,
        metadata=metadata,
        plaintext=_plaintext(doc_key, _CheckedStream(stream, parts), metadata),
    )


def _plaintext(
    doc_key: bytes, checked: _CheckedStream, metadata: DocumentMetadataV2 | DocumentMetadata
) -> Iterator[bytes]:
    pieces = iter(checked)
    head = next(pieces)
    rest = chain([head], pieces)
    decrypt = decrypt_stream_v2 if checked.version == VERSION_V2 else decrypt_stream
    digest, size = hashlib.sha256(), 0
    for piece in decrypt(doc_key, rest):
        digest.update(piece)
        size += len(piece)
        yield piece
    checked.finish()
    if metadata.size != size or metadata.sha256 != digest.hexdigest():
        raise BindingError("the metadata does not describe this content")


def open_document(
    *,
    envelope: dict[str, Any],
    signer: bytes,
    document: str,
    owner: str,
    min_version: int,
    sealed_key: bytes,
    box_public: bytes,
    box_secret: bytes,
    metadata_blob: bytes,
    stream: bytes,
) -> OpenedDocument:
    """Open a bound document held in memory (SPEC §24.4): binding (signature,
    names, version), part hashes, sealed key, key commitment, metadata, content,
    and metadata against content. Errors: InvalidInputError,
    UnsupportedVersionError, SignatureError, StaleError (rolled back),
    BindingError (parts that do not belong together), DecryptionError."""
    data = require_bytes_like(stream, "stream")
    parts = verify_binding(
        envelope, signer=signer, document=document, owner=owner, min_version=min_version
    )
    # In memory, every hash is checked before any key is used (SPEC §24.4 step 4).
    if _sha256(require_bytes_like(metadata_blob, "metadata blob")) != parts.metadata_sha256:
        raise BindingError("the metadata blob is not the bound one")
    if _sha256(stream_header(data)) != parts.header_sha256:
        raise BindingError("the stream header is not the bound one")
    if _sha256(data) != parts.ciphertext_sha256:
        raise BindingError("the content stream is not the bound one")
    reader = open_document_stream(
        envelope=envelope,
        signer=signer,
        document=document,
        owner=owner,
        min_version=min_version,
        sealed_key=sealed_key,
        box_public=box_public,
        box_secret=box_secret,
        metadata_blob=metadata_blob,
        stream=[data],
    )
    plaintext = b"".join(reader.plaintext)
    return OpenedDocument(parts=reader.parts, metadata=reader.metadata, plaintext=plaintext)
