"""Consent in format v2 (SPEC §24.3, §24.5; the v2 contract): a v2 receipt kept as the
text the person signed and checked against each document's binding, what the
professional gets to check it, v2 deposits that are the document's binding, and v1
receipts and deposits refused once the person writes v2."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crypto import (
    b64decode,
    b64encode,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    open_sealed_key,
    seal_document_key,
    sign_statement,
)
from crypto.binding import open_document
from crypto.consent import ConsentReceipt, Deposit, SharedDocument
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2
from crypto.metadata import DocumentMetadata
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.factories_v2 import (
    DocumentV2,
    deposit_v2,
    document_v2,
    migrate_all,
    migrate_document,
    receipt_v2,
    switch_to_v2,
    upload_v2,
)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _v2_identity(cw: ConsentWorld) -> DocumentV2:
    document = document_v2(
        cw.person, cw.person.account_id, b"carte d'identite v2" * 50, category="identite"
    )
    upload_v2(cw.api, cw.person, document)
    return document


def _receipt(cw: ConsentWorld, document: DocumentV2, **entry: Any) -> tuple[str, str]:
    """A v2 receipt sharing ``document`` with Mme Dupont for RSA; (grant id, JSON text)."""
    now = cw.api.app.state.coffre.clock.now()  # type: ignore[attr-defined]
    parts = document.parts
    shared = SharedDocumentV2(
        id=document.document_id,
        version=entry.get("version", parts.version),
        key_commitment=entry.get("key_commitment", parts.key_commitment),
        ciphertext_sha256=entry.get("ciphertext_sha256", parts.ciphertext_sha256),
    )
    grant_id = secrets.token_hex(16)
    statement = ConsentReceiptV2(
        grant=grant_id,
        person=cw.person.account_id,
        professional=cw.professional.account_id,
        structure=cw.world.structure_id,
        purpose=RSA,
        charter_version=1,
        documents=(shared,),
        not_before=now,
        not_after=now + timedelta(days=3),
        max_pulls=None,
        request=None,
    ).statement()
    return grant_id, receipt_v2(cw.person, statement)


def _share_v2(cw: ConsentWorld, document: DocumentV2, text: str) -> Any:
    sealed = seal_document_key(document.doc_key, cw.professional.keys.box_public)
    return cw.api.post(
        "/api/v1/grants",
        json={"receipt_json": text, "sealed_keys": {document.document_id: b64encode(sealed)}},
        headers=cw.person.headers,
    )


def test_a_v2_receipt_is_kept_as_signed_and_the_professional_can_check_everything(
    cw: ConsentWorld,
) -> None:
    document = _v2_identity(cw)
    grant_id, text = _receipt(cw, document)

    created = _share_v2(cw, document, text)

    assert created.status_code == 201, created.text
    [grant] = cw.api.get("/api/v1/shared-with-me", headers=cw.professional.headers).json()["grants"]
    assert grant["id"] == grant_id
    assert grant["receipt"] == text  # the text the person signed, byte for byte
    assert b64decode(grant["person_sign_public_key"]) == cw.person.keys.sign_public
    [shared] = grant["documents"]
    assert (shared["version"], shared["binding"]) == (1, document.binding)
    assert shared["binding_signer"] == b64encode(cw.person.keys.sign_public)
    pulled = cw.pull(grant_id, document.document_id)
    assert pulled.status_code == 200, pulled.text
    assert b64decode(pulled.headers["coffre-binding"]).decode() == document.binding
    assert pulled.headers["coffre-document-version"] == "1"
    # What the professional's client does with it (SPEC §24.4), min_version from the receipt.
    opened = open_document(
        envelope=json.loads(b64decode(pulled.headers["coffre-binding"])),
        signer=b64decode(grant["person_sign_public_key"]),
        document=document.document_id,
        owner=cw.person.account_id,
        min_version=1,
        sealed_key=b64decode(pulled.headers["coffre-sealed-key"]),
        box_public=cw.professional.keys.box_public,
        box_secret=cw.professional.keys.box_secret,
        metadata_blob=b64decode(pulled.headers["coffre-metadata"]),
        stream=pulled.content,
    )
    assert opened.plaintext == document.plaintext


@pytest.mark.parametrize("member", ["version", "key_commitment", "ciphertext_sha256"])
def test_a_v2_receipt_that_does_not_name_the_document_s_binding_is_refused(
    cw: ConsentWorld, member: str
) -> None:
    document = _v2_identity(cw)
    other = {"version": 2, "key_commitment": bytes(32), "ciphertext_sha256": "0" * 64}[member]
    _, text = _receipt(cw, document, **{member: other})

    refused = _share_v2(cw, document, text)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "document_changed"
    assert cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"] == []


def test_a_v2_receipt_for_an_unbound_v1_document_is_refused(cw: ConsentWorld) -> None:
    listed = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    [v1] = [d for d in listed if d["id"] == cw.identity]
    if v1["binding"] is not None:
        pytest.skip("the world's client already uploads v2")
    document = _v2_identity(cw)
    _, text = _receipt(cw, document)
    text = text.replace(document.document_id, cw.identity)  # breaks the signature too

    refused = _share_v2(cw, document, text)

    assert refused.json()["error"]["code"] in {"invalid_receipt", "invalid_sealed_key"}


def test_a_v2_receipt_signed_by_another_key_is_refused(cw: ConsentWorld) -> None:
    document = _v2_identity(cw)
    _, text = _receipt(cw, document)
    envelope = json.loads(text)
    forged = receipt_v2(cw.professional, envelope["statement"])

    refused = _share_v2(cw, document, forged)

    assert refused.json()["error"]["code"] == "invalid_receipt"


def test_once_the_person_writes_v2_a_v1_receipt_is_refused(cw: ConsentWorld) -> None:
    doc = cw.api.get(f"/api/v1/documents/{cw.identity}", headers=cw.person.headers).json()
    start = cw.api.app.state.coffre.clock.now()  # type: ignore[attr-defined]
    receipt = ConsentReceipt(
        grant=secrets.token_hex(16),
        person=cw.person.account_id,
        professional=cw.professional.account_id,
        structure=cw.world.structure_id,
        purpose=RSA,
        charter_version=1,
        documents=(SharedDocument(cw.identity, doc["ciphertext_sha256"]),),
        not_before=start,
        not_after=start + timedelta(days=3),
        max_pulls=None,
        request=None,
    )
    key = open_sealed_key(
        b64decode(doc["sealed_key"]), cw.person.keys.box_public, cw.person.keys.box_secret
    )
    body = {
        "receipt": sign_statement(receipt.statement(), cw.person.keys.sign_seed),
        "sealed_keys": {
            cw.identity: b64encode(seal_document_key(key, cw.professional.keys.box_public))
        },
    }
    migrate_all(cw.api, cw.person, cw.person.account_id)
    assert switch_to_v2(cw.api, cw.person)["crypto_format"] == 2

    refused = cw.api.post("/api/v1/grants", json=body, headers=cw.person.headers)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "format_v1_refused"
    assert cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"] == []


def test_a_v2_deposit_is_the_document_s_binding(cw: ConsentWorld) -> None:
    cw.share()  # the link that allows a deposit
    deposit = _deposit(cw)

    stored = cw.api.post("/api/v1/deposits", content=deposit.ciphertext, headers=deposit.headers)

    assert stored.status_code == 201, stored.text
    assert stored.json()["id"] == deposit.document_id
    listed = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    [doc] = [d for d in listed if d["id"] == deposit.document_id]
    assert (doc["format"], doc["version"], doc["binding"]) == (2, 1, deposit.envelope)
    assert doc["binding_signer"] == b64encode(cw.professional.keys.sign_public)
    assert doc["deposit"]["depositor"]["display_name"] == "Mme Dupont"
    key = open_sealed_key(
        b64decode(doc["sealed_key"]), cw.person.keys.box_public, cw.person.keys.box_secret
    )
    content = cw.api.get(
        f"/api/v1/documents/{deposit.document_id}/content", headers=cw.person.headers
    ).content
    opened = open_document(
        envelope=json.loads(doc["binding"]),
        signer=cw.professional.keys.sign_public,
        document=deposit.document_id,
        owner=cw.person.account_id,
        min_version=1,
        sealed_key=b64decode(doc["sealed_key"]),
        box_public=cw.person.keys.box_public,
        box_secret=cw.person.keys.box_secret,
        metadata_blob=b64decode(doc["encrypted_metadata"]),
        stream=content,
    )
    assert key == deposit.doc_key
    assert opened.plaintext == b"attestation de domiciliation"


def _deposit(cw: ConsentWorld, **changes: Any) -> Any:
    return deposit_v2(
        cw.professional,
        depositor_id=cw.professional.account_id,
        structure_id=cw.world.structure_id,
        person_id=cw.person.account_id,
        person_box_public=cw.person.keys.box_public,
        deposited_at=cw.api.app.state.coffre.clock.now(),  # type: ignore[attr-defined]
        **changes,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"metadata_sha256": "0" * 64},
        {"header_sha256": "1" * 64},
        {"ciphertext_sha256": "2" * 64},
        {"owner": "c" * 32},
    ],
    ids=["version", "metadata", "header", "ciphertext", "owner"],
)
def test_a_v2_deposit_that_does_not_match_what_is_sent_keeps_nothing(
    cw: ConsentWorld, change: dict[str, Any]
) -> None:
    cw.share()
    before = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    deposit = _deposit(cw, **change)

    refused = cw.api.post("/api/v1/deposits", content=deposit.ciphertext, headers=deposit.headers)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_deposit"
    after = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    assert after == before
    store = cw.api.app.state.coffre.store  # type: ignore[attr-defined]
    assert len(list(store.list_objects())) == len(before)


def test_a_v1_deposit_into_a_v2_vault_is_refused_and_v1_documents_stay_readable(
    cw: ConsentWorld,
) -> None:
    cw.share()
    accepted_before = _v1_deposit(cw)
    migrate_all(cw.api, cw.person, cw.person.account_id)
    switch_to_v2(cw.api, cw.person)

    refused = _v1_deposit(cw)

    assert accepted_before.status_code == 201, accepted_before.text
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "format_v1_refused"
    listed = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    assert len(listed) == 4  # three of the world's and the v1 deposit, kept as v1
    for item in listed:
        got = cw.api.get(f"/api/v1/documents/{item['id']}/content", headers=cw.person.headers)
        assert got.status_code == 200


def _v1_deposit(cw: ConsentWorld) -> Any:
    """A v1 deposit, made by hand (SPEC §16) so that it stays v1 whatever the client does."""
    key = new_document_key()
    content = b"attestation v1"
    ciphertext = encrypt_bytes(key, content)
    statement = Deposit(
        document=secrets.token_hex(16),
        person=cw.person.account_id,
        depositor=cw.professional.account_id,
        structure=cw.world.structure_id,
        category="domicile",
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        deposited_at=cw.api.app.state.coffre.clock.now(),  # type: ignore[attr-defined]
    ).statement()
    metadata = DocumentMetadata(
        name="a.pdf",
        mime="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    headers = {
        **cw.professional.headers,
        "Content-Type": "application/octet-stream",
        "Coffre-Person": cw.person.account_id,
        "Coffre-Category": "domicile",
        "Coffre-Metadata": b64encode(encrypt_metadata(key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(key, cw.person.keys.box_public)),
        "Coffre-Deposit": b64encode(
            json.dumps(sign_statement(statement, cw.professional.keys.sign_seed)).encode()
        ),
    }
    return cw.api.post("/api/v1/deposits", content=ciphertext, headers=headers)


def test_a_v1_deposit_keeps_its_depositor_s_signature_and_does_not_block_the_switch(
    cw: ConsentWorld,
) -> None:
    cw.share()
    deposited = _v1_deposit(cw)
    assert deposited.status_code == 201, deposited.text
    document_id = deposited.json()["id"]
    listed = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    [item] = [d for d in listed if d["id"] == document_id]
    binding = migrate_document(cw.api, cw.person, cw.person.account_id, item)

    refused = cw.api.put(
        f"/api/v1/documents/{document_id}/binding",
        json={"binding": binding},
        headers=cw.person.headers,
    )
    migrate_all(cw.api, cw.person, cw.person.account_id)
    switched = cw.api.post(
        "/api/v1/me/crypto-format", json={"format": 2}, headers=cw.person.headers
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "deposit_keeps_signature"
    assert switched.status_code == 200, switched.text
    listed = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    [after] = [d for d in listed if d["id"] == document_id]
    assert (after["format"], after["version"], after["binding"]) == (1, None, None)
    assert after["deposit"]["envelope"]["statement"]["v"] == 1


def test_a_professional_who_writes_v2_makes_no_v1_deposit(cw: ConsentWorld) -> None:
    cw.share()
    switch_to_v2(cw.api, cw.professional)

    refused = _v1_deposit(cw)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "format_v1_refused"
    deposit = _deposit(cw)
    accepted = cw.api.post("/api/v1/deposits", content=deposit.ciphertext, headers=deposit.headers)
    assert accepted.status_code == 201, accepted.text
