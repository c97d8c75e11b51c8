"""Consent from a client: share documents with a verified professional, revoke, pull a
granted document, ask for one, answer a request, deposit (docs/CONSENT.md, SPEC §16,
and in format v2 SPEC §24.3, §24.5).

Everything secret happens here: the professional's keys are verified up to the pinned
root before a document key is sealed to them; the consent receipt and the deposit
statement are signed with the caller's own sign key.

Format v2: a v2 account's receipt names each document's version, key commitment and
ciphertext hash, taken from its binding after the owner's client checked it. The
professional's client verifies the receipt under the person's sign key — trusted on
first use and remembered per person (client/memory.py); a changed key opens nothing
until the professional compared the person's pin (SPEC §25) and confirmed it — then
the document's binding under the same key, at least the receipt's version, with the
receipt's commitment and ciphertext hash (SPEC §24.4). Deposits are v2 statements
binding the document (SPEC §24.3).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from client.api import ApiError, CoffreClient
from client.documents_v2 import (
    OwnerReader,
    SealedV2,
    envelope_text,
    header_envelope,
    read_envelope,
    seal_v2,
    v2_metadata,
)
from client.network import trusted_keys
from client.watermark import stamp_copy, watermark_text
from crypto import (
    AccountKeys,
    DocumentMetadata,
    DocumentMetadataV2,
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
    verify_statement,
)
from crypto.binding import deposit_statement, open_document, open_document_stream
from crypto.consent import ConsentReceipt, Deposit, SharedDocument, read_receipt
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2, read_receipt_v2
from crypto.errors import BindingError
from crypto.pins import matches_pin, pin_spoken
from crypto.statements_v2 import CONSENT_RECEIPT, sign_statement_v2, verify_statement_v2

DAY = timedelta(days=1)


@dataclass(frozen=True)
class PulledCopy:
    """A granted document, decrypted: the stored content, never altered."""

    grant_id: str
    document_id: str
    category: str
    metadata: DocumentMetadata | DocumentMetadataV2
    content: bytes
    pulls_left: int | None
    version: int | None = None  # the binding's version (format v2), else None


class PersonKeyChanged(ApiError):
    """The person's sign key is not the one this device trusted: nothing opens until
    the professional compared the new pin with the person's phone and confirmed it.
    Raised locally, never sent."""

    def __init__(self, person_id: str, new_key: bytes) -> None:
        super().__init__(
            0,
            "person_key_changed",
            "La clé de signature de cette personne a changé depuis votre dernier échange : "
            "rien ne s'ouvre avant que vous l'ayez vérifiée. Demandez-lui le code affiché "
            f"sur son téléphone et comparez-le à celui-ci : {pin_spoken(new_key)}. "
            f"S'ils sont identiques, confirmez : coffre confirm-person {person_id} "
            '--pin "CODE".',
        )
        self.person_id = person_id
        self.new_key = new_key


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
    relay_id: str | None = None,
) -> dict[str, Any]:
    """Share documents with a professional whose keys verify up to ``pinned_root``
    (``relay_id``: a grant scoped to a relay that professional took, client/relays.py)."""
    certified = trusted_keys(client, professional_id, pinned_root)
    if certified.structure_id is None:
        raise ValueError("this account is not a member of a structure")
    charter = client.call("GET", "/charters/current").json()
    documents = {d["id"]: d for d in client.call("GET", "/documents").json()["documents"]}
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    if client.crypto_format() == 2:
        return _share_v2(
            client,
            keys,
            documents,
            certified.box_public,
            grant=ConsentReceiptV2(
                grant=new_id(),
                person=person_id,
                professional=professional_id,
                structure=certified.structure_id,
                purpose=purpose,
                charter_version=int(charter["version"]),
                documents=(),
                not_before=start,
                not_after=start + days * DAY,
                max_pulls=max_pulls,
                request=request,
            ),
            document_ids=sorted(set(document_ids)),
            relay_id=relay_id,
        )
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
    body: dict[str, Any] = {"receipt": envelope, "sealed_keys": sealed}
    if relay_id is not None:
        body["relay_id"] = relay_id
    granted: dict[str, Any] = client.call("POST", "/grants", json=body).json()
    return granted


def _share_v2(
    client: CoffreClient,
    keys: AccountKeys,
    documents: dict[str, dict[str, Any]],
    professional_box_key: bytes,
    *,
    grant: ConsentReceiptV2,
    document_ids: list[str],
    relay_id: str | None = None,
) -> dict[str, Any]:
    """A v2 receipt (SPEC §24.5): each document's binding is checked as the owner reads
    it, and the receipt names the version, commitment and ciphertext hash it signs."""
    reader = OwnerReader(client, keys)
    shared, sealed = [], {}
    for document_id in document_ids:
        doc = documents[document_id]
        opened = reader.open(doc)
        if opened.parts is None:
            # A v1 deposit kept as v1 has no binding to name: it is re-encrypted (and so
            # bound by the person) before it can be shared in v2.
            client.rekey(document_id, keys)
            doc = client.call("GET", f"/documents/{document_id}").json()
            opened = reader.open(doc)
        assert opened.parts is not None
        sealed[document_id] = b64encode(seal_document_key(opened.doc_key, professional_box_key))
        shared.append(
            SharedDocumentV2(
                document_id,
                opened.parts.version,
                opened.parts.key_commitment,
                opened.parts.ciphertext_sha256,
            )
        )
    receipt = replace(grant, documents=tuple(shared))
    envelope = sign_statement_v2(receipt.statement(), keys.sign_seed)
    body: dict[str, Any] = {"receipt_json": envelope_text(envelope), "sealed_keys": sealed}
    if relay_id is not None:
        body["relay_id"] = relay_id
    granted: dict[str, Any] = client.call("POST", "/grants", json=body).json()
    return granted


def revoke(client: CoffreClient, grant_id: str) -> dict[str, Any]:
    revoked: dict[str, Any] = client.call("POST", f"/grants/{grant_id}/revoke").json()
    return revoked


def shared_with_me(client: CoffreClient) -> list[dict[str, Any]]:
    grants: list[dict[str, Any]] = client.call("GET", "/shared-with-me").json()["grants"]
    return grants


def _receipt_version(grant: dict[str, Any]) -> int:
    text = grant.get("receipt")
    if not isinstance(text, str):
        return 1
    statement = json.loads(text).get("statement")
    return 2 if isinstance(statement, dict) and statement.get("v") == 2 else 1


def person_key(client: CoffreClient, grant: dict[str, Any]) -> bytes:
    """The person's sign key for this grant: the one this device trusts (SPEC §25);
    the first time, the one the server gives, then remembered. A different one raises
    PersonKeyChanged."""
    me = client.account_id()
    person_id = str(grant["person_id"])
    given = b64decode(str(grant["person_sign_public_key"]))
    known = client.memory.person_key(me, person_id)
    if known is None:
        client.memory.trust_person_key(me, person_id, given)
        return given
    if known != given:
        raise PersonKeyChanged(person_id, given)
    return known


def confirm_person_key(client: CoffreClient, person_id: str, pin: str) -> bytes:
    """Trust the person's current sign key once its pin (read aloud or scanned from the
    person's phone) matches; raises ValueError if it does not."""
    for grant in shared_with_me(client):
        if str(grant["person_id"]) == person_id and grant.get("person_sign_public_key"):
            key = b64decode(str(grant["person_sign_public_key"]))
            if not matches_pin(key, pin):
                raise ValueError("the pin does not match this person's key")
            client.memory.trust_person_key(client.account_id(), person_id, key)
            return key
    raise ValueError("no grant from this person")


def person_pin(grant: dict[str, Any]) -> str | None:
    """The spoken pin of the person's sign key (SPEC §25.3), to compare face to face."""
    key = grant.get("person_sign_public_key")
    return None if not key else pin_spoken(b64decode(str(key)))


def verified_receipt(client: CoffreClient, grant: dict[str, Any]) -> ConsentReceiptV2:
    """The grant's v2 receipt, verified under the person's trusted key and naming this
    grant, this person and me."""
    signer = person_key(client, grant)
    statement = verify_statement_v2(read_envelope(str(grant["receipt"])), signer, CONSENT_RECEIPT)
    receipt = read_receipt_v2(statement)
    if (
        receipt.grant != str(grant["id"])
        or receipt.person != str(grant["person_id"])
        or receipt.professional != client.account_id()
    ):
        raise BindingError("the receipt names another grant, person or professional")
    return receipt


def pull(
    client: CoffreClient,
    keys: AccountKeys,
    grant_id: str,
    document_id: str,
    reason: str | None = None,
    *,
    grant: dict[str, Any] | None = None,
) -> PulledCopy:
    """Pull one granted document and decrypt it (recorded and told to the person).

    ``grant``: the entry of ``shared_with_me`` (fetched if not given). A v2 grant is
    checked as SPEC §24.4 and §24.5 say before anything is returned."""
    if grant is None:
        grant = next((g for g in shared_with_me(client) if str(g["id"]) == grant_id), None)
    if grant is not None and _receipt_version(grant) == 2:
        return _pull_v2(client, keys, grant, document_id, reason)
    expected = _v1_receipt_entry(client, grant, document_id) if grant is not None else None
    path = f"/grants/{grant_id}/documents/{document_id}/pull"
    response = client.call("POST", path, json={"reason": reason})
    headers = response.headers
    if expected is not None and hashlib.sha256(response.content).hexdigest() != expected:
        raise BindingError("the document is not the one the person shared")
    version = None
    if "Coffre-Binding" in headers and grant is not None:
        # Shared in v1, bound since (the person migrated): the binding is checked too.
        opened = open_document(
            envelope=header_envelope(headers["Coffre-Binding"]),
            signer=person_key(client, grant),
            document=document_id,
            owner=str(grant["person_id"]),
            min_version=client.memory.min_version(client.account_id(), document_id),
            sealed_key=b64decode(headers["Coffre-Sealed-Key"]),
            box_public=keys.box_public,
            box_secret=keys.box_secret,
            metadata_blob=b64decode(headers["Coffre-Metadata"]),
            stream=response.content,
        )
        metadata: DocumentMetadata | DocumentMetadataV2 = opened.metadata
        content = opened.plaintext
        version = opened.parts.version
        client.memory.saw(client.account_id(), document_id, version)
    else:
        doc_key = open_sealed_key(
            b64decode(headers["Coffre-Sealed-Key"]), keys.box_public, keys.box_secret
        )
        metadata = decrypt_metadata(doc_key, b64decode(headers["Coffre-Metadata"]))
        content = decrypt_bytes(doc_key, response.content)
        if len(content) != metadata.size or hashlib.sha256(content).hexdigest() != metadata.sha256:
            raise BindingError("the metadata does not describe this content")
    left = headers.get("Coffre-Pulls-Left")
    return PulledCopy(
        grant_id=grant_id,
        document_id=document_id,
        category=headers["Coffre-Category"],
        metadata=metadata,
        content=content,
        pulls_left=int(left) if left is not None else None,
        version=version,
    )


def _v1_receipt_entry(client: CoffreClient, grant: dict[str, Any], document_id: str) -> str | None:
    """A v1 receipt verified as v1 (SPEC §16) under the person's trusted key, when the
    server gives the receipt and the key: the ciphertext hash it names for the document
    (None when the server gives neither: a server from before format v2)."""
    text, key = grant.get("receipt"), grant.get("person_sign_public_key")
    if not isinstance(text, str) or not key:
        return None
    statement = read_receipt(
        verify_statement(json.loads(text), expected_signer=person_key(client, grant))
    )
    if (
        statement.grant != str(grant["id"])
        or statement.person != str(grant["person_id"])
        or statement.professional != client.account_id()
    ):
        raise BindingError("the receipt names another grant, person or professional")
    for shared in statement.documents:
        if shared.id == document_id:
            return str(shared.ciphertext_sha256)
    raise BindingError("the receipt does not name this document")


def _pull_v2(
    client: CoffreClient,
    keys: AccountKeys,
    grant: dict[str, Any],
    document_id: str,
    reason: str | None,
) -> PulledCopy:
    receipt = verified_receipt(client, grant)
    entry = next((d for d in receipt.documents if d.id == document_id), None)
    if entry is None:
        raise BindingError("the receipt does not name this document")
    me = client.account_id()
    path = f"/grants/{receipt.grant}/documents/{document_id}/pull"
    with client.stream("POST", path, json={"reason": reason}) as response:
        headers = response.headers
        if "Coffre-Binding" not in headers:
            raise BindingError("a document shared in format v2 comes with its binding")
        reader = open_document_stream(
            envelope=header_envelope(headers["Coffre-Binding"]),
            signer=person_key(client, grant),
            document=document_id,
            owner=receipt.person,
            min_version=max(entry.version, client.memory.min_version(me, document_id)),
            sealed_key=b64decode(headers["Coffre-Sealed-Key"]),
            box_public=keys.box_public,
            box_secret=keys.box_secret,
            metadata_blob=b64decode(headers["Coffre-Metadata"]),
            stream=response.iter_bytes(),
        )
        if (
            reader.parts.key_commitment != entry.key_commitment
            or reader.parts.ciphertext_sha256 != entry.ciphertext_sha256
        ):
            raise BindingError("the document is not the one the person shared")
        content = b"".join(reader.plaintext)
        left = headers.get("Coffre-Pulls-Left")
        category = headers["Coffre-Category"]
    client.memory.saw(me, document_id, reader.parts.version)
    return PulledCopy(
        grant_id=receipt.grant,
        document_id=document_id,
        category=category,
        metadata=reader.metadata,
        content=content,
        pulls_left=int(left) if left is not None else None,
        version=reader.parts.version,
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
    copy = pull(client, keys, str(grant["id"]), document_id, reason, grant=grant)
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
    crypto_format: int | None = None,
) -> dict[str, Any]:
    """Encrypt ``content`` to the person and deposit it with a signed statement.

    ``crypto_format``: 2 for a v2 deposit bound to the document (SPEC §24.3), 1 for a
    v1 statement (SPEC §16); by default the depositor's own account format, and v2
    anyway when the person's vault refuses v1 (``format_v1_refused``)."""
    box_key = b64decode(
        client.call("GET", f"/persons/{person_id}/box-key").json()["box_public_key"]
    )
    chosen = crypto_format if crypto_format is not None else client.crypto_format()
    if chosen == 1:
        try:
            return _deposit_v1(
                client,
                keys,
                box_key,
                depositor_id=depositor_id,
                structure_id=structure_id,
                person_id=person_id,
                category=category,
                name=name,
                mime=mime,
                content=content,
                now=now,
            )
        except ApiError as exc:
            if crypto_format == 1 or exc.code != "format_v1_refused":
                raise
    return _deposit_v2(
        client,
        keys,
        box_key,
        depositor_id=depositor_id,
        structure_id=structure_id,
        person_id=person_id,
        category=category,
        metadata=v2_metadata(name, mime, len(content), hashlib.sha256(content).hexdigest()),
        content=content,
        now=now,
    )


def _deposit_v1(
    client: CoffreClient,
    keys: AccountKeys,
    box_key: bytes,
    *,
    depositor_id: str,
    structure_id: str,
    person_id: str,
    category: str,
    name: str,
    mime: str,
    content: bytes,
    now: datetime | None,
) -> dict[str, Any]:
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


def deposit_v2_headers(
    sealed: SealedV2,
    box_key: bytes,
    sign_seed: bytes,
    *,
    depositor_id: str,
    structure_id: str,
    person_id: str,
    category: str,
    now: datetime | None,
) -> dict[str, str]:
    """The headers of a v2 deposit (SPEC §24.3): a fresh document id, the document key
    sealed to the person's box key, and the deposit statement signed by the depositor.
    The session client and the partner's client (client/partner.py) send the same."""
    document_id = new_id()
    statement = deposit_statement(
        sealed.parts(document_id, 1, person_id),
        depositor=depositor_id,
        structure=structure_id,
        category=category,
        deposited_at=(now or datetime.now(UTC)).replace(microsecond=0),
    )
    envelope = sign_statement_v2(statement, sign_seed)
    return {
        "Content-Type": "application/octet-stream",
        "Content-Length": str(sealed.stream.size),
        "Coffre-Document-Id": document_id,
        "Coffre-Person": person_id,
        "Coffre-Category": category,
        "Coffre-Metadata": b64encode(sealed.metadata_blob),
        "Coffre-Sealed-Key": b64encode(seal_document_key(sealed.doc_key, box_key)),
        "Coffre-Deposit": b64encode(envelope_text(envelope).encode("utf-8")),
    }


def _deposit_v2(
    client: CoffreClient,
    keys: AccountKeys,
    box_key: bytes,
    *,
    depositor_id: str,
    structure_id: str,
    person_id: str,
    category: str,
    metadata: DocumentMetadataV2,
    content: bytes,
    now: datetime | None,
) -> dict[str, Any]:
    sealed = seal_v2([content], metadata)
    try:
        headers = deposit_v2_headers(
            sealed,
            box_key,
            keys.sign_seed,
            depositor_id=depositor_id,
            structure_id=structure_id,
            person_id=person_id,
            category=category,
            now=now,
        )
        deposited: dict[str, Any] = client.call(
            "POST", "/deposits", content=sealed.stream.chunks(), headers=headers
        ).json()
    finally:
        sealed.stream.close()
    return deposited
