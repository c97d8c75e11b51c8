"""A share's receipt on the person's page (docs/CONSENT.md, "Receipts the person holds"):
in plain words — with whom, for what, which documents by their own names, from when
to when, how many openings — checked in the page under the person's own key, printed
alone; a receipt changed on the server is said to be untrustworthy and not shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import update

from coffre.consent.models import Grant
from coffre.container import Coffre
from crypto import sign_statement
from tests.consent.world import MDPH, RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import (
    click_to_screen,
    log_in_person,
    my_shares,
    person_client,
    share,
)

GOOD = "Ce reçu vient bien de vous. Il n'a pas été changé depuis votre partage."
BAD = "Attention : ce reçu a été changé, ou ne vient pas de vous."
OTHER = (
    "Ce reçu n'a pas été fait avec votre coffre d'aujourd'hui (par exemple, avant qu'il soit "
    "remplacé par un coffre vide). Il ne peut pas être vérifié ici."
)


def _tamper(api: TestClient, grant_id: str) -> None:
    """What a hostile server could do: raise the openings in the stored receipt."""
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as session:
        grant = session.get(Grant, grant_id)
        assert grant is not None
        stored = grant.receipt
        envelope = json.loads(stored)
        envelope["statement"]["max_pulls"] = 100
        session.execute(
            update(Grant).where(Grant.id == grant_id).values(receipt=json.dumps(envelope))
        )


def _resign(api: TestClient, grant_id: str, sign_seed: bytes) -> None:
    """The same statement, signed by another key than the person's of today."""
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as session:
        grant = session.get(Grant, grant_id)
        assert grant is not None
        resigned = sign_statement(json.loads(grant.receipt)["statement"], sign_seed)
        session.execute(
            update(Grant).where(Grant.id == grant_id).values(receipt=json.dumps(resigned))
        )


@pytest.mark.both_backends
def test_the_person_reads_checks_and_prints_a_share_s_receipt(
    world: World, live_server: str, api: TestClient, page: Page, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = tmp_path / "Carte identité.txt"
        card.write_bytes(b"carte d'identite" * 50)
        caf = tmp_path / "Attestation CAF.txt"
        caf.write_bytes(b"attestation caf" * 50)
        card_id = client.upload(card, "identite", box_public_key=keys.box_public, keys=keys)
        caf_id = client.upload(caf, "domicile", box_public_key=keys.box_public, keys=keys)
        honest = share(client, keys, world, RSA, [card_id, caf_id], days=30, max_pulls=3)
        changed = share(client, keys, world, MDPH, [card_id], days=30)
        health = tmp_path / "Certificat médical.txt"
        health.write_bytes(b"certificat" * 50)
        health_id = client.upload(health, "sante", box_public_key=keys.box_public, keys=keys)
        older = share(client, keys, world, MDPH, [health_id], days=30)
    _tamper(api, str(changed["id"]))
    # Signed by another key, as before the vault was replaced by an empty one (a reset).
    _resign(api, str(older["id"]), world.professional.keys.sign_seed)

    log_in_person(page, live_server, world)
    shares = my_shares(page)
    cards = shares.locator("#grant-list .cards > li")
    expect(cards).to_have_count(3)
    # The honest share names both documents; the changed one the identity card only.
    honest_card = cards.filter(has_text="Attestation CAF")
    receipt = click_to_screen(
        page, honest_card.get_by_role("button", name="Voir le reçu"), "receipt"
    )

    expect(receipt.locator("#receipt-state")).to_have_text(GOOD)
    body = receipt.locator("#receipt-body")
    expect(body).to_contain_text("Vous avez partagé avec Mme Dupont (CCAS de Clermont-Ferrand).")
    expect(body).to_contain_text("« Carte identité »")
    expect(body).to_contain_text("« Attestation CAF »")
    expect(body).to_contain_text("Nombre d'ouvertures permis : 3")
    expect(body).to_contain_text(" au ")  # from … to …
    expect(receipt.get_by_role("button", name="Imprimer")).to_be_visible()
    assert_accessible(page, "receipt")
    screenshot(page, "receipt")

    # Printed, the receipt is all there is on paper (no bar, no buttons).
    page.emulate_media(media="print")
    expect(receipt).to_be_visible()
    expect(body).to_be_visible()
    expect(page.locator("#person-nav")).to_be_hidden()
    expect(receipt.get_by_role("button", name="Imprimer")).to_be_hidden()
    screenshot(page, "receipt-print")
    page.emulate_media(media="screen")

    shares = click_to_screen(page, receipt.get_by_role("button", name="Mes partages"), "grants")
    bad = click_to_screen(
        page,
        shares.locator("#grant-list .cards > li")
        .filter(has_text="Carte identité")
        .filter(has_not_text="Attestation CAF")
        .get_by_role("button", name="Voir le reçu"),
        "receipt",
    )
    expect(bad.locator("#receipt-state")).to_contain_text(BAD)
    expect(bad.locator("#receipt-body")).to_be_empty()
    expect(bad.get_by_role("button", name="Imprimer")).to_be_hidden()
    assert_accessible(page, "receipt-changed")

    shares = click_to_screen(page, bad.get_by_role("button", name="Mes partages"), "grants")
    other = click_to_screen(
        page,
        shares.locator("#grant-list .cards > li")
        .filter(has_text="Certificat médical")
        .get_by_role("button", name="Voir le reçu"),
        "receipt",
    )
    expect(other.locator("#receipt-state")).to_have_text(OTHER)
    expect(other.locator("#receipt-body")).to_be_empty()
    expect(other.get_by_role("button", name="Imprimer")).to_be_hidden()
    assert honest["id"] != changed["id"]

    # The page bound the vault at unlock (format v2): a share made now has a v2 receipt,
    # checked in the page the same way.
    with person_client(live_server, world) as (client, keys):
        assert client.crypto_format() == 2
        newer = share(client, keys, world, RSA, [caf_id], days=10)
    newer_body = api.get(f"/api/v1/grants/{newer['id']}/receipt", headers=world.person.headers)
    assert newer_body.json()["format"] == 2
    shares = my_shares(page)
    v2_card = (
        shares.locator("#grant-list .cards > li")
        .filter(has_text="Attestation CAF")
        .filter(has_not_text="Carte identité")
    )
    receipt = click_to_screen(page, v2_card.get_by_role("button", name="Voir le reçu"), "receipt")
    expect(receipt.locator("#receipt-state")).to_have_text(GOOD)
    expect(receipt.locator("#receipt-body")).to_contain_text("« Attestation CAF »")
    expect(receipt.locator("#receipt-body")).to_contain_text("Pas de limite au nombre d'ouvertures")
