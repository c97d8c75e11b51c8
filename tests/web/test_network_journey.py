"""The network journey of issue 16 in phone-sized Chromium (360 px), against the real
server: Mme Dupont (CCAS), the person's référent de parcours, orients the person to the
CAF's RSA service found in the directory, with a liaison note sealed in her page (SPEC
§29); the person agrees on their own phone (a second browser); Mme Lefèvre of the CAF
(a third browser) sees the relay only then, takes it, reads the note once Mme Dupont's
page gave her its key, opens the documents the person's page shared at its next visit
(a grant scoped to the relay, the ordinary stamped pull), and sends a return that
Mme Dupont reads in the person's view of "Personnes suivies". Every screen of the
professional's side passes axe (WCAG 2.1 A/AA) and does not scroll sideways.

The territory is tests/relays/world.py's (a CCAS and a CAF, a charter whose [relais]
block lets a CCAS orient to a CAF for the RSA, the CAF's service imported through the
data·inclusion path). Other screens of the professional's side (the guide's link, the
hand-over, a declined relay) are in the shorter tests below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from coffre.relays.models import Relay
from tests.factories import PASSPHRASE, make_person
from tests.relays.world import RelayWorld, build_relay_world
from tests.structures.world import Who
from tests.web.conftest import PHONE, PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    PRO_LOGIN,
    PRO_PASSPHRASE,
    log_in,
    pin_root,
    root_pin,
    visible_screen,
)

AGENT_LOGIN = "agent-caf"  # tests/relays/world.py: Mme Lefèvre, slot 16
AGENT_PASSPHRASE = f"{PASSPHRASE} 16"
NOTE = "Monsieur sort d'hospitalisation.\nIl préfère être appelé l'après-midi."
RETURN = "Dossier RSA déposé le jour même. Rendez-vous pris pour la signature."
SERVICE = "Ouverture des droits RSA"
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> RelayWorld:
    """The relay territory; Mme Dupont is the person's référent, and the person holds two
    photos (an identity card, a proof of address) the pages can stamp when opened."""
    rw = build_relay_world(api, tmp_path)
    response = api.post(
        "/api/v1/referent",
        json={
            "professional_id": rw.orienting.account_id,
            "structure_id": rw.cw.world.structure_id,
        },
        headers=rw.person.headers,
    )
    assert response.status_code == 201, response.text
    client = rw.person.client(api)
    for seed, (category, name) in enumerate((("identite", "cni"), ("domicile", "edf")), 1):
        path = png(tmp_path / f"{name}.png", 240, 160, seed)
        client.upload(path, category, keys=rw.person.keys)
    return rw


def _context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(
        viewport=PHONE, locale="fr-FR", has_touch=True, accept_downloads=True
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def third_phone(chromium: Browser) -> Iterator[BrowserContext]:
    """The CAF agent's phone."""
    yield from _context(chromium)


def new_page(context: BrowserContext, problems: dict[str, PageProblems], name: str) -> Page:
    page = context.new_page()
    problems[name] = PageProblems(page)
    return page


def menu(page: Page, name: str, screen: str) -> Any:
    page.locator("#menu").get_by_role("button", name=re.compile(f"^{name}")).click()
    return visible_screen(page, screen)


def orient_from_directory(page: Page) -> None:
    """Mme Dupont: Relais → Orienter une personne → the CAF's service → the form."""
    relays = menu(page, "Relais", "pro-relays")
    assert_accessible(page, "pro relays, nothing yet")
    relays.get_by_role("button", name="Orienter une personne").click()
    search = visible_screen(page, "orient-service")
    search.get_by_label("De quoi la personne a-t-elle besoin ?").fill("droits rsa")
    search.get_by_label("Où ?").fill("63")
    search.get_by_role("button", name="Chercher").click()
    results = search.get_by_role("list", name="Services trouvés")
    card = results.get_by_role("listitem").filter(has_text=SERVICE)
    # A service of a structure that is not on Coffre cannot carry a relay.
    assert_accessible(page, "pro orient search")
    screenshot(page, "70-pro-orient-search")
    card.get_by_role("button", name="Orienter une personne vers ce service").click()
    form = visible_screen(page, "orient")
    expect(form.locator("#orient-service-name")).to_have_text(
        f"Vers : {SERVICE}, CAF du Puy-de-Dôme"
    )
    # Nothing is chosen for the professional: no person, no purpose, no paper.
    assert form.locator("input:checked").count() == 0
    form.get_by_role("button", name="Proposer le relais").click()
    expect(form.locator("#orient-error")).to_have_text("Choisissez d'abord la personne.")
    assert_accessible(page, "pro orient form")
    form.get_by_text("amina").click()
    form.get_by_label("Pour quelle démarche ?").select_option(label="Ouverture de droits au RSA")
    form.get_by_text("Identité", exact=True).click()
    form.get_by_text("Justificatif de domicile").click()
    form.get_by_label("Fiche de liaison").fill(NOTE)
    screenshot(page, "71-pro-orient-form")
    form.get_by_role("button", name="Proposer le relais").click()
    sent = visible_screen(page, "pro-relays")
    expect(page.locator("#status")).to_contain_text("Relais proposé pour amina")
    expect(sent.locator("#pro-relays-outgoing")).to_contain_text(
        "En attente de l'accord de la personne"
    )


def agree_on_the_phone(page: Page, base: str, rw: RelayWorld) -> None:
    """The person, on their phone: the relay is put to them at the vault's opening; they
    pick the two photos (nothing ticked for them) and agree."""
    log_in(page, base, rw.person.login, PERSON_PASSPHRASE, "relay-agree")
    agree = visible_screen(page, "relay-agree")
    assert agree.locator("input:checked").count() == 0
    agree.get_by_text("cni", exact=True).click()
    agree.get_by_text("edf", exact=True).click()
    agree.get_by_role("button", name="D'accord").click()
    visible_screen(page, "relays")


def open_relay(page: Page, box: str, name: str) -> Any:
    """From the menu, the relay whose card in `box` (incoming/outgoing) names `name`."""
    relays = menu(page, "Relais", "pro-relays")
    card = relays.locator(f"#pro-relays-{box} li").filter(has_text=name)
    card.get_by_role("button", name=re.compile("^Voir le relais")).click()
    return visible_screen(page, "pro-relay")


def relay_as(api: TestClient, who: Who, relay_id: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/relays/{relay_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.both_backends
def test_a_referent_orients_the_person_agrees_the_caf_takes_and_the_referent_reads_the_return(
    rw: RelayWorld,
    live_server: str,
    phone: BrowserContext,
    second_phone: BrowserContext,
    third_phone: BrowserContext,
    problems: dict[str, PageProblems],
) -> None:
    api = rw.api
    pin = root_pin(rw.cw.world.admin)
    # 1. Mme Dupont orients the person from the CAF's service, with a liaison note.
    dupont = new_page(phone, problems, "dupont")
    log_in(dupont, live_server, PRO_LOGIN, PRO_PASSPHRASE, "shared")
    pin_root(dupont, pin)
    orient_from_directory(dupont)
    [relay] = api.get("/api/v1/relays?box=outgoing", headers=rw.orienting.headers).json()["relays"]
    rid = relay["id"]
    assert relay["state"] == "proposed" and relay["agreed_at"] is None
    # The CAF sees nothing before the person agreed.
    assert api.get(f"/api/v1/relays/{rid}", headers=rw.agent.headers).status_code == 404

    # 2. The person agrees on their own phone.
    person = new_page(second_phone, problems, "person")
    agree_on_the_phone(person, live_server, rw)
    assert relay_as(api, rw.person, rid)["agreed_at"] is not None

    # 3. Mme Lefèvre of the CAF sees the relay, takes it; the note waits for its key.
    agent = new_page(third_phone, problems, "agent")
    log_in(agent, live_server, AGENT_LOGIN, AGENT_PASSPHRASE, "shared")
    pin_root(agent, pin)
    expect(agent.locator("#pro-relays-count")).to_have_text(" (1)")  # waiting in the menu
    seen = open_relay(agent, "incoming", "amina")
    expect(seen.locator("#pro-relay-state")).to_have_text(
        "Accepté par la personne, en attente d'être pris"
    )
    assert_accessible(agent, "pro relay to take")
    screenshot(agent, "72-pro-relay-to-take")
    seen.get_by_role("button", name="Prendre le relais").click()
    expect(agent.locator("#status")).to_contain_text("Vous avez pris le relais.")
    expect(seen.locator("#pro-relay-state")).to_contain_text("Pris par Mme Lefèvre")
    expect(seen.locator("#pro-relay-note")).to_contain_text("sera lisible dès que")

    # 4. Mme Dupont's page gives the taker the note's key (her "Relais" screen).
    menu(dupont, "Relais", "pro-relays")
    expect(dupont.locator("#pro-relays-outgoing")).to_contain_text("Pris par Mme Lefèvre")
    for _ in range(50):
        if relay_as(api, rw.agent, rid)["note_key"]:
            break
        dupont.wait_for_timeout(100)
    assert relay_as(api, rw.agent, rid)["note_key"], "the taker never got the note's key"

    # 5. The person's next visit: the page offers to share the papers with the taker.
    person.goto(live_server)
    pin_root(person, pin)  # the territory key the person checked before
    unlock = visible_screen(person, "unlock")
    unlock.get_by_label("Phrase secrète").fill(PERSON_PASSPHRASE)
    unlock.get_by_role("button", name="Déverrouiller").click()
    share = visible_screen(person, "relay-share")
    expect(share.locator("#relay-share-title")).to_have_text("Mme Lefèvre a pris le relais")
    share.locator("input[name=relay-days]").first.check()
    share.get_by_role("button", name="Oui, lui montrer").click()
    visible_screen(person, "relays")
    expect(person.locator("#status")).to_contain_text("Mme Lefèvre peut voir vos papiers")

    # 6. Mme Lefèvre reads the note, opens a document, and sends a return.
    taken = open_relay(agent, "incoming", "amina")
    expect(taken.locator("#pro-relay-note")).to_contain_text("Il préfère être appelé l'après-midi.")
    papers = taken.locator("#pro-relay-documents")
    expect(papers.get_by_role("button")).to_have_count(2)
    expect(papers.get_by_role("button", name="Ouvrir « cni »")).to_be_visible()
    assert_accessible(agent, "pro relay taken")
    screenshot(agent, "73-pro-relay-taken")
    papers.get_by_role("button").first.click()
    copy = visible_screen(agent, "shared-document")
    expect(copy.locator("#shared-doc-mark")).to_contain_text("Mme Lefèvre")
    taken = open_relay(agent, "incoming", "amina")
    taken.get_by_role("button", name="Envoyer un retour").click()
    answer = visible_screen(agent, "pro-relay-return")
    expect(answer.locator("#pro-relay-return-what")).to_have_text("À : Mme Dupont")
    assert_accessible(agent, "pro relay return")
    answer.get_by_label("Votre retour").fill(RETURN)
    answer.get_by_role("button", name="Envoyer le retour").click()
    visible_screen(agent, "pro-relay")
    expect(agent.locator("#status")).to_have_text("Votre retour est envoyé.")
    expect(agent.locator("#pro-relay-return")).to_contain_text(RETURN)

    # 7. Mme Dupont sees the return in the person's view of "Personnes suivies".
    followed = menu(dupont, "Personnes suivies", "followed")
    card = followed.locator("#followed-list li").filter(has_text="amina")
    expect(card).to_contain_text("Relais en cours")
    assert_accessible(dupont, "followed")
    screenshot(dupont, "74-followed")
    card.get_by_role("button", name="Voir le suivi de amina").click()
    view = visible_screen(dupont, "followed-person")
    expect(view.locator("#followed-person-relays")).to_contain_text("CAF du Puy-de-Dôme")
    expect(view.locator("#followed-person-network")).to_contain_text("Mme Lefèvre")
    assert_accessible(dupont, "followed person")
    screenshot(dupont, "75-followed-person")
    view.get_by_role("button", name="Voir le relais : CAF du Puy-de-Dôme").click()
    back = visible_screen(dupont, "pro-relay")
    expect(back.locator("#pro-relay-return")).to_contain_text("Retour de Mme Lefèvre")
    expect(back.locator("#pro-relay-return")).to_contain_text(RETURN)
    assert_accessible(dupont, "pro relay with its return")
    screenshot(dupont, "76-pro-relay-return")
    # The need is met: she closes the relay (one confirmation, said to the others).
    back.get_by_role("button", name="Le besoin est couvert : fermer le relais").click()
    close = visible_screen(dupont, "pro-relay-close")
    assert_accessible(dupont, "pro relay close")
    close.get_by_role("button", name="Oui, fermer le relais").click()
    back = visible_screen(dupont, "pro-relay")
    expect(dupont.locator("#status")).to_have_text("Le relais est fermé : le besoin est couvert.")
    expect(back.locator("#pro-relay-state")).to_have_text("Terminé")
    assert relay_as(api, rw.person, rid)["close_reason"] == "done"
    back.get_by_role("button", name="Retour").click()
    visible_screen(dupont, "followed-person")
    # Her notifications say what happened, in plain words, without opening anything.
    notices = menu(dupont, "Mes notifications", "pro-notifications")
    expect(notices).to_contain_text("amina vous a choisi·e comme référent·e de parcours.")
    expect(notices).to_contain_text(
        "relais pour « Ouverture de droits au RSA » : la personne a donné son accord."
    )
    expect(notices).to_contain_text(
        "relais pour « Ouverture de droits au RSA » : le relais est pris."
    )
    expect(notices).to_contain_text(
        "relais pour « Ouverture de droits au RSA » : un retour est arrivé."
    )
    for name, seen_problems in problems.items():
        assert seen_problems.items == [], name


def test_the_guide_leads_a_professional_to_orient_and_a_structure_declines_with_a_reason(
    rw: RelayWorld, live_server: str, second_phone: BrowserContext, page: Page
) -> None:
    # Without an account the guide offers no relay; a professional's session does, for a
    # service of a Coffre structure under the charter only.
    page.goto(f"{live_server}/guide/services/{rw.service_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    expect(page.get_by_role("link", name="Orienter une personne vers ce service")).to_have_count(0)
    log_in(page, live_server, PRO_LOGIN, PRO_PASSPHRASE, "shared")
    page.goto(f"{live_server}/guide/services/{rw.outside_service_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide alimentaire")
    expect(page.get_by_role("link", name="Orienter une personne vers ce service")).to_have_count(0)
    page.goto(f"{live_server}/guide/services/{rw.service_id}")
    link = page.get_by_role("link", name="Orienter une personne vers ce service")
    assert_accessible(page, "guide service for a professional")
    link.click()
    unlock = visible_screen(page, "unlock")
    unlock.get_by_label("Phrase secrète").fill(PRO_PASSPHRASE)
    unlock.get_by_role("button", name="Déverrouiller").click()
    form = visible_screen(page, "orient")
    expect(form.locator("#orient-service-name")).to_have_text(
        f"Vers : {SERVICE}, CAF du Puy-de-Dôme"
    )
    assert form.locator("input:checked").count() == 0

    # A relay the person agreed to, declined by the CAF with a reason the others read.
    relay = rw.agreed()
    # A note the server changed is refused by the page, and nothing of it is shown.
    with rw.api.app.state.coffre.db.unit_of_work() as db:  # type: ignore[attr-defined]
        row = db.get(Relay, relay["id"])
        assert row is not None
        row.note = row.note[:-1] + bytes([row.note[-1] ^ 1])
    mine = open_relay(page, "outgoing", SERVICE)
    expect(mine.locator("#pro-relay-note")).to_contain_text("Ce message ne peut pas être ouvert")
    expect(mine.locator("#pro-relay-note")).not_to_contain_text("Besoin")
    agent = second_phone.new_page()
    log_in(agent, live_server, AGENT_LOGIN, AGENT_PASSPHRASE, "shared")
    seen = open_relay(agent, "incoming", "amina")
    seen.get_by_role("button", name="Refuser").click()
    decline = visible_screen(agent, "pro-relay-decline")
    decline.get_by_role("button", name="Refuser le relais").click()
    expect(decline.locator("#pro-relay-decline-error")).not_to_be_empty()
    assert relay_as(rw.api, rw.person, relay["id"])["state"] == "proposed"
    assert_accessible(agent, "pro relay decline")
    decline.get_by_label("Pourquoi ?").fill("Le dossier relève de la MSA, pas de la CAF.")
    decline.get_by_role("button", name="Refuser le relais").click()
    visible_screen(agent, "pro-relays")
    expect(agent.locator("#status")).to_contain_text("Relais refusé.")
    declined = relay_as(rw.api, rw.orienting, relay["id"])
    assert declined["state"] == "declined"
    assert declined["decline_reason"] == "Le dossier relève de la MSA, pas de la CAF."
    expect(agent.locator("#pro-relays-incoming")).to_contain_text(
        "Refusé : « Le dossier relève de la MSA, pas de la CAF. »"
    )


@pytest.fixture
def linked(api: TestClient, tmp_path: Path) -> RelayWorld:
    """The relay territory, the person linked to Mme Dupont but without a référent."""
    return build_relay_world(api, tmp_path)


def test_a_referent_proposal_then_hand_overs_named_by_the_referent_and_by_her_structure_admin(
    linked: RelayWorld, live_server: str, page: Page, second_phone: BrowserContext
) -> None:
    api = linked.api
    log_in(page, live_server, PRO_LOGIN, PRO_PASSPHRASE, "shared")
    followed = menu(page, "Personnes suivies", "followed")
    expect(followed.locator("#followed-list")).to_have_text(
        "Personne ne vous a encore choisi·e comme référent·e de parcours."
    )
    assert_accessible(page, "followed, nobody yet")
    followed.get_by_role("button", name="Proposer d'être référent·e").click()
    propose = visible_screen(page, "referent-propose")
    assert propose.locator("input:checked").count() == 0
    propose.get_by_role("button", name="Envoyer la proposition").click()
    expect(propose.locator("#referent-propose-error")).to_have_text(
        "Choisissez d'abord la personne."
    )
    assert_accessible(page, "referent proposal")
    propose.get_by_text("amina", exact=True).click()
    propose.get_by_role("button", name="Envoyer la proposition").click()
    visible_screen(page, "followed")
    expect(page.locator("#status")).to_contain_text("amina verra votre proposition")
    mine = api.get("/api/v1/referent", headers=linked.person.headers).json()
    [proposal] = mine["proposals"]
    assert proposal["professional"]["id"] == linked.orienting.account_id
    assert mine["current"] is None  # nothing changes until the person accepts
    accepted = api.post(
        f"/api/v1/referent/proposals/{proposal['id']}/accept", headers=linked.person.headers
    )
    assert accepted.status_code == 200, accepted.text

    # Twenty more persons choose her: the list comes in pages of 20 (the server's cursor).
    for i in range(20):
        other = make_person(api, login=f"suivi-{i:02d}")
        chosen = api.post(
            "/api/v1/referent",
            json={
                "professional_id": linked.orienting.account_id,
                "structure_id": linked.cw.world.structure_id,
            },
            headers=other.headers,
        )
        assert chosen.status_code == 201, chosen.text
    followed = menu(page, "Personnes suivies", "followed")
    expect(followed.locator("#followed-list li")).to_have_count(20)
    followed.get_by_role("button", name="Voir les personnes suivantes").click()
    expect(followed.locator("#followed-list li")).to_have_count(21)
    expect(followed.get_by_role("button", name="Voir les personnes suivantes")).to_be_hidden()
    expect(followed.locator("#followed-20")).to_be_focused()

    # Mme Dupont will be absent: she names Mme Lefèvre for the person she chooses.
    followed.get_by_role("button", name="Nommer un·e remplaçant·e").click()
    who = visible_screen(page, "pro-handover")
    assert who.locator("input:checked").count() == 0
    who.get_by_label("Chercher le ou la remplaçant·e (nom ou structure)").fill("lefèvre")
    expect(who.locator("#pro-handover-list input")).to_have_count(1)
    assert_accessible(page, "hand-over, successor")
    who.get_by_text("Mme Lefèvre", exact=True).click()
    who.get_by_role("button", name="Suivant").click()
    why = visible_screen(page, "pro-handover-details")
    expect(why.locator("#pro-handover-summary")).to_have_text(
        "Vous passez le relais à Mme Lefèvre, CAF du Puy-de-Dôme."
    )
    assert why.locator("input:checked").count() == 0
    why.get_by_text("Absence, jusqu'à une date").click()
    why.get_by_role("button", name="Prévenir les personnes").click()
    expect(why.locator("#pro-handover-details-error")).to_contain_text("jusqu'à quand")
    back_on = (date.today() + timedelta(days=30)).isoformat()
    why.get_by_label("Absence jusqu'au").fill(back_on)
    why.get_by_text("Seulement celles que je choisis").click()
    why.locator("#pro-handover-persons").get_by_text("amina").click()
    assert_accessible(page, "hand-over, reason and persons")
    screenshot(page, "77-pro-handover")
    why.get_by_role("button", name="Prévenir les personnes").click()
    visible_screen(page, "followed")
    expect(page.locator("#status")).to_contain_text("Personnes prévenues : 1.")
    handover = api.get("/api/v1/referent", headers=linked.person.headers).json()["handover"]
    assert handover["successor"]["id"] == linked.agent.account_id
    assert handover["reason"] == "absent" and handover["until"] == back_on
    # Only the person she chose is asked.
    assert api.get("/api/v1/referent", headers=other.headers).json()["handover"] is None

    # M. Bernard, admin of the CCAS, names a successor for his member Mme Dupont: the
    # hand-over covers every person she follows (he does not see them).
    admin = second_phone.new_page()
    log_in(admin, live_server, "bernard", f"{PASSPHRASE} 11", "shared")
    menu(admin, "Personnes suivies", "followed")
    admin.get_by_role("button", name="Nommer un·e remplaçant·e").click()
    who = visible_screen(admin, "pro-handover")
    who.get_by_label("Les personnes suivies par").select_option(label="Mme Dupont")
    who.get_by_label("Chercher le ou la remplaçant·e (nom ou structure)").fill("girard")
    who.get_by_text("M. Girard", exact=True).click()
    who.get_by_role("button", name="Suivant").click()
    why = visible_screen(admin, "pro-handover-details")
    expect(why.locator("#pro-handover-summary")).to_have_text(
        "Mme Dupont passe le relais à M. Girard, CAF du Puy-de-Dôme."
    )
    expect(why.locator("#pro-handover-scope-field")).to_be_hidden()
    why.get_by_text("Départ", exact=True).click()
    why.get_by_role("button", name="Prévenir les personnes").click()
    visible_screen(admin, "followed")
    expect(admin.locator("#status")).to_contain_text("Personnes prévenues : 21.")
    handover = api.get("/api/v1/referent", headers=linked.person.headers).json()["handover"]
    assert handover["successor"]["id"] == linked.other_agent.account_id
    assert handover["reason"] == "left"
    assert api.get("/api/v1/referent", headers=other.headers).json()["handover"]["reason"] == "left"

    # At a desk: the same screens, wider, still accessible.
    page.set_viewport_size(DESK)
    followed = menu(page, "Personnes suivies", "followed")
    followed.locator("#followed-list li").first.get_by_role("button").click()
    visible_screen(page, "followed-person")
    assert_accessible(page, "followed person at a desk", width=DESK["width"])
    screenshot(page, "78-followed-person-desk")
    menu(page, "Relais", "pro-relays")
    assert_accessible(page, "relays at a desk", width=DESK["width"])
