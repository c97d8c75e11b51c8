"""Moving a vault to format v2 without re-uploading its content (SPEC §14.7).

For each live v1 document with no binding yet, the owner's client reads the 33
bytes of its v1 stream header (``Range: bytes=0-32``), opens its sealed key (for
the key commitment) and its metadata (to check it is the owner's document), and
signs a version-1 binding over the header hash, the server's
``ciphertext_sha256`` and the stored metadata blob's hash (``PUT
/documents/{id}/binding``). v1 deposits stay v1 (SPEC §24.3). Then ``POST
/me/crypto-format`` turns the account to v2 and this device remembers it.

Taking the ciphertext hash from the server is what SPEC §14.7 allows: v1 gave no
integrity against the server anyway, and a wrong hash makes the document
unreadable, never silently different. Each document is one small signed PUT, so a
run that stops halfway leaves bound documents bound and the next run binds the
rest (a document bound meanwhile answers ``document_already_bound``: skipped).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from client.api import ApiError
from client.documents_v2 import envelope_text, now_utc
from crypto import AccountKeys, b64decode, decrypt_metadata, open_sealed_key
from crypto.binding import BoundParts, sign_binding
from crypto.commitment import key_commitment
from crypto.errors import InvalidInputError, UnsupportedVersionError
from crypto.stream import HEADER_BYTES, MAGIC

if TYPE_CHECKING:
    from client.api import CoffreClient

V1_HEADER_RANGE = f"bytes=0-{HEADER_BYTES - 1}"
ROUNDS = 3  # a v1 upload by an old client during the run is bound on the next round


@dataclass(frozen=True)
class MigrationSummary:
    """What a run did: documents it bound, v1 deposits left as v1, bytes of content
    it downloaded (headers only) — and none uploaded."""

    bound: int
    deposits_kept_v1: int
    already_v2: int
    content_bytes_downloaded: int
    switched: bool


def _v1_header(client: CoffreClient, document_id: str) -> bytes:
    """The first 33 bytes of a stored stream; a server that ignores the range sends the
    whole stream, of which no more than 33 bytes are read before the answer is closed."""
    path = f"/documents/{document_id}/content"
    head = b""
    with client.stream("GET", path, headers={"Range": V1_HEADER_RANGE}) as response:
        for piece in response.iter_bytes():
            head += piece
            if len(head) >= HEADER_BYTES:
                break
    head = head[:HEADER_BYTES]
    if len(head) < HEADER_BYTES or head[:4] != MAGIC:
        raise InvalidInputError("the stored stream does not start with a v1 header")
    if head[4] != 1:
        raise UnsupportedVersionError("an unbound document whose stream is not v1")
    return head


def bind_v1_document(
    client: CoffreClient, keys: AccountKeys, doc: dict[str, Any]
) -> tuple[int, bool]:
    """Sign and send the version-1 binding of one v1 document; returns the bytes of
    content downloaded (the header) and whether this call bound it (False: another run
    or device did first)."""
    document_id = str(doc["id"])
    doc_key = open_sealed_key(b64decode(doc["sealed_key"]), keys.box_public, keys.box_secret)
    blob = b64decode(doc["encrypted_metadata"])
    decrypt_metadata(doc_key, blob)  # mine: it opens under my key (else DecryptionError)
    header = _v1_header(client, document_id)
    parts = BoundParts(
        document=document_id,
        version=1,
        owner=client.account_id(),
        key_commitment=key_commitment(doc_key),
        header_sha256=hashlib.sha256(header).hexdigest(),
        ciphertext_sha256=str(doc["ciphertext_sha256"]),
        metadata_sha256=hashlib.sha256(blob).hexdigest(),
    )
    binding = sign_binding(parts, now_utc(), keys.sign_seed)
    try:
        client.call(
            "PUT", f"/documents/{document_id}/binding", json={"binding": envelope_text(binding)}
        )
    except ApiError as exc:
        # Bound meanwhile by another run or device (or changed by it): the account's
        # switch at the end says whether anything is left.
        if exc.code not in ("document_already_bound", "document_changed"):
            raise
        return len(header), False
    client.memory.saw(client.account_id(), document_id, 1)
    return len(header), True


def migrate_to_v2(client: CoffreClient, keys: AccountKeys) -> MigrationSummary:
    """Bind every unbound v1 document, then switch the account to v2 (idempotent)."""
    account_id = client.account_id()
    if client.crypto_format(refresh=True) == 2:
        client.memory.mark_migrated(account_id)
        return MigrationSummary(0, 0, 0, 0, switched=False)
    bound = kept = already = downloaded = 0
    for _round in range(ROUNDS):
        documents = client.call("GET", "/documents").json()["documents"]
        kept = already = 0
        for doc in documents:
            if doc.get("binding") is not None:
                already += 1
            elif doc.get("deposit"):
                kept += 1
            else:
                read, done = bind_v1_document(client, keys, doc)
                downloaded += read
                bound += done
        try:
            client.call("POST", "/me/crypto-format", json={"format": 2})
        except ApiError as exc:
            if exc.code == "migration_incomplete":
                continue
            raise
        client.crypto_format(refresh=True)
        client.memory.mark_migrated(account_id)
        return MigrationSummary(bound, kept, already, downloaded, switched=True)
    raise ApiError(409, "migration_incomplete", "La migration n'a pas pu se terminer.")
