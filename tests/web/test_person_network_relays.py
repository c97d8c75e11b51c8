"""A relay from the person's phone (issue 16), in a phone-sized Chromium at 360 px.

Mme Dupont (CCAS) orients the person to the CAF's RSA service with a liaison note. At
the vault's opening the person is asked first: what the service is, what it needs, and
which of their papers for each need (nothing ticked); "D'accord" names the chosen one.
Once Mme Lefèvre (CAF) takes the relay, the next opening asks "Mme Lefèvre a pris le
relais : lui montrer vos papiers ?": "Oui, lui montrer" makes a grant scoped to the
relay to her alone (its key opens for her) and gives her the note's key; the person
reads the note and the CAF's return, each checked against its author's certified key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from client import relays as relay_client
from crypto import b64decode
from crypto.sealed import open_sealed_key
from tests.relays.world import RelayWorld, build_relay_world
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    go,
    log_in,
    log_out_person,
    pin_root,
    root_pin,
    visible_screen,
)

NOTE = "Madame vient de perdre son logement.\nElle préfère être appelée le matin."
RETURN = "Rendez-vous pris le 14 à 10 h."


def relay_as(api: TestClient, who: Any, relay_id: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/relays/{relay_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def open_vault_on(page: Page, base: str, rw: RelayWorld, home: str) -> None:
    """Log out if needed, then log in: the vault opens on `home`."""
    page.goto(base)
    pin_root(page, root_pin(rw.cw.world.admin))
    log_in(page, base, rw.person.login, PERSON_PASSPHRASE, home)


def test_the_person_agrees_to_a_relay_then_shows_the_taker_their_papers(
    page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    rw = build_relay_world(api, tmp_path)
    relay = rw.propose(text=NOTE)

    # First thing at the vault's opening: the agreement, in plain words.
    open_vault_on(page, live_server, rw, "relay-agree")
    agree = visible_screen(page, "relay-agree")
    expect(agree.locator("#relay-agree-intro")).to_have_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, vous propose d'aller vers : "
        "Ouverture des droits RSA, CAF du Puy-de-Dôme."
    )
    expect(agree.locator("#relay-agree-note-text")).to_have_text(NOTE)
    expect(agree.locator("#relay-agree-needs")).to_contain_text("Identité : lequel montrer ?")
    expect(agree.locator("#relay-agree-needs")).to_contain_text(
        "Justificatif de domicile : lequel montrer ?"
    )
    # Nothing ticked among choices that are there (else the count below proves nothing).
    expect(agree.locator("input[name=relay-doc]")).not_to_have_count(0)
    expect(agree.locator("input[name=relay-doc]:checked")).to_have_count(0)
    assert_accessible(page, "relay-agree")
    screenshot(page, "network-relay-agree")
    agree.locator(f'label[for="relay-doc-{rw.cw.identity}"]').click()
    agree.get_by_role("button", name="D'accord").click()
    visible_screen(page, "relays")
    expect(page.locator("#status")).to_contain_text("C'est noté : vous êtes d'accord.")
    expect(page.locator("#relay-list")).to_contain_text("Le service n'a pas encore répondu.")
    assert_accessible(page, "relays")
    held = relay_as(api, rw.person, relay["id"])
    assert held["agreed_at"] is not None
    assert held["documents"] == [rw.cw.identity]

    # The CAF takes it; nothing is shared with Mme Lefèvre until the person says so.
    relay_client.take(rw.agent.client(api), relay["id"])
    assert api.get("/api/v1/shared-with-me", headers=rw.agent.headers).json()["grants"] == []

    log_out_person(page)
    open_vault_on(page, live_server, rw, "relay-share")
    ask = visible_screen(page, "relay-share")
    expect(ask.locator("h1")).to_have_text("Mme Lefèvre a pris le relais")
    expect(ask.locator("#relay-share-who")).to_contain_text("Lui montrer vos papiers ?")
    expect(ask.locator("input[name=relay-days]")).not_to_have_count(0)
    expect(ask.locator("input[name=relay-days]:checked")).to_have_count(0)
    assert_accessible(page, "relay-share")
    screenshot(page, "network-relay-share")
    ask.get_by_text("1 semaine").click()
    ask.get_by_role("button", name="Oui, lui montrer").click()
    visible_screen(page, "relays")
    expect(page.locator("#status")).to_have_text(
        "C'est fait : Mme Lefèvre peut voir vos papiers.", timeout=30_000
    )

    # A grant scoped to the relay, to Mme Lefèvre alone; its key opens for her.
    [grant] = api.get("/api/v1/shared-with-me", headers=rw.agent.headers).json()["grants"]
    assert grant["relay_id"] == relay["id"]
    assert [d["id"] for d in grant["documents"]] == [rw.cw.identity]
    pulled = api.post(
        f"/api/v1/grants/{grant['id']}/documents/{rw.cw.identity}/pull",
        json={"reason": None},
        headers=rw.agent.headers,
    )
    assert pulled.status_code == 200, pulled.text
    agent = rw.agent.keys
    her_key = open_sealed_key(
        b64decode(pulled.headers["Coffre-Sealed-Key"]), agent.box_public, agent.box_secret
    )
    own = api.get(f"/api/v1/documents/{rw.cw.identity}", headers=rw.person.headers).json()
    person = rw.person.keys
    assert her_key == open_sealed_key(
        b64decode(own["sealed_key"]), person.box_public, person.box_secret
    )
    assert api.get("/api/v1/shared-with-me", headers=rw.other_agent.headers).json()["grants"] == []
    # The note's key was sealed to her by the person's page: she reads the note.
    taken = relay_as(api, rw.agent, relay["id"])
    text = relay_client.read_note(rw.agent.client(api), agent, taken, pinned_root=rw.root)
    assert text == NOTE

    # She answers; the person reads the note and the return on the relay's screen.
    relay_client.send_return(
        rw.agent.client(api),
        agent,
        taken,
        RETURN,
        author_id=rw.agent.account_id,
        pinned_root=rw.root,
    )
    page.get_by_role("button", name="Voir le détail").click()
    detail = visible_screen(page, "relay")
    expect(detail.locator("#relay-state")).to_contain_text("Mme Lefèvre a pris le relais le")
    expect(detail.locator("#relay-note-heading")).to_have_text("Le mot de Mme Dupont")
    expect(detail.locator("#relay-note-text")).to_have_text(NOTE)
    expect(detail.locator("#relay-return-heading")).to_have_text("La réponse de Mme Lefèvre")
    expect(detail.locator("#relay-return-text")).to_have_text(RETURN)
    assert_accessible(page, "relay")
    screenshot(page, "network-relay-detail")

    # The person was told of the taking in plain words, with no name in the notice,
    # on top of the history ("Historique", one place since issue 18).
    history = go(page, "Historique")
    notices = history.locator("#notification-list")
    expect(notices).to_contain_text("quelqu'un du service a pris le relais")
    expect(notices).to_contain_text("le service a envoyé une réponse")

    # The history says each step in plain words (the server's sentences).
    expect(history.locator("#history-list")).to_contain_text("Vous avez accepté le relais")
    expect(history.locator("#history-list")).to_contain_text("a pris le relais")


def test_saying_no_to_a_relay_closes_it_and_nothing_is_shared(
    page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    rw = build_relay_world(api, tmp_path)
    relay = rw.propose(text=NOTE)
    open_vault_on(page, live_server, rw, "relay-agree")
    agree = visible_screen(page, "relay-agree")
    agree.get_by_role("button", name="Non", exact=True).click()
    visible_screen(page, "relays")
    expect(page.locator("#status")).to_have_text(
        "C'est noté : vous avez dit non. Ouverture des droits RSA ne recevra rien."
    )
    expect(page.locator("#relay-list")).to_contain_text("Vous avez dit non.")
    held = relay_as(api, rw.person, relay["id"])
    assert held["state"] == "closed"
    assert held["close_reason"] == "person_refused"
    assert held["agreed_at"] is None
    # The CAF sees nothing of it.
    incoming = api.get("/api/v1/relays?box=incoming", headers=rw.agent.headers)
    assert incoming.status_code == 200, incoming.text
    assert incoming.json()["relays"] == []
