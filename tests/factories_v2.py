"""Test builders for format v2 documents (SPEC Part II), made with the real crypto/
modules: a v2 stream and metadata blob, the owner's signed binding, the upload's
headers, migration bindings of v1 documents, and v2 consent receipts and deposits.

Envelopes travel as JSON text (canonical here, as a client sends them): headers carry
base64url of the text, bodies the text itself. Shared by the server's tests and the
Python client's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from fastapi.testclient import TestClient

from crypto import b64decode, b64encode, new_document_key, open_sealed_key, seal_document_key
from crypto.binding import BoundParts, bound_parts, deposit_statement, sign_binding
from crypto.commitment import key_commitment
from crypto.encoding import canonical_json
from crypto.keyring import AccountKeys
from crypto.metadata_v2 import DocumentMetadataV2, encrypt_metadata_v2
from crypto.statements_v2 import sign_statement_v2
from crypto.stream_v2 import encrypt_bytes_v2


class Person(Protocol):
    """Whoever holds an account's keys and a session (tests.factories.Person, or the
    consent world's Who)."""

    @property
    def keys(self) -> AccountKeys: ...

    @property
    def headers(self) -> dict[str, str]: ...


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def envelope_text(envelope: dict[str, Any]) -> str:
    """An envelope as the JSON text a client sends (RFC 8785, so one text per envelope)."""
    return canonical_json(envelope).decode("utf-8")


def header_of(text: str) -> str:
    """The base64url form of an envelope's text, for a header."""
    return b64encode(text.encode("utf-8"))


def account_id(api: TestClient, person: Person) -> str:
    response = api.get("/api/v1/me", headers=person.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["account"]["id"])


@dataclass(frozen=True)
class DocumentV2:
    """A v2 document's parts as its owner's client holds them before the upload."""

    document_id: str
    plaintext: bytes
    doc_key: bytes
    ciphertext: bytes
    metadata_blob: bytes
    sealed_key: bytes
    parts: BoundParts
    binding: str  # the binding envelope, JSON text
    category: str = "impots"

    @property
    def headers(self) -> dict[str, str]:
        """The upload's headers (``POST /api/v1/documents``)."""
        return {
            "Content-Type": "application/octet-stream",
            "Coffre-Category": self.category,
            "Coffre-Metadata": b64encode(self.metadata_blob),
            "Coffre-Sealed-Key": b64encode(self.sealed_key),
            "Coffre-Document-Id": self.document_id,
            "Coffre-Binding": header_of(self.binding),
        }


def signed_binding(
    owner: Person, parts: BoundParts, /, *, sign_seed: bytes | None = None, **changes: Any
) -> str:
    """The binding of ``parts`` (with ``changes`` to its members) signed by the owner
    (or by ``sign_seed``), as JSON text."""
    return envelope_text(
        sign_binding(replace(parts, **changes), now_utc(), sign_seed or owner.keys.sign_seed)
    )


def metadata_v2(doc_key: bytes, plaintext: bytes, name: str = "avis-imposition-2025.pdf") -> bytes:
    meta = DocumentMetadataV2(
        name=name,
        mime="application/pdf",
        size=len(plaintext),
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )
    return encrypt_metadata_v2(doc_key, meta)


def document_v2(
    owner: Person,
    owner_id: str,
    plaintext: bytes | None = None,
    *,
    document_id: str | None = None,
    version: int = 1,
    doc_key: bytes | None = None,
    name: str = "avis-imposition-2025.pdf",
    chunk_size: int = 65536,
    category: str = "impots",
) -> DocumentV2:
    """A v2 document bound by its owner (version 1 unless told)."""
    plaintext = plaintext if plaintext is not None else secrets.token_bytes(50_000)
    doc_key = doc_key or new_document_key()
    document_id = document_id or secrets.token_hex(16)
    ciphertext = encrypt_bytes_v2(doc_key, plaintext, chunk_size)
    blob = metadata_v2(doc_key, plaintext, name)
    parts = bound_parts(
        document=document_id,
        version=version,
        owner=owner_id,
        doc_key=doc_key,
        stream=ciphertext,
        metadata_blob=blob,
    )
    return DocumentV2(
        document_id=document_id,
        plaintext=plaintext,
        doc_key=doc_key,
        ciphertext=ciphertext,
        metadata_blob=blob,
        sealed_key=seal_document_key(doc_key, owner.keys.box_public),
        parts=parts,
        binding=signed_binding(owner, parts),
        category=category,
    )


def upload_v2(api: TestClient, owner: Person, document: DocumentV2) -> dict[str, Any]:
    response = api.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**owner.headers, **document.headers},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def renamed(owner: Person, document: DocumentV2, name: str, version: int) -> tuple[bytes, str]:
    """A rename of a bound document: the new metadata blob and the binding of ``version``."""
    blob = metadata_v2(document.doc_key, document.plaintext, name)
    parts = replace(
        document.parts, version=version, metadata_sha256=hashlib.sha256(blob).hexdigest()
    )
    return blob, signed_binding(owner, parts)


def migration_binding(
    owner: Person,
    owner_id: str,
    document_id: str,
    *,
    doc_key: bytes,
    ciphertext: bytes,
    metadata_blob: bytes,
) -> str:
    """The version-1 binding of a v1 document (its v1 stream and metadata), JSON text."""
    parts = bound_parts(
        document=document_id,
        version=1,
        owner=owner_id,
        doc_key=doc_key,
        stream=ciphertext,
        metadata_blob=metadata_blob,
    )
    return signed_binding(owner, parts)


def receipt_v2(
    person: Person,
    statement: dict[str, Any],
) -> str:
    """A v2 consent receipt (SPEC §24.5) signed by the person, JSON text."""
    return envelope_text(sign_statement_v2(statement, person.keys.sign_seed))


def shared_entry(parts: BoundParts) -> dict[str, Any]:
    """A receipt's entry for a bound document (SPEC §24.5)."""
    return {
        "id": parts.document,
        "version": parts.version,
        "key_commitment": b64encode(parts.key_commitment),
        "ciphertext_sha256": parts.ciphertext_sha256,
    }


def parts_of(binding: str) -> BoundParts:
    """The bound parts named by a binding's JSON text."""
    return BoundParts.read(json.loads(binding)["statement"])


def migrate_document(api: TestClient, owner: Person, owner_id: str, listed: dict[str, Any]) -> str:
    """What a migrating client does for one v1 document of its list (SPEC §14.7): open
    its key, read the 33-byte header with a Range request, take the ciphertext hash from
    the server, and sign version 1. Returns the binding's JSON text."""
    doc_key = open_sealed_key(
        b64decode(listed["sealed_key"]), owner.keys.box_public, owner.keys.box_secret
    )
    head = api.get(
        f"/api/v1/documents/{listed['id']}/content",
        headers={**owner.headers, "Range": "bytes=0-32"},
    )
    assert head.status_code == 206, head.text
    parts = BoundParts(
        document=listed["id"],
        version=1,
        owner=owner_id,
        key_commitment=key_commitment(doc_key),
        header_sha256=hashlib.sha256(head.content).hexdigest(),
        ciphertext_sha256=listed["ciphertext_sha256"],
        metadata_sha256=hashlib.sha256(b64decode(listed["encrypted_metadata"])).hexdigest(),
    )
    return signed_binding(owner, parts)


def migrate_all(api: TestClient, owner: Person, owner_id: str) -> int:
    """Bind every unbound document of the owner's (v1 deposits apart); how many."""
    listed = api.get("/api/v1/documents", headers=owner.headers).json()["documents"]
    count = 0
    for item in listed:
        if item["binding"] is not None or item["deposit"] is not None:
            continue
        binding = migrate_document(api, owner, owner_id, item)
        response = api.put(
            f"/api/v1/documents/{item['id']}/binding",
            json={"binding": binding},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        count += 1
    return count


def switch_to_v2(api: TestClient, owner: Person) -> dict[str, Any]:
    response = api.post("/api/v1/me/crypto-format", json={"format": 2}, headers=owner.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass(frozen=True)
class DepositV2:
    """A v2 deposit as the professional's client sends it (SPEC §24.3)."""

    document_id: str
    doc_key: bytes
    ciphertext: bytes
    metadata_blob: bytes
    parts: BoundParts
    envelope: str  # JSON text
    headers: dict[str, str]


def deposit_v2(
    depositor: Person,
    *,
    depositor_id: str,
    structure_id: str,
    person_id: str,
    person_box_public: bytes,
    plaintext: bytes = b"attestation de domiciliation",
    category: str = "domicile",
    deposited_at: datetime | None = None,
    **changes: Any,
) -> DepositV2:
    """A v2 deposit signed by the depositor; ``changes`` alter its bound members."""
    doc_key = new_document_key()
    document_id = secrets.token_hex(16)
    ciphertext = encrypt_bytes_v2(doc_key, plaintext, 65536)
    blob = metadata_v2(doc_key, plaintext, "attestation.pdf")
    parts = bound_parts(
        document=document_id,
        version=1,
        owner=person_id,
        doc_key=doc_key,
        stream=ciphertext,
        metadata_blob=blob,
    )
    statement = deposit_statement(
        replace(parts, **changes),
        depositor=depositor_id,
        structure=structure_id,
        category=category,
        deposited_at=deposited_at or now_utc(),
    )
    text = envelope_text(sign_statement_v2(statement, depositor.keys.sign_seed))
    headers = {
        **depositor.headers,
        "Content-Type": "application/octet-stream",
        "Coffre-Person": person_id,
        "Coffre-Category": category,
        "Coffre-Metadata": b64encode(blob),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, person_box_public)),
        "Coffre-Deposit": header_of(text),
        "Coffre-Document-Id": document_id,
    }
    return DepositV2(document_id, doc_key, ciphertext, blob, parts, text, headers)
