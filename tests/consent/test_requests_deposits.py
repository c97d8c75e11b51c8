"""Requests (ask, inbox, approve by sharing, decline, daily limit, expiry) and deposits
(signed origin, the depositor cannot read back, the person verifies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import consent
from client.api import ApiError
from coffre.clock import FrozenClock
from crypto import b64decode, decrypt_bytes, open_sealed_key, verify_statement
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.structures.world import log_in


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def ask(cw: ConsentWorld, login: str = "amina", **fields: object) -> str:
    return consent.ask(
        cw.professional.client(cw.api),
        person_login=login,
        structure_id=cw.world.structure_id,
        purpose=str(fields.get("purpose", RSA)),
        category=str(fields.get("category", "domicile")),
        message="Justificatif de domicile de moins de 3 mois",
    )


def test_a_request_reaches_the_person_who_approves_it_by_sharing(cw: ConsentWorld) -> None:
    request_id = ask(cw)
    [inbox] = cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"]
    assert inbox["id"] == request_id
    assert inbox["professional_name"] == "Mme Dupont"
    assert inbox["purpose_label"] == "Ouverture de droits au RSA"
    assert inbox["message"] == "Justificatif de domicile de moins de 3 mois"
    grant = cw.share([cw.address], request=request_id)
    assert grant["request_id"] == request_id
    assert cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"] == []
    [sent] = cw.api.get("/api/v1/requests", headers=cw.professional.headers).json()["requests"]
    assert sent["status"] == "approved" and sent["grant_id"] == grant["id"]
    # A request answered once cannot be answered again.
    with pytest.raises(ApiError) as again:
        cw.share([cw.address], request=request_id)
    assert again.value.code == "request_not_found"


def test_a_person_declines_with_a_word(cw: ConsentWorld) -> None:
    request_id = ask(cw)
    declined = consent.decline(cw.person.client(cw.api), request_id, "Je l'apporte lundi")
    assert declined["status"] == "declined"
    [sent] = cw.api.get("/api/v1/requests", headers=cw.professional.headers).json()["requests"]
    assert sent["decline_word"] == "Je l'apporte lundi"
    notes = cw.api.get("/api/v1/notifications", headers=cw.professional.headers).json()
    assert any(n["kind"] == "request.declined" for n in notes["notifications"])


def test_a_request_to_nobody_looks_the_same_and_is_never_delivered(cw: ConsentWorld) -> None:
    answer = cw.api.post(
        "/api/v1/requests",
        json={
            "person_login": "personne-inconnue",
            "structure_id": cw.world.structure_id,
            "purpose": RSA,
            "category": "domicile",
        },
        headers=cw.professional.headers,
    )
    known = cw.api.post(
        "/api/v1/requests",
        json={
            "person_login": "amina",
            "structure_id": cw.world.structure_id,
            "purpose": RSA,
            "category": "domicile",
        },
        headers=cw.professional.headers,
    )
    assert answer.status_code == known.status_code == 202
    assert set(answer.json()) == set(known.json()) and answer.json()["status"] == "sent"


def test_a_professional_cannot_flood_a_person(cw: ConsentWorld, clock: FrozenClock) -> None:
    for _ in range(3):
        ask(cw)
    with pytest.raises(ApiError) as flooded:
        ask(cw)
    assert flooded.value.status == 429 and flooded.value.code == "too_many_requests"
    # The same limit for a login that names nobody: the limit reveals nothing either.
    for _ in range(3):
        ask(cw, "personne-inconnue")
    with pytest.raises(ApiError):
        ask(cw, "personne-inconnue")
    clock.advance(days=1, seconds=1)
    log_in(cw.api, cw.professional)
    assert ask(cw)


def test_the_charter_bounds_what_may_be_asked(cw: ConsentWorld) -> None:
    with pytest.raises(ApiError) as refused:
        ask(cw, category="sante")
    assert refused.value.code == "request_refused"
    with pytest.raises(ApiError) as person:
        consent.ask(
            cw.person.client(cw.api),
            person_login="amina",
            structure_id=cw.world.structure_id,
            purpose=RSA,
            category="domicile",
        )
    assert person.value.code == "not_allowed"


def test_requests_expire(cw: ConsentWorld, clock: FrozenClock) -> None:
    request_id = ask(cw)
    clock.advance(days=31)
    log_in(cw.api, cw.person)
    log_in(cw.api, cw.professional)
    assert cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"] == []
    [sent] = cw.api.get("/api/v1/requests", headers=cw.professional.headers).json()["requests"]
    assert sent["id"] == request_id and sent["status"] == "expired"
    declined = cw.api.post(
        f"/api/v1/requests/{request_id}/decline", json={}, headers=cw.person.headers
    )
    assert declined.status_code == 404


def deposit(
    cw: ConsentWorld, content: bytes = b"attestation de domiciliation"
) -> dict[str, object]:
    return consent.deposit(
        cw.professional.client(cw.api),
        cw.professional.keys,
        depositor_id=cw.professional.account_id,
        structure_id=cw.world.structure_id,
        person_id=cw.person.account_id,
        category="domicile",
        name="attestation.pdf",
        mime="application/pdf",
        content=content,
    )


def test_a_deposit_needs_a_link_with_the_person(cw: ConsentWorld) -> None:
    with pytest.raises(ApiError) as unknown:
        deposit(cw)
    assert unknown.value.code == "person_not_found"
    box = cw.api.get(
        f"/api/v1/persons/{cw.person.account_id}/box-key", headers=cw.professional.headers
    )
    assert box.status_code == 404


def test_a_deposited_document_is_the_person_s_and_signed_by_its_depositor(cw: ConsentWorld) -> None:
    cw.share()  # the link: the person shared something with this professional
    deposited = deposit(cw)
    assert "sealed_key" not in deposited and "encrypted_metadata" not in deposited
    documents = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    [doc] = [d for d in documents if d["id"] == deposited["id"]]
    origin = doc["deposit"]
    assert origin["depositor"]["display_name"] == "Mme Dupont"
    assert origin["depositor"]["structure_name"] == "CCAS de Clermont-Ferrand"
    statement = verify_statement(
        origin["envelope"], expected_signer=cw.professional.keys.sign_public
    )
    assert statement["ciphertext_sha256"] == doc["ciphertext_sha256"]
    key = open_sealed_key(
        b64decode(doc["sealed_key"]), cw.person.keys.box_public, cw.person.keys.box_secret
    )
    content = cw.api.get(f"/api/v1/documents/{doc['id']}/content", headers=cw.person.headers)
    assert decrypt_bytes(key, content.content) == b"attestation de domiciliation"
    # The depositor cannot read it back.
    assert (
        cw.api.get(f"/api/v1/documents/{doc['id']}", headers=cw.professional.headers).status_code
        == 404
    )
    notes = cw.api.get("/api/v1/notifications", headers=cw.person.headers).json()["notifications"]
    assert any(
        n["kind"] == "deposit.received" and n["data"]["professional"] == "Mme Dupont" for n in notes
    )


def test_a_deposit_whose_signature_does_not_match_keeps_nothing(cw: ConsentWorld) -> None:
    from crypto import (
        b64encode,
        encrypt_bytes,
        encrypt_metadata,
        new_document_key,
        seal_document_key,
        sign_statement,
    )
    from crypto.consent import Deposit
    from crypto.metadata import DocumentMetadata

    cw.share()
    before = cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    key = new_document_key()
    ciphertext = encrypt_bytes(key, b"vrai contenu")
    now = cw.api.app.state.coffre.clock.now()  # type: ignore[attr-defined]
    statement = Deposit(
        document="b" * 32,
        person=cw.person.account_id,
        depositor=cw.professional.account_id,
        structure=cw.world.structure_id,
        category="domicile",
        ciphertext_sha256="0" * 64,  # not the hash of what is sent
        deposited_at=now,
    ).statement()
    metadata = DocumentMetadata(name="a.pdf", mime="application/pdf", size=12, sha256="0" * 64)
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
    answer = cw.api.post("/api/v1/deposits", content=ciphertext, headers=headers)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_deposit"
    # Signed by someone else.
    headers["Coffre-Deposit"] = b64encode(
        json.dumps(sign_statement(statement, cw.person.keys.sign_seed)).encode()
    )
    answer = cw.api.post("/api/v1/deposits", content=ciphertext, headers=headers)
    assert answer.json()["error"]["code"] == "invalid_deposit"
    assert cw.api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"] == before
    store_dir = cw.api.app.state.coffre.settings.storage_dir  # type: ignore[attr-defined]
    if cw.api.app.state.coffre.settings.storage_backend == "local":  # type: ignore[attr-defined]
        stored = [
            p for p in Path(store_dir).rglob("*") if p.is_file() and not p.name.startswith(".")
        ]
        assert len(stored) == len(before)


def test_notifications_are_marked_read_up_to_one(cw: ConsentWorld) -> None:
    grant = cw.share()
    cw.pull(str(grant["id"]), cw.identity)
    cw.pull(str(grant["id"]), cw.identity)
    notes = cw.api.get("/api/v1/notifications", headers=cw.person.headers).json()
    assert notes["unread"] == 2
    newest = notes["notifications"][0]["id"]
    marked = cw.api.post(
        "/api/v1/notifications/read", json={"up_to": newest}, headers=cw.person.headers
    )
    assert marked.json()["marked"] == 2
    assert cw.api.get("/api/v1/notifications", headers=cw.person.headers).json()["unread"] == 0
    other = cw.api.post(
        "/api/v1/notifications/read", json={"up_to": newest}, headers=cw.professional.headers
    )
    assert other.status_code == 404


def test_a_professional_lists_the_persons_they_may_deposit_for(cw: ConsentWorld) -> None:
    def linked() -> list[str]:
        answer = cw.api.get("/api/v1/persons/linked", headers=cw.professional.headers)
        assert answer.status_code == 200
        return [p["login"] for p in answer.json()["persons"]]

    assert linked() == []
    request_id = ask(cw)
    assert linked() == []  # a pending request links nobody (it reveals no account)
    consent.decline(cw.person.client(cw.api), request_id, None)
    assert linked() == ["amina"]
    assert cw.api.get("/api/v1/persons/linked", headers=cw.person.headers).status_code == 403
    notes = cw.api.get("/api/v1/notifications", headers=cw.professional.headers).json()
    [declined] = [n for n in notes["notifications"] if n["kind"] == "request.declined"]
    assert declined["data"]["person"] == "amina" and declined["data"]["category"] == "domicile"
