"""Grants through the API: share, pull, revoke, re-encrypt, expiry, notifications."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import consent
from client.api import ApiError
from coffre.clock import FrozenClock
from crypto import b64decode, open_sealed_key
from crypto.consent import ConsentReceipt, SharedDocument
from tests.consent.world import MDPH, ConsentWorld, build_consent_world
from tests.structures.world import log_in


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def identity_receipt(cw: ConsentWorld, grant_id: str) -> tuple[dict[str, Any], ConsentReceipt]:
    """The identity document as the person's client reads it, and an unsigned receipt
    sharing it with Mme Dupont for three days from now (for hand-made requests)."""
    doc = cw.api.get(f"/api/v1/documents/{cw.identity}", headers=cw.person.headers).json()
    start = cw.api.app.state.coffre.clock.now()  # type: ignore[attr-defined]
    receipt = ConsentReceipt(
        grant=grant_id,
        person=cw.person.account_id,
        professional=cw.professional.account_id,
        structure=cw.world.structure_id,
        purpose="ouverture-droits-rsa",
        charter_version=1,
        documents=(SharedDocument(cw.identity, doc["ciphertext_sha256"]),),
        not_before=start,
        not_after=start + timedelta(days=3),
        max_pulls=None,
        request=None,
    )
    return doc, receipt


def test_a_shared_document_opens_for_the_professional_and_the_person_is_told(
    cw: ConsentWorld,
) -> None:
    grant = cw.share([cw.identity, cw.address])
    assert grant["state"] == "active"
    assert grant["professional_name"] == "Mme Dupont"
    assert grant["purpose_label"] == "Ouverture de droits au RSA"
    assert {d["id"] for d in grant["documents"]} == {cw.identity, cw.address}

    [shared] = consent.shared_with_me(cw.professional.client(cw.api))
    assert shared["id"] == grant["id"] and shared["person_login"] == "amina"
    assert shared["blocked"] is None

    copy = consent.pull(
        cw.professional.client(cw.api), cw.professional.keys, str(grant["id"]), cw.identity
    )
    assert copy.content == b"carte d'identite" * 100
    assert copy.category == "identite"

    notes = cw.api.get("/api/v1/notifications", headers=cw.person.headers).json()
    [pulled] = [n for n in notes["notifications"] if n["kind"] == "document.pulled"]
    assert pulled["data"]["professional"] == "Mme Dupont"
    assert pulled["data"]["structure"] == "CCAS de Clermont-Ferrand"
    assert pulled["data"]["document"] == cw.identity
    assert notes["unread"] == 1


def test_the_receipt_is_kept_as_the_person_signed_it(cw: ConsentWorld) -> None:
    from coffre.consent.models import Grant
    from crypto import verify_statement

    grant = cw.share()
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        row = db.get(Grant, grant["id"])
        assert row is not None
        import json

        envelope = json.loads(row.receipt)
    statement = verify_statement(envelope, expected_signer=cw.person.keys.sign_public)
    assert statement["documents"][0]["id"] == cw.identity
    assert statement["charter_version"] == 1


def test_revoking_ends_pulls_at_once_and_deletes_the_keys(cw: ConsentWorld) -> None:
    grant = cw.share()
    gid = str(grant["id"])
    assert cw.pull(gid, cw.identity).status_code == 200
    revoked = cw.api.post(f"/api/v1/grants/{gid}/revoke", headers=cw.person.headers)
    assert revoked.json()["state"] == "revoked"
    refused = cw.pull(gid, cw.identity)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "grant_not_active"
    assert "retiré" in refused.json()["error"]["message"]
    assert consent.shared_with_me(cw.professional.client(cw.api)) == []
    # Revoking twice is harmless.
    again = cw.api.post(f"/api/v1/grants/{gid}/revoke", headers=cw.person.headers)
    assert again.status_code == 200 and again.json()["state"] == "revoked"


def test_an_expired_grant_is_refused_without_any_job(cw: ConsentWorld, clock: FrozenClock) -> None:
    # The grant starts on the server's clock (the frozen one), not the real one: building
    # the world can take seconds on a busy machine, and a start taken from the real
    # clock would then end after the moment this test moves to.
    grant = cw.share(days=1, now=clock.now())
    clock.advance(days=1, seconds=1)
    log_in(cw.api, cw.professional)  # sessions last hours, not days
    log_in(cw.api, cw.person)
    refused = cw.pull(str(grant["id"]), cw.identity)
    assert refused.status_code == 403
    assert "expiré" in refused.json()["error"]["message"]
    [listed] = cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"]
    assert listed["state"] == "expired"
    # The clean-up job then deletes the sealed keys.
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    assert coffre.grants.clean_expired() == 1
    assert coffre.grants.clean_expired() == 0


def test_max_pulls_exhausts_a_grant(cw: ConsentWorld) -> None:
    grant = cw.share(max_pulls=2)
    gid = str(grant["id"])
    first = cw.pull(gid, cw.identity)
    assert first.headers["Coffre-Pulls-Left"] == "1"
    assert cw.pull(gid, cw.identity).headers["Coffre-Pulls-Left"] == "0"
    refused = cw.pull(gid, cw.identity)
    assert refused.status_code == 403
    assert "nombre de consultations" in refused.json()["error"]["message"]


def test_a_reason_is_required_when_the_charter_says_so(cw: ConsentWorld) -> None:
    grant = cw.share([cw.health], purpose=MDPH)
    gid = str(grant["id"])
    missing = cw.pull(gid, cw.health)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "reason_required"
    assert cw.pull(gid, cw.health, "ok").status_code == 422  # too short
    assert cw.pull(gid, cw.health, "Dossier MDPH de mars").status_code == 200
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    from coffre.consent.models import Pull

    with coffre.db.unit_of_work() as db:
        [row] = db.query(Pull).all()
        assert row.reason == "Dossier MDPH de mars"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"days": 31}, "grant_refused", "limite un partage à 30 jours"),
        ({"purpose": MDPH}, "grant_refused", "ne permet pas de partager un document"),
    ],
)
def test_the_charter_refuses_what_does_not_fit_in_plain_words(
    cw: ConsentWorld, change: dict[str, object], code: str, words: str
) -> None:
    with pytest.raises(ApiError) as refused:
        cw.share([cw.address], **change)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert words in str(refused.value)
    assert cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"] == []


def test_a_forged_or_tampered_receipt_is_refused(cw: ConsentWorld) -> None:
    from crypto import sign_statement

    doc, receipt = identity_receipt(cw, "a" * 32)
    key = doc["sealed_key"]
    # Signed by someone else (the professional) instead of the person.
    forged = sign_statement(receipt.statement(), cw.professional.keys.sign_seed)
    answer = cw.api.post(
        "/api/v1/grants",
        json={"receipt": forged, "sealed_keys": {cw.identity: key}},
        headers=cw.person.headers,
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_receipt"
    # Tampered after signing.
    signed = sign_statement(receipt.statement(), cw.person.keys.sign_seed)
    signed["statement"]["not_after"] = "2099-01-01T00:00:00Z"
    answer = cw.api.post(
        "/api/v1/grants",
        json={"receipt": signed, "sealed_keys": {cw.identity: key}},
        headers=cw.person.headers,
    )
    assert answer.json()["error"]["code"] == "invalid_receipt"
    # Keys that do not match the documents.
    good = sign_statement(receipt.statement(), cw.person.keys.sign_seed)
    answer = cw.api.post(
        "/api/v1/grants",
        json={"receipt": good, "sealed_keys": {cw.address: key}},
        headers=cw.person.headers,
    )
    assert answer.json()["error"]["code"] == "invalid_sealed_key"
    assert cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"] == []


def test_reencrypting_leaves_a_kept_key_useless(cw: ConsentWorld) -> None:
    from crypto import (
        b64encode,
        decrypt_metadata,
        encrypt_bytes,
        encrypt_metadata,
        new_document_key,
        seal_document_key,
    )

    grant = cw.share()
    gid = str(grant["id"])
    [shared] = consent.shared_with_me(cw.professional.client(cw.api))
    kept_key = open_sealed_key(
        b64decode(shared["documents"][0]["sealed_key"]),
        cw.professional.keys.box_public,
        cw.professional.keys.box_secret,
    )
    cw.api.post(f"/api/v1/grants/{gid}/revoke", headers=cw.person.headers)
    # The person's page: download, decrypt, re-encrypt under a new key, replace.
    copy = cw.person.client(cw.api)
    entry = copy.document(cw.identity, cw.person.keys)
    plaintext = b"carte d'identite" * 100
    fresh = new_document_key()
    replaced = cw.api.put(
        f"/api/v1/documents/{cw.identity}/content",
        content=encrypt_bytes(fresh, plaintext),
        headers={
            **cw.person.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Metadata": b64encode(encrypt_metadata(fresh, entry.metadata)),
            "Coffre-Sealed-Key": b64encode(seal_document_key(fresh, cw.person.keys.box_public)),
        },
    )
    assert replaced.status_code == 200, replaced.text
    stored = cw.api.get(f"/api/v1/documents/{cw.identity}/content", headers=cw.person.headers)
    from crypto import DecryptionError, decrypt_bytes

    with pytest.raises(DecryptionError):
        decrypt_bytes(kept_key, stored.content)
    body = replaced.json()
    assert decrypt_metadata(fresh, b64decode(body["encrypted_metadata"])) == entry.metadata
    assert decrypt_bytes(fresh, stored.content) == plaintext


def test_deleting_a_document_withdraws_it_from_grants(cw: ConsentWorld) -> None:
    grant = cw.share([cw.identity, cw.address])
    assert (
        cw.api.delete(f"/api/v1/documents/{cw.identity}", headers=cw.person.headers).status_code
        == 204
    )
    [shared] = consent.shared_with_me(cw.professional.client(cw.api))
    assert [d["id"] for d in shared["documents"]] == [cw.address]
    assert cw.pull(str(grant["id"]), cw.identity).status_code == 404


def test_a_new_charter_version_that_narrows_ends_older_grants(cw: ConsentWorld) -> None:
    from tests.consent.world import consent_charter, publish

    grant = cw.share(days=30)
    publish(cw.api, cw.world, consent_charter(cw.world.structure_id, version=2, rsa_days=10))
    refused = cw.pull(str(grant["id"]), cw.identity)
    assert refused.status_code == 403
    assert "10 jours" in refused.json()["error"]["message"]


def test_a_structure_leaving_the_charter_ends_its_pulls(cw: ConsentWorld) -> None:
    from tests.consent.world import publish

    grant = cw.share()
    text = (
        cw.api.get("/api/v1/charters/current")
        .json()["source"]
        .replace("version = 1", "version = 2")
        .replace("adhesion = 2026-01-01", "adhesion = 2026-01-01\nfin = 2026-01-02")
    )
    publish(cw.api, cw.world, text)
    refused = cw.pull(str(grant["id"]), cw.identity)
    assert refused.status_code == 403
    assert "n'adhère plus" in refused.json()["error"]["message"]
    with pytest.raises(ApiError) as new_grant:
        cw.share()
    assert new_grant.value.code == "grant_refused"


def test_a_professional_who_left_the_structure_is_refused(cw: ConsentWorld) -> None:
    grant = cw.share()
    ended = cw.api.post(
        f"/api/v1/memberships/{cw.world.memberships['professional']}/end",
        headers=cw.world.structure_admin.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    refused = cw.pull(str(grant["id"]), cw.identity)
    assert refused.status_code == 403
    assert "plus membre" in refused.json()["error"]["message"]


def test_a_pulled_copy_leaves_watermarked_and_the_stored_document_is_unchanged(
    cw: ConsentWorld, tmp_path: Path
) -> None:
    import pikepdf

    from tests.client.test_watermark import _last_drawn_form, _pdf, _strings_shown

    original = _pdf((595, 842), (595, 842))
    path = tmp_path / "avis.pdf"
    path.write_bytes(original)
    person = cw.person.client(cw.api)
    doc_id = person.upload(path, "domicile", box_public_key=cw.person.keys.box_public)
    cw.share([doc_id])
    [grant] = consent.shared_with_me(cw.professional.client(cw.api))
    copy, stamped, media_type = consent.pull_stamped(
        cw.professional.client(cw.api), cw.professional.keys, grant, doc_id
    )
    assert copy.content == original and media_type == "application/pdf"
    with pikepdf.open(__import__("io").BytesIO(stamped)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            form, _ = _last_drawn_form(page)
            shown = " ".join(_strings_shown(form))
            assert "Copie transmise" in shown and "Mme Dupont" in shown
            assert "Ouverture de droits au RSA" in shown
    # The person's stored document is byte for byte what they uploaded.
    back = tmp_path / "back.pdf"
    person.download(doc_id, back, cw.person.keys)
    assert back.read_bytes() == original


def test_the_person_still_sees_what_an_ended_grant_covered(cw: ConsentWorld) -> None:
    grant = cw.share([cw.identity, cw.address])
    revoked = cw.api.post(f"/api/v1/grants/{grant['id']}/revoke", headers=cw.person.headers)
    documents = revoked.json()["documents"]
    assert {d["id"] for d in documents} == {cw.identity, cw.address}
    assert all(d["open"] is False for d in documents)
    [listed] = cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"]
    assert {d["id"] for d in listed["documents"]} == {cw.identity, cw.address}


def test_the_same_receipt_sent_twice_makes_one_grant(cw: ConsentWorld) -> None:
    from coffre.consent.models import Grant
    from crypto import b64encode, seal_document_key, sign_statement

    doc, receipt = identity_receipt(cw, "c" * 32)
    key = open_sealed_key(
        b64decode(doc["sealed_key"]), cw.person.keys.box_public, cw.person.keys.box_secret
    )
    body = {
        "receipt": sign_statement(receipt.statement(), cw.person.keys.sign_seed),
        "sealed_keys": {
            cw.identity: b64encode(seal_document_key(key, cw.professional.keys.box_public))
        },
    }
    first = cw.api.post("/api/v1/grants", json=body, headers=cw.person.headers)
    assert first.status_code == 201, first.text
    again = cw.api.post("/api/v1/grants", json=body, headers=cw.person.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "grant_exists"
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        assert db.query(Grant).count() == 1
