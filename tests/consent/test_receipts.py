"""Receipts the person holds: GET /grants/{id}/receipt for the person, the grantee and
the charter officer (anyone else: as for an unknown id), and the offline check of
client/receipts.py on v1 and v2 receipts, forged and replayed ones refused by code."""

from __future__ import annotations

import json
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client.export import export_vault
from client.receipts import ReceiptInvalid, receipt_from_header, verify_receipt
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.consent.receipts import receipt_header
from coffre.container import Coffre
from crypto import b64encode, seal_document_key, sign_statement
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2
from crypto.pins import pin_spoken
from crypto.statements_v2 import sign_statement_v2
from tests.concurrency import PARALLEL, burst, parallel_client
from tests.consent.world import RSA, ConsentWorld, build_consent_world, build_v2_consent_world
from tests.factories import make_person
from tests.factories_v2 import DocumentV2, document_v2, receipt_v2, upload_v2
from tests.structures.world import pinned_root
from tests.tokens.world import bearer, token_of


def _get(api: TestClient, grant_id: str, headers: dict[str, str]) -> Any:
    return api.get(f"/api/v1/grants/{grant_id}/receipt", headers=headers)


def _fetch(cw: ConsentWorld, grant_id: str) -> dict[str, Any]:
    response = _get(cw.api, grant_id, cw.person.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _code(data: Any, pin: str | None = None, **expected: Any) -> str:
    with pytest.raises(ReceiptInvalid) as refused:
        verify_receipt(data, pin, **expected)
    return refused.value.code


# -- v1 world (format 1 receipts, v1 certificates) ----------------------------------------


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def test_the_person_the_grantee_and_the_officer_get_the_same_receipt(cw: ConsentWorld) -> None:
    grant = cw.share([cw.identity, cw.address])
    w = cw.world
    answers = [
        _get(cw.api, str(grant["id"]), who.headers) for who in (w.person, w.professional, w.officer)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    bodies = [a.json() for a in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    body = bodies[0]
    assert body["grant_id"] == grant["id"] and body["format"] == 1
    assert body["verified_by_server"] is True
    assert body["person_key"]["pin"] == pin_spoken(cw.person.keys.sign_public)
    assert json.loads(body["receipt"])["statement"]["grant"] == grant["id"]


def test_anyone_else_is_answered_as_for_an_unknown_grant(cw: ConsentWorld) -> None:
    grant = cw.share()
    w = cw.world
    stranger = make_person(cw.api, 5, "inconnue")
    unknown = _get(cw.api, secrets.token_hex(16), w.person.headers)
    for who in (stranger, w.structure_admin, w.admin):
        refused = _get(cw.api, str(grant["id"]), who.headers)
        assert refused.status_code == 404
        assert refused.json() == unknown.json()
        assert refused.json()["error"]["code"] == "grant_not_found"
    assert _get(cw.api, str(grant["id"]), {}).status_code == 401


def test_a_receipt_polled_again_unchanged_is_a_304(cw: ConsentWorld) -> None:
    grant = cw.share()
    first = _get(cw.api, str(grant["id"]), cw.professional.headers)
    again = cw.api.get(
        f"/api/v1/grants/{grant['id']}/receipt",
        headers={**cw.professional.headers, "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""


def test_a_v1_receipt_verifies_offline_up_to_the_pinned_root(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))

    verified = verify_receipt(
        json.dumps(body).encode(),
        pinned_root(cw.world.admin),
        grant_id=str(grant["id"]),
        person_id=cw.person.account_id,
        professional_id=cw.professional.account_id,
    )

    assert verified.format == 1 and verified.grant_id == grant["id"]
    assert verified.professional_certified is True
    assert verified.professional_name == "Mme Dupont"
    assert verified.person_key_confirmed is False  # no pin compared: trust on first use
    assert verified.receipt.purpose == RSA


def test_the_pull_header_carries_the_receipt_as_stored(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))
    stored = receipt_from_header(receipt_header(body["receipt"]))

    verified = verify_receipt(
        stored.encode(), person_key=cw.person.keys.sign_public, grant_id=str(grant["id"])
    )

    assert verified.stored == body["receipt"] and verified.person_key_confirmed is True


def test_a_forged_receipt_is_refused(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))
    envelope = json.loads(body["receipt"])
    envelope["statement"]["max_pulls"] = 100  # the person allowed no limit change
    forged = {**body, "receipt": json.dumps(envelope)}

    assert _code(forged) == "receipt_forged"
    # Signed again by someone else (the server's own key, say), with the person's key kept.
    resigned = sign_statement(envelope["statement"], cw.professional.keys.sign_seed)
    assert _code({**body, "receipt": json.dumps(resigned)}) == "receipt_forged"


def test_a_receipt_replayed_for_another_grant_is_refused(cw: ConsentWorld) -> None:
    first = cw.share()
    second = cw.share([cw.address])
    body = _fetch(cw, str(first["id"]))

    assert _code({**body, "grant_id": second["id"]}) == "receipt_replayed"
    assert _code(body, grant_id=str(second["id"])) == "receipt_replayed"


def test_a_receipt_for_another_person_or_professional_is_refused(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))
    someone = secrets.token_hex(16)

    assert _code(body, person_id=someone) == "receipt_other_person"
    assert _code(body, professional_id=someone) == "receipt_other_professional"


def test_a_key_that_is_not_the_trusted_one_is_refused(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))

    assert _code(body, person_key=cw.professional.keys.sign_public) == "receipt_person_key_mismatch"
    assert _code(body, person_pin=pin_spoken(bytes(range(32)))) == "receipt_person_key_mismatch"
    ok = verify_receipt(body, person_pin=pin_spoken(cw.person.keys.sign_public))
    assert ok.person_key_confirmed is True


def test_an_unknown_format_is_refused(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))
    envelope = json.loads(body["receipt"])
    envelope["statement"]["v"] = 3

    assert _code({**body, "format": 7}) == "receipt_unknown_format"
    assert _code({**body, "receipt": json.dumps(envelope)}) == "receipt_unknown_format"
    assert _code({**body, "format": 2}) == "receipt_unknown_format"
    assert _code(b"not json") == "receipt_malformed"


def test_a_root_that_is_not_the_pinned_one_proves_no_professional(cw: ConsentWorld) -> None:
    grant = cw.share()
    body = _fetch(cw, str(grant["id"]))

    assert _code(body, pin_spoken(bytes(range(32)))) == "receipt_root_not_pinned"
    # Another account's chain presented for the receipt's professional.
    swapped = {
        **body,
        "professional": {**body["professional"], "account_id": secrets.token_hex(16)},
    }
    assert _code(swapped, pinned_root(cw.world.admin)) == "receipt_other_professional"
    keys = {**body["professional"], "sign_public_key": b64encode(cw.person.keys.sign_public)}
    assert _code({**body, "professional": keys}, pinned_root(cw.world.admin)) == (
        "receipt_not_certified"
    )


# -- v2 world (format 2 receipts, v2 certificates under the v2 root) ----------------------


def _v2_grant(cw: ConsentWorld, now: Any) -> tuple[str, DocumentV2]:
    document = document_v2(cw.person, cw.person.account_id, b"carte v2" * 50, category="identite")
    upload_v2(cw.api, cw.person, document)
    parts = document.parts
    grant_id = secrets.token_hex(16)
    statement = ConsentReceiptV2(
        grant=grant_id,
        person=cw.person.account_id,
        professional=cw.professional.account_id,
        structure=cw.world.structure_id,
        purpose=RSA,
        charter_version=1,
        documents=(
            SharedDocumentV2(
                document.document_id, parts.version, parts.key_commitment, parts.ciphertext_sha256
            ),
        ),
        not_before=now,
        not_after=now + timedelta(days=3),
        max_pulls=2,
        request=None,
    ).statement()
    text = receipt_v2(cw.person, statement)
    sealed = seal_document_key(document.doc_key, cw.professional.keys.box_public)
    created = cw.api.post(
        "/api/v1/grants",
        json={"receipt_json": text, "sealed_keys": {document.document_id: b64encode(sealed)}},
        headers=cw.person.headers,
    )
    assert created.status_code == 201, created.text
    return grant_id, document


@pytest.fixture
def cw2(api: TestClient, tmp_path: Path, clock: FrozenClock) -> ConsentWorld:
    return build_v2_consent_world(api, tmp_path, clock.now())


def test_a_v2_receipt_is_given_as_signed_and_verifies_up_to_the_v2_root(
    cw2: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id, _ = _v2_grant(cw2, clock.now())
    body = _fetch(cw2, grant_id)
    [listed] = cw2.api.get("/api/v1/shared-with-me", headers=cw2.professional.headers).json()[
        "grants"
    ]

    assert body["format"] == 2 and body["receipt"] == listed["receipt"]
    assert body["verified_by_server"] is True
    verified = verify_receipt(
        body,
        pinned_root(cw2.world.admin),
        grant_id=grant_id,
        professional_id=cw2.professional.account_id,
        now=clock.now(),
    )
    assert verified.format == 2 and verified.professional_certified is True
    assert verified.receipt.max_pulls == 2


def test_a_forged_or_replayed_v2_receipt_is_refused(cw2: ConsentWorld, clock: FrozenClock) -> None:
    grant_id, _ = _v2_grant(cw2, clock.now())
    body = _fetch(cw2, grant_id)
    envelope = json.loads(body["receipt"])
    envelope["statement"]["not_after"] = "2099-01-01T00:00:00Z"
    other_signer = sign_statement_v2(envelope["statement"], cw2.professional.keys.sign_seed)

    assert _code({**body, "receipt": json.dumps(envelope)}) == "receipt_forged"
    assert _code({**body, "receipt": json.dumps(other_signer)}) == "receipt_forged"
    assert _code({**body, "grant_id": secrets.token_hex(16)}) == "receipt_replayed"


def test_the_full_export_holds_every_receipt_and_each_verifies(
    cw: ConsentWorld, tmp_path: Path
) -> None:
    first = cw.share()
    second = cw.share([cw.address])
    cw.api.post(f"/api/v1/grants/{first['id']}/revoke", headers=cw.person.headers)
    dest = tmp_path / "export.zip"

    export_vault(
        cw.person.client(cw.api), cw.person.keys, dest, pinned_root=pinned_root(cw.world.admin)
    )

    with zipfile.ZipFile(dest) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = {name: json.loads(archive.read(name)) for name in manifest["receipts"]}
    assert set(files) == {f"receipts/{g['id']}.json" for g in (first, second)}
    for name, body in files.items():
        verified = verify_receipt(
            body,
            pinned_root(cw.world.admin),
            person_key=cw.person.keys.sign_public,
            person_id=cw.person.account_id,
        )
        assert name == f"receipts/{verified.grant_id}.json"
        assert verified.professional_certified is True


def test_the_officer_s_reading_of_a_receipt_is_in_the_trail_and_shows_a_button(
    cw: ConsentWorld,
) -> None:
    grant = cw.share()
    officer = cw.world.officer.headers
    assert _get(cw.api, str(grant["id"]), officer).status_code == 200
    _get(cw.api, str(grant["id"]), cw.professional.headers)  # not a console view

    views = cw.api.get(
        "/api/v1/console/entries", params={"action": "audit.console", "limit": 50}, headers=officer
    ).json()["entries"]
    read = [e for e in views if e["details"].get("view") == "receipt"]
    assert [e["details"]["grant"] for e in read] == [grant["id"]]
    # The share's own entry names the grant: the console's "Voir le reçu" opens from it.
    created = cw.api.get(
        "/api/v1/console/entries", params={"action": "grant.create"}, headers=officer
    ).json()["entries"]
    assert [(e["object_type"], e["object_id"]) for e in created] == [("grant", grant["id"])]


def test_the_grantee_s_token_needs_the_grants_read_scope(cw: ConsentWorld) -> None:
    grant = cw.share()
    reader = token_of(cw, ["grants:read"], label="Lecture")
    puller = token_of(cw, ["grants:pull"], label="Retrait")

    read = _get(cw.api, str(grant["id"]), bearer(reader))
    assert read.status_code == 200 and read.json()["grant_id"] == grant["id"]
    verify_receipt(read.json(), professional_id=cw.professional.account_id)
    refused = _get(cw.api, str(grant["id"]), bearer(puller))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "token_scope"
    # Decided before any lookup: an unknown grant gets the same answer.
    assert _get(cw.api, secrets.token_hex(16), bearer(puller)).json() == refused.json()
    unknown = _get(cw.api, secrets.token_hex(16), bearer(reader))
    assert unknown.status_code == 404


def test_twenty_parallel_readings_answer_the_same_receipt_and_each_officer_view_is_kept(
    cw: ConsentWorld, live_server: str
) -> None:
    grant_id = str(cw.share()["id"])
    w = cw.world
    readers = [w.officer.headers] * 10 + [w.professional.headers] * 5 + [w.person.headers] * 5

    with parallel_client(live_server) as http:
        answers = burst(
            PARALLEL, lambda i: http.get(f"/api/v1/grants/{grant_id}/receipt", headers=readers[i])
        )

    assert [a.status_code for a in answers] == [200] * PARALLEL
    assert len({a.content for a in answers}) == 1
    coffre: Coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        views = db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "audit.console", AuditEntry.body.contains(grant_id)
            )
        ).all()
        assert len(views) == 10
        assert len({v.seq for v in views}) == 10
