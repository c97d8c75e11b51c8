"""Consent from a client: share documents with a verified professional, revoke, pull a
granted document, ask for one, answer a request, deposit (docs/CONSENT.md, SPEC §16).

Everything secret happens here: the professional's keys are verified up to the pinned
root before a document key is sealed to them; the consent receipt and the deposit
statement are signed with the caller's own sign key.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from client.api import CoffreClient
from client.network import trusted_keys
from client.watermark import stamp_copy, watermark_text
from crypto import (
    AccountKeys,
    DocumentMetadata,
    b64decode,
    b64encode,
    decrypt_bytes,
    decrypt_metadata,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    open_sealed_key,
    seal_document_key,
    sign_statement,
)
from crypto.consent import ConsentReceipt, Deposit, SharedDocument

DAY = timedelta(days=1)


@dataclass(frozen=True)
class PulledCopy:
    """A granted document, decrypted: the stored content, never altered."""

    grant_id: str
    document_id: str
    category: str
    metadata: DocumentMetadata
    content: bytes
    pulls_left: int | None


def new_id() -> str:
    return secrets.token_hex(16)


def share(
    client: CoffreClient,
    keys: AccountKeys,
    *,
    person_id: str,
    professional_id: str,
    pinned_root: str,
    purpose: str,
    document_ids: Sequence[str],
    days: int,
    max_pulls: int | None = None,
    request: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Share documents with a professional whose keys verify up to ``pinned_root``."""
    certified = trusted_keys(client, professional_id, pinned_root)
    if certified.structure_id is None:
        raise ValueError("this account is not a member of a structure")
    charter = client.call("GET", "/charters/current").json()
    documents = {d["id"]: d for d in client.call("GET", "/documents").json()["documents"]}
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    shared = []
    sealed = {}
    for document_id in sorted(set(document_ids)):
        doc = documents[document_id]
        doc_key = open_sealed_key(b64decode(doc["sealed_key"]), keys.box_public, keys.box_secret)
        sealed[document_id] = b64encode(seal_document_key(doc_key, certified.box_public))
        shared.append(SharedDocument(document_id, doc["ciphertext_sha256"]))
    receipt = ConsentReceipt(
        grant=new_id(),
        person=person_id,
        professional=professional_id,
        structure=certified.structure_id,
        purpose=purpose,
        charter_version=int(charter["version"]),
        documents=tuple(shared),
        not_before=start,
        not_after=start + days * DAY,
        max_pulls=max_pulls,
        request=request,
    )
    envelope = sign_statement(receipt.statement(), keys.sign_seed)
    body = {"receipt": envelope, "sealed_keys": sealed}
    granted: dict[str, Any] = client.call("POST", "/grants", json=body).json()
    return granted


def revoke(client: CoffreClient, grant_id: str) -> dict[str, Any]:
    revoked: dict[str, Any] = client.call("POST", f"/grants/{grant_id}/revoke").json()
    return revoked


def shared_with_me(client: CoffreClient) -> list[dict[str, Any]]:
    grants: list[dict[str, Any]] = client.call("GET", "/shared-with-me").json()["grants"]
    return grants


def pull(
    client: CoffreClient,
    keys: AccountKeys,
    grant_id: str,
    document_id: str,
    reason: str | None = None,
) -> PulledCopy:
    """Pull one granted document and decrypt it (recorded and told to the person)."""
    path = f"/grants/{grant_id}/documents/{document_id}/pull"
    response = client.call("POST", path, json={"reason": reason})
    doc_key = open_sealed_key(
        b64decode(response.headers["Coffre-Sealed-Key"]), keys.box_public, keys.box_secret
    )
    metadata = decrypt_metadata(doc_key, b64decode(response.headers["Coffre-Metadata"]))
    left = response.headers.get("Coffre-Pulls-Left")
    return PulledCopy(
        grant_id=grant_id,
        document_id=document_id,
        category=response.headers["Coffre-Category"],
        metadata=metadata,
        content=decrypt_bytes(doc_key, response.content),
        pulls_left=int(left) if left is not None else None,
    )


def pull_stamped(
    client: CoffreClient,
    keys: AccountKeys,
    grant: dict[str, Any],
    document_id: str,
    reason: str | None = None,
    *,
    today: date | None = None,
) -> tuple[PulledCopy, bytes, str]:
    """Pull a granted document and return it with its watermarked copy.

    ``grant`` is the entry of ``shared_with_me``. The copy (PDF, JPEG or PNG) says who
    received it, for which structure and purpose, and when; the decrypted original is
    returned for checks only: callers write the stamped copy, never the original.
    """
    copy = pull(client, keys, str(grant["id"]), document_id, reason)
    text = watermark_text(
        str(grant["professional_name"]),
        str(grant["structure_name"]),
        str(grant["purpose_label"]),
        today or datetime.now(UTC).date(),
    )
    stamped, media_type = stamp_copy(copy.content, copy.metadata.mime, text)
    return copy, stamped, media_type


def ask(
    client: CoffreClient,
    *,
    person_login: str,
    structure_id: str,
    purpose: str,
    category: str,
    message: str | None = None,
    due_on: str | None = None,
) -> str:
    body = {
        "person_login": person_login,
        "structure_id": structure_id,
        "purpose": purpose,
        "category": category,
        "message": message,
        "due_on": due_on,
    }
    return str(client.call("POST", "/requests", json=body).json()["id"])


def decline(client: CoffreClient, request_id: str, word: str | None = None) -> dict[str, Any]:
    answered: dict[str, Any] = client.call(
        "POST", f"/requests/{request_id}/decline", json={"word": word}
    ).json()
    return answered


def deposit(
    client: CoffreClient,
    keys: AccountKeys,
    *,
    depositor_id: str,
    structure_id: str,
    person_id: str,
    category: str,
    name: str,
    mime: str,
    content: bytes,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Encrypt ``content`` to the person and deposit it with a signed statement."""
    box_key = b64decode(
        client.call("GET", f"/persons/{person_id}/box-key").json()["box_public_key"]
    )
    doc_key = new_document_key()
    metadata = DocumentMetadata(
        name=name, mime=mime, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    ciphertext = encrypt_bytes(doc_key, content)
    statement = Deposit(
        document=new_id(),
        person=person_id,
        depositor=depositor_id,
        structure=structure_id,
        category=category,
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        deposited_at=(now or datetime.now(UTC)).replace(microsecond=0),
    ).statement()
    envelope = sign_statement(statement, keys.sign_seed)
    headers = {
        "Content-Type": "application/octet-stream",
        "Coffre-Person": person_id,
        "Coffre-Category": category,
        "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, box_key)),
        "Coffre-Deposit": b64encode(json.dumps(envelope).encode("utf-8")),
    }
    deposited: dict[str, Any] = client.call(
        "POST", "/deposits", content=ciphertext, headers=headers
    ).json()
    return deposited
