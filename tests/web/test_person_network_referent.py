"""The person's référent de parcours in a phone-sized Chromium (issue 16).

"Mon référent": choosing one among the professionals the person already shows papers
to (nothing ticked in advance), the expiry count shown only when the person ticks it,
ending in one tap; a professional's proposal accepted; and the hand-over: the person
is asked in plain words at the vault's opening and, in one tap, moves the link to the
successor and re-shares the same documents for the same purpose until the same end
(after the territory's key is checked, on a phone that never checked it) — the
successor really holds a grant whose key opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from crypto import b64decode
from crypto.sealed import open_sealed_key
from tests.consent.world import RSA
from tests.structures.world import World, certify_member, invite, join, material
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    check_territory_key,
    go_more,
    log_in,
    log_in_person,
    log_out_person,
    person_client,
    share,
    visible_screen,
)


def referent_of(api: TestClient, world: World) -> dict[str, Any]:
    """GET /referent as the person: what the server holds."""
    response = api.get("/api/v1/referent", headers=world.person.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def shared_document(base: str, world: World, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """The person uploads an identity card and shows it to Mme Dupont (RSA, 7 days)."""
    path = tmp_path / "cni.pdf"
    path.write_bytes(b"%PDF-1.4\n% carte d'identite\n" * 40)
    with person_client(base, world) as (client, keys):
        doc_id = client.upload(path, "identite", box_public_key=keys.box_public, keys=keys)
        grant = share(client, keys, world, RSA, [doc_id], days=7)
    return doc_id, grant


def open_referent(page: Page) -> Any:
    return go_more(page, "Mon référent", "referent")


def test_the_person_chooses_a_referent_among_those_they_share_with_then_ends_it(
    world: World, page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    shared_document(live_server, world, tmp_path)
    log_in_person(page, live_server, world)
    screen = open_referent(page)
    expect(screen).to_contain_text("Vous n'avez pas de référent pour le moment.")
    assert_accessible(page, "referent")
    screen.get_by_role("button", name="Choisir mon référent").click()

    pick = visible_screen(page, "referent-pick")
    known = pick.locator("#referent-pick-known")
    expect(known).to_contain_text("Mme Dupont")
    # Nothing is chosen for the person, among choices that are there.
    expect(pick.locator("input[name=referent]")).not_to_have_count(0)
    expect(pick.locator("input[name=referent]:checked")).to_have_count(0)
    assert_accessible(page, "referent-pick")
    screenshot(page, "network-referent-pick")
    pick.get_by_role("button", name="Choisir cette personne").click()
    expect(pick.locator("#referent-pick-error")).to_have_text(
        "Choisissez une personne dans la liste."
    )
    known.get_by_text("Mme Dupont").click()
    pick.get_by_role("button", name="Choisir cette personne").click()

    screen = visible_screen(page, "referent")
    expect(page.locator("#status")).to_have_text("C'est fait : Mme Dupont est votre référent.")
    expect(screen.locator("#referent-current")).to_contain_text(
        "Mme Dupont, CCAS de Clermont-Ferrand"
    )
    held = referent_of(api, world)["current"]
    assert held["professional"]["id"] == world.professional.account_id
    assert held["show_expiry_count"] is False

    # The expiry count: off until the person ticks it, explained next to the box.
    box = screen.get_by_label(
        "Montrer à mon référent combien de mes papiers arrivent bientôt à leur fin"
    )
    expect(box).not_to_be_checked()
    expect(screen.locator("#referent-expiry-hint")).to_contain_text("seulement un nombre")
    assert_accessible(page, "referent-current")
    screenshot(page, "network-referent")
    box.check()
    screen.get_by_role("button", name="Enregistrer ce choix").click()
    expect(page.locator("#status")).to_contain_text("C'est enregistré")
    assert referent_of(api, world)["current"]["show_expiry_count"] is True

    # Ending is one tap.
    visible_screen(page, "referent").get_by_role("button", name="Arrêter avec mon référent").click()
    expect(page.locator("#status")).to_contain_text(
        "C'est fait : Mme Dupont n'est plus votre référent."
    )
    assert referent_of(api, world)["current"] is None
    # The history is kept: who, and from when to when.
    expect(page.locator("#referent-history-list")).to_contain_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, du "
    )
    assert_accessible(page, "referent-ended")


def test_a_hand_over_is_accepted_and_the_documents_reshared_in_one_tap(
    world: World, page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    doc_id, old_grant = shared_document(live_server, world, tmp_path)
    proposed = api.post(
        "/api/v1/referent/proposals",
        json={"person_id": world.person.account_id, "structure_id": world.structure_id},
        headers=world.professional.headers,
    )
    assert proposed.status_code == 201, proposed.text

    # The person accepts the proposal in the page (this phone has not checked the
    # territory's key yet: the re-share below asks for it first).
    log_in_person(page, live_server, world)
    expect(page.locator("#referent-count")).to_have_text(" (1)")
    screen = open_referent(page)
    expect(screen.locator("#referent-proposals")).to_contain_text(
        "Mme Dupont propose d'être votre référent."
    )
    assert_accessible(page, "referent-proposal")
    screen.get_by_role("button", name="Accepter").click()
    expect(page.locator("#status")).to_have_text("C'est fait : Mme Dupont est votre référent.")

    # Mme Dupont leaves; M. Martin of the same CCAS takes over.
    martin = join(
        api,
        invite(api, world.structure_admin, world.structure_id, "professional", "M. Martin"),
        material(15, "martin"),
    )
    certify_member(api, world.structure_admin, world.structure_id, martin.account_id)
    named = api.post(
        "/api/v1/referent/handovers",
        json={
            "from_professional_id": world.professional.account_id,
            "successor_id": martin.account_id,
            "reason": "left",
        },
        headers=world.professional.headers,
    )
    assert named.status_code == 201, named.text
    before = api.get("/api/v1/shared-with-me", headers=martin.headers)
    assert before.status_code == 200, before.text
    assert before.json()["grants"] == []

    # At the next opening the person is asked first, in plain words.
    log_out_person(page)
    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "referent-handover")
    ask = visible_screen(page, "referent-handover")
    expect(ask.locator("#handover-text")).to_have_text(
        "Votre référent Mme Dupont s'en va. M. Martin, CCAS de Clermont-Ferrand, prend sa place."
    )
    expect(ask.locator("#handover-ask")).to_contain_text(
        "M. Martin verra alors les mêmes papiers que Mme Dupont"
    )
    expect(ask.locator("#handover-regrants")).to_contain_text("Ouverture de droits au RSA")
    assert_accessible(page, "referent-handover")
    screenshot(page, "network-handover")
    ask.get_by_role("button", name="Oui", exact=True).click()
    check_territory_key(page)

    visible_screen(page, "referent")
    expect(page.locator("#status")).to_have_text(
        "C'est fait : M. Martin est votre référent. M. Martin voit les mêmes papiers que "
        "Mme Dupont, jusqu'aux mêmes dates.",
        timeout=30_000,
    )
    assert referent_of(api, world)["current"]["professional"]["id"] == martin.account_id

    # M. Martin holds a grant: same purpose, same document, same end; its key opens.
    [grant] = api.get("/api/v1/shared-with-me", headers=martin.headers).json()["grants"]
    assert grant["state"] == "active"
    assert grant["purpose"] == RSA
    assert [d["id"] for d in grant["documents"]] == [doc_id]
    assert grant["not_after"] == old_grant["not_after"]
    pulled = api.post(
        f"/api/v1/grants/{grant['id']}/documents/{doc_id}/pull",
        json={"reason": None},
        headers=martin.headers,
    )
    assert pulled.status_code == 200, pulled.text
    sealed = b64decode(pulled.headers["Coffre-Sealed-Key"])
    his_key = open_sealed_key(sealed, martin.keys.box_public, martin.keys.box_secret)
    mine = api.get(f"/api/v1/documents/{doc_id}", headers=world.person.headers).json()
    person = world.person.keys
    own_key = open_sealed_key(b64decode(mine["sealed_key"]), person.box_public, person.box_secret)
    assert his_key == own_key
