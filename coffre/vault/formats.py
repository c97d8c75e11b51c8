"""Format v2 on the server (SPEC §24; docs/CONSENT.md "Format v2"): the signed
bindings a write carries, checked against what was stored.

The server checks what it can without a key: the envelope's signature under the
expected key (the owner's, or the depositor's for a deposit), the names it binds
(document, owner), its version, and the three hashes (stream header, whole stream,
metadata blob). It never sees a document key, so it cannot check the key commitment:
every reader does (SPEC §24.4 step 6). Envelopes are JSON text, kept exactly as the
client sent it and read with the strict parser (SPEC §18.1), never re-serialised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.db.engine import hold
from coffre.errors import CoffreError
from coffre.storage import ObjectStore
from coffre.vault.ciphertext import HEADER_SIZE, MAGIC, VERSION
from coffre.vault.errors import FormatV1Refused, InvalidBinding, InvalidMetadata
from crypto import CryptoError
from crypto.binding import BoundParts, read_bound_statement
from crypto.jsontext import parse_json
from crypto.metadata_v2 import BLOB_SIZES
from crypto.statements_v2 import verify_statement_v2

V1, V2 = 1, 2
# An envelope's text: a statement of ~600 bytes, its signer and signature.
MAX_ENVELOPE_CHARS = 4000


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bound:
    """A verified envelope: its text as sent, its statement and its bound parts."""

    text: str
    statement: dict[str, Any]
    parts: BoundParts


def read_envelope(text: str, error: type[CoffreError] = InvalidBinding) -> dict[str, Any]:
    """The envelope object of a JSON text, read strictly (SPEC §18.1), or ``error``."""
    if len(text) > MAX_ENVELOPE_CHARS:
        raise error()
    try:
        envelope = parse_json(text)
    except CryptoError as exc:
        raise error() from exc
    if not isinstance(envelope, dict):
        raise error()
    return envelope


def verify_envelope(
    text: str,
    *,
    signer: bytes,
    kind: str,
    document_id: str,
    owner_id: str,
    error: type[CoffreError] = InvalidBinding,
) -> Bound:
    """The binding (``kind`` DOCUMENT_BINDING) or v2 deposit (DEPOSIT) in ``text``,
    signed by ``signer``, naming this document and owner; else ``error``."""
    envelope = read_envelope(text, error)
    try:
        statement = verify_statement_v2(envelope, signer, kind)
        parts = read_bound_statement(statement)
    except CryptoError as exc:
        raise error() from exc
    if parts.document != document_id or parts.owner != owner_id:
        raise error()
    return Bound(text=text, statement=statement, parts=parts)


def stored_parts(text: str) -> BoundParts:
    """The bound parts of an envelope the server verified when it stored it."""
    return read_bound_statement(parse_json(text)["statement"])


def signer_of(text: str) -> str:
    """The base64url key that signed a stored envelope (verified when it was stored)."""
    return str(parse_json(text)["signer"])


def parts_match(
    parts: BoundParts, *, header: bytes, ciphertext_sha256: str, metadata: bytes
) -> bool:
    """Whether the stream header, the whole stream's hash and the metadata blob of what
    is stored are the bound ones (SPEC §24.1)."""
    return (
        parts.header_sha256 == sha256_hex(header)
        and parts.ciphertext_sha256 == ciphertext_sha256
        and parts.metadata_sha256 == sha256_hex(metadata)
    )


def refuse_v1_writes(db: DbSession, account_id: str) -> None:
    """Refuse a v1 write for or by an account that writes v2 (``format_v1_refused``).

    Inside the unit of work that makes the write (opened with ``write=True``): the
    switch to v2 (``VaultService.switch_format``) holds the same key, so a v1 upload
    and the switch are decided one after the other, never both.
    """
    hold(db, "crypto-format", account_id)
    account = db.get(Account, account_id)
    if account is not None and account.crypto_format >= V2:
        raise FormatV1Refused()


def account_format(db: DbSession, account_id: str) -> int:
    account = db.get(Account, account_id)
    return account.crypto_format if account is not None else V1


def check_metadata_v2(blob: bytes) -> None:
    """A v2 metadata blob: version byte 2 and one of the three padded sizes (SPEC §22)."""
    if len(blob) not in BLOB_SIZES or blob[0] != V2:
        raise InvalidMetadata()


def read_v1_header(store: ObjectStore, object_key: str) -> bytes:
    """The 33-byte header of a stored v1 stream (a migration binding hashes it, SPEC
    §24.1), read through the object store without downloading the rest."""
    head = store.read_head(object_key, HEADER_SIZE)
    if len(head) != HEADER_SIZE or head[:4] != MAGIC or head[4] != VERSION:
        raise InvalidBinding()
    return head
