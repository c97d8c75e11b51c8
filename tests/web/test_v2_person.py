"""Crypto format v2 in the person's page (issue 15), in a phone-sized Chromium.

A document added in the page is a v2 document bound to its id, version and owner,
opens, is renamed (version 2) and shared with a v2 consent receipt naming that
version; a vault of v1 documents is bound at unlock without sending any content
again, after which every document opens; a document whose binding the server swaps
is refused in the page, with a plain sentence and nothing of it shown; the person's
verification code (their key's pin) is on a screen of its own at 360 px.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, Request, expect
from sqlalchemy import create_engine, text

from coffre.settings import Settings
from crypto import (
    b64encode,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    seal_document_key,
    sign_statement,
)
from crypto.binding import verify_binding
from crypto.consent import Deposit
from crypto.consent_v2 import read_receipt_v2
from crypto.jsontext import parse_json
from crypto.metadata import DocumentMetadata
from crypto.pins import pin_qr_payload, pin_spoken
from crypto.statements_v2 import verify_statement_v2
from tests.consent.world import RSA
from tests.factories import encrypted_document, upload
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    add_identity_card,
    bottom_bar,
    check_territory_key,
    confirm_share,
    go,
    go_more,
    log_in_person,
    next_step,
    open_document,
    person_client,
    share,
    visible_screen,
)

REFUSED = "Quelqu'un d'autre que vous a changé ce document. Il n'est pas montré. Ne l'utilisez pas."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def documents(api: TestClient, world: World) -> dict[str, dict[str, Any]]:
    """The person's documents as the server lists them, by id."""
    response = api.get("/api/v1/documents", headers=world.person.headers)
    assert response.status_code == 200, response.text
    return {doc["id"]: doc for doc in response.json()["documents"]}


def checked_binding(world: World, doc: dict[str, Any]) -> Any:
    """The document's binding, verified as the page does: under the person's own key."""
    envelope = parse_json(doc["binding"])
    return verify_binding(
        envelope,
        signer=world.person.keys.sign_public,
        document=doc["id"],
        owner=world.person.account_id,
    )


def downloaded(page: Page) -> bytes:
    """The bytes behind "Télécharger" (the blob URL the page made from what it decrypted)."""
    link = page.locator("#doc-download")
    expect(link).to_have_attribute("href", re.compile("^blob:"), timeout=30_000)
    encoded = page.evaluate(
        """async () => {
            const a = document.querySelector('#doc-download');
            const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
            let text = '';
            for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text);
        }"""
    )
    return base64.b64decode(encoded)


def remembered(page: Page, world: World) -> dict[str, Any]:
    """What the page keeps about format v2 for the person (contract: localStorage)."""
    stored = page.evaluate(f"localStorage.getItem('coffre.v2.versions.{world.person.account_id}')")
    assert stored is not None
    value: dict[str, Any] = json.loads(stored)
    return value


def fresh_list(page: Page) -> None:
    """ "Documents" again; waits for the list fetched anew, not the one on screen."""
    page.evaluate(
        "document.querySelectorAll('#document-list button').forEach(b => b.dataset.stale = '1')"
    )
    bottom_bar(page).get_by_role("button", name="Documents").click()
    expect(page.locator("#document-list button[data-stale]")).to_have_count(0, timeout=30_000)
    visible_screen(page, "documents")


def v1_vault(api: TestClient, world: World, count: int = 3) -> dict[str, bytes]:
    """`count` v1 documents in the person's vault (tests/factories.py): id -> plaintext."""
    made = {}
    for n in range(count):
        plaintext = PDF + f"% page {n}\n".encode() * (200 + 50 * n)
        doc = encrypted_document(world.person, plaintext, name=f"avis-{n}.pdf")  # type: ignore[arg-type]
        made[upload(api, world.person, doc)] = plaintext  # type: ignore[arg-type]
    return made


def test_a_document_added_in_the_page_is_bound_opens_is_renamed_and_shared_in_v2(
    world: World, page: Page, live_server: str, tmp_path: Path, api: TestClient
) -> None:
    log_in_person(page, live_server, world)
    add_identity_card(page, tmp_path)

    [doc] = documents(api, world).values()
    assert (doc["format"], doc["version"]) == (2, 1)
    parts = checked_binding(world, doc)
    assert parts.version == 1
    assert parts.ciphertext_sha256 == doc["ciphertext_sha256"]

    open_document(page, "Carte d'identité.jpg")
    expect(page.locator("#doc-preview img")).to_be_visible(timeout=30_000)
    assert downloaded(page).startswith(b"\xff\xd8")  # the photo, as a JPEG

    page.get_by_role("button", name="Renommer").click()
    form = visible_screen(page, "rename")
    form.get_by_label("Nouveau nom").fill("CNI recto")
    form.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    expect(page.locator("#status")).to_have_text("Le nom a été changé.")
    renamed = documents(api, world)[doc["id"]]
    assert renamed["version"] == 2
    parts = checked_binding(world, renamed)
    assert parts.version == 2
    assert parts.ciphertext_sha256 == doc["ciphertext_sha256"]  # same content, new name
    assert remembered(page, world)["seen"] == {doc["id"]: 2}

    open_document(page, "CNI recto.jpg")
    expect(page.locator("#doc-preview img")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Partager", exact=True).click()
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    check_territory_key(page)
    visible_screen(page, "share-confirm")
    confirm_share(page)
    expect(page.locator("#status")).to_have_text("C'est fait : Mme Dupont peut voir « CNI recto ».")

    shared = api.get("/api/v1/shared-with-me", headers=world.professional.headers)
    assert shared.status_code == 200, shared.text
    [grant] = shared.json()["grants"]
    envelope = parse_json(grant["receipt"])
    statement = verify_statement_v2(
        envelope, world.person.keys.sign_public, "coffre/consent-receipt"
    )
    receipt = read_receipt_v2(statement)
    assert receipt.purpose == RSA
    [entry] = receipt.documents
    assert (entry.id, entry.version) == (doc["id"], 2)
    assert entry.key_commitment == parts.key_commitment
    assert entry.ciphertext_sha256 == parts.ciphertext_sha256


def test_a_vault_of_v1_documents_is_bound_at_unlock_without_sending_content_again(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    vault = v1_vault(api, world)
    assert {d["format"] for d in documents(api, world).values()} == {1}
    sent: list[tuple[str, str, int, str | None]] = []

    def watch(request: Request) -> None:
        if "/api/v1/" in request.url:
            body = request.post_data_buffer or b""
            sent.append((request.method, request.url, len(body), request.headers.get("range")))

    page.on("request", watch)
    log_in_person(page, live_server, world)

    bound = documents(api, world)
    for doc in bound.values():
        assert doc["version"] == 1
        parts = checked_binding(world, doc)
        assert parts.ciphertext_sha256 == doc["ciphertext_sha256"]
    me = api.get("/api/v1/me", headers=world.person.headers).json()
    assert me["account"]["crypto_format"] == 2
    assert remembered(page, world)["migrated"] is True

    # Nothing of the content went up; each stream was read for its 33-byte header only.
    uploads = [s for s in sent if s[0] in ("POST", "PUT", "PATCH")]
    assert max(size for _, _, size, _ in uploads) < 2000
    binding_puts = [url for method, url, _, _ in uploads if url.endswith("/binding")]
    assert sorted(binding_puts) == sorted(
        f"{live_server}/api/v1/documents/{doc_id}/binding" for doc_id in vault
    )
    reads = [s for s in sent if s[0] == "GET" and s[1].endswith("/content")]
    assert sorted(url for _, url, _, _ in reads) == sorted(
        f"{live_server}/api/v1/documents/{doc_id}/content" for doc_id in vault
    )
    assert {r for _, _, _, r in reads} == {"bytes=0-32"}
    assert any(s[0] == "POST" and s[1].endswith("/me/crypto-format") for s in sent)

    # Every document opens, bound, with its own bytes.
    for n, (doc_id, plaintext) in enumerate(vault.items()):
        open_document(page, f"avis-{n}.pdf")
        assert downloaded(page) == plaintext, doc_id
        go(page, "Documents")


def test_a_document_whose_binding_is_swapped_is_refused_and_not_shown(
    world: World, page: Page, live_server: str, api: TestClient, settings: Settings
) -> None:
    vault = v1_vault(api, world, count=2)
    log_in_person(page, live_server, world)
    first, second = vault
    bound = documents(api, world)
    assert bound[first]["binding"] and bound[second]["binding"]

    # The server swaps the two documents' bindings (both signed by the person).
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        for doc_id, other in ((first, second), (second, first)):
            conn.execute(
                text("UPDATE documents SET binding = :binding WHERE id = :id"),
                {"binding": bound[other]["binding"], "id": doc_id},
            )
    engine.dispose()

    fresh_list(page)
    open_document(page, "avis-0.pdf")
    expect(page.locator("#doc-error")).to_have_text(REFUSED, timeout=30_000)
    expect(page.locator("#doc-preview img, #doc-preview .pdf-view")).to_have_count(0)
    assert page.locator("#doc-download").get_attribute("href") is None
    expect(page.locator("#doc-download")).to_be_hidden()
    expect(page.locator("#doc-retry")).to_be_hidden()
    assert_accessible(page, "v2-document-refused")
    screenshot(page, "60-v2-document-refused")


def test_an_older_version_or_a_binding_taken_away_is_refused(
    world: World, page: Page, live_server: str, api: TestClient, settings: Settings
) -> None:
    [doc_id] = v1_vault(api, world, count=1)
    log_in_person(page, live_server, world)
    engine = create_engine(settings.database_url)
    columns = "binding, version, encrypted_metadata"
    with engine.connect() as conn:
        old = conn.execute(
            text(f"SELECT {columns} FROM documents WHERE id = :id"), {"id": doc_id}
        ).one()
    assert old.version == 1

    open_document(page, "avis-0.pdf")
    page.get_by_role("button", name="Renommer").click()
    form = visible_screen(page, "rename")
    form.get_by_label("Nouveau nom").fill("avis 2025")
    form.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    assert documents(api, world)[doc_id]["version"] == 2

    # The server serves the version before the rename again, all of it signed by the
    # person: this device saw version 2, so it refuses it.
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE documents SET binding = :binding, version = :version, "
                "encrypted_metadata = :metadata WHERE id = :id"
            ),
            {
                "binding": old.binding,
                "version": 1,
                "metadata": old.encrypted_metadata,
                "id": doc_id,
            },
        )
    fresh_list(page)
    open_document(page, "avis-0.pdf")
    expect(page.locator("#doc-error")).to_have_text(REFUSED, timeout=30_000)
    expect(page.locator("#doc-preview .pdf-view")).to_have_count(0)

    # Or it takes the binding away, as if the document were still an unbound v1 one:
    # this device knows the vault was migrated.
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET binding = NULL, version = NULL WHERE id = :id"),
            {"id": doc_id},
        )
    engine.dispose()
    fresh_list(page)
    open_document(page, "avis-0.pdf")
    expect(page.locator("#doc-error")).to_have_text(REFUSED, timeout=30_000)
    expect(page.locator("#doc-preview .pdf-view")).to_have_count(0)


def v1_deposit(api: TestClient, world: World, content: bytes) -> str:
    """Mme Dupont deposits `content` in format v1 (SPEC §16), made by hand so it stays v1."""
    key = new_document_key()
    ciphertext = encrypt_bytes(key, content)
    statement = Deposit(
        document=secrets.token_hex(16),
        person=world.person.account_id,
        depositor=world.professional.account_id,
        structure=world.structure_id,
        category="domicile",
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        deposited_at=api.app.state.coffre.clock.now(),  # type: ignore[attr-defined]
    ).statement()
    metadata = DocumentMetadata(
        name="attestation.pdf",
        mime="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    signed = sign_statement(statement, world.professional.keys.sign_seed)
    response = api.post(
        "/api/v1/deposits",
        content=ciphertext,
        headers={
            **world.professional.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Person": world.person.account_id,
            "Coffre-Category": "domicile",
            "Coffre-Metadata": b64encode(encrypt_metadata(key, metadata)),
            "Coffre-Sealed-Key": b64encode(seal_document_key(key, world.person.keys.box_public)),
            "Coffre-Deposit": b64encode(json.dumps(signed).encode()),
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_deposit_made_in_v1_gets_a_new_key_before_a_v2_share(
    world: World, page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        photo = png(tmp_path / "cni.png", 300, 200, seed=1)
        card = client.upload(photo, "identite", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, RSA, [card], days=7)  # links Mme Dupont to the person
    deposited = v1_deposit(api, world, PDF)

    log_in_person(page, live_server, world)
    listed = documents(api, world)
    assert listed[card]["binding"] and listed[deposited]["binding"] is None  # kept v1
    assert (
        api.get("/api/v1/me", headers=world.person.headers).json()["account"]["crypto_format"] == 2
    )

    open_document(page, "attestation.pdf")
    assert downloaded(page) == PDF  # a v1 deposit still opens as v1
    page.get_by_role("button", name="Partager", exact=True).click()
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-pick")  # "attestation" is ticked, the card is not
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    check_territory_key(page)
    visible_screen(page, "share-confirm")
    confirm_share(page)
    expect(page.locator("#status")).to_have_text(
        "C'est fait : Mme Dupont peut voir « attestation ».", timeout=30_000
    )

    after = documents(api, world)[deposited]
    parts = checked_binding(world, after)  # the person's own binding now, version 1
    assert (
        parts.version == 1 and after["ciphertext_sha256"] != listed[deposited]["ciphertext_sha256"]
    )
    grants = api.get("/api/v1/shared-with-me", headers=world.professional.headers).json()
    statements = [parse_json(g["receipt"])["statement"] for g in grants["grants"]]
    receipts = [read_receipt_v2(st) for st in statements if st["v"] == 2]
    entries = [d for r in receipts if r.purpose == RSA for d in r.documents if d.id == deposited]
    assert [(e.version, e.ciphertext_sha256) for e in entries] == [(1, parts.ciphertext_sha256)]


def test_my_verification_code_is_the_pin_of_my_key_at_360_px(
    world: World, page: Page, live_server: str
) -> None:
    log_in_person(page, live_server, world)
    screen = go_more(page, "Mon code de vérification", "pin")
    expect(screen).to_contain_text(
        "Montrez ce code au professionnel pour qu'il vérifie que c'est bien vous."
    )
    spoken = pin_spoken(world.person.keys.sign_public)
    expect(page.locator("#pin-spoken")).to_have_text(spoken)
    expect(page.locator("#pin-qr svg")).to_be_visible()
    assert pin_qr_payload(world.person.keys.sign_public).startswith("COFFRE:V2:PIN:")
    assert_accessible(page, "v2-pin")
    screenshot(page, "61-v2-pin")
    screen.get_by_role("button", name="Retour à mes documents").click()
    visible_screen(page, "documents")
