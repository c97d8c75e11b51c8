"""Nothing is chosen for the person (issue 14, item 6), in a 360 px wide browser.

Every step of the share dialog (purpose, documents, professional, duration), the
request's approval, the kind of a new document and a professional's deposit start with
nothing ticked; "Suivant" with nothing chosen stays on the step, says in plain French
what to choose, marks the group invalid and moves the focus to that message; the last
screen of a share spells out each choice in large words before "Oui, partager".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect

from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    check_territory_key,
    confirm_share,
    go,
    log_in_person,
    log_in_professional,
    person_client,
    share,
    shares_requests,
    start_sharing,
    visible_screen,
)


def upload_card_and_bill(live_server: str, world: World, tmp_path: Path) -> str:
    """An identity card and a bill (both allowed for RSA); the card's id."""
    with person_client(live_server, world) as (client, keys):
        card = client.upload(
            png(tmp_path / "Carte d'identité.png", 300, 200, seed=1),
            "identite",
            box_public_key=keys.box_public,
            keys=keys,
        )
        bill = tmp_path / "Facture EDF.pdf"
        bill.write_bytes(b"%PDF-1.4\n% facture\n" * 20)
        client.upload(bill, "domicile", box_public_key=keys.box_public, keys=keys)
    return card


def next_goes_nowhere(page: Page, step: Locator, screen: str, name: str, message: str) -> None:
    """Nothing is ticked; "Suivant" keeps the step and says `message`, focused, group invalid."""
    expect(step.locator(f"input[name={name}]:checked")).to_have_count(0)
    expect(step.locator(f"input[name={name}]").first).to_be_visible()
    step.get_by_role("button", name="Suivant").click()
    error = step.locator(".error")
    expect(error).to_have_text(message)
    expect(error).to_be_focused()
    expect(page.locator(f'[data-screen="{screen}"]')).to_be_visible()
    for box in step.locator(f"input[name={name}]").all():
        expect(box).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{screen}-nothing-chosen")


def choose(step: Locator, name: str, label: str) -> None:
    """Tick `label`: the message and the invalid mark go; "Suivant"."""
    step.get_by_text(label, exact=True).click()
    expect(step.locator(".error")).to_be_hidden()
    expect(step.locator(f"input[name={name}][aria-invalid]")).to_have_count(0)
    step.get_by_role("button", name="Suivant").click()


def test_suivant_without_a_choice_goes_nowhere_and_the_summary_names_every_choice(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    upload_card_and_bill(live_server, world, tmp_path)
    log_in_person(page, live_server, world)
    start_sharing(page, "Carte d'identité.png")

    purpose = visible_screen(page, "share-purpose")
    next_goes_nowhere(
        page,
        purpose,
        "share-purpose",
        "purpose",
        "Choisissez la démarche pour laquelle vous partagez, puis « Suivant ».",
    )
    screenshot(page, "60-share-purpose-nothing-chosen")
    choose(purpose, "purpose", "Ouverture de droits au RSA")

    # Other documents the purpose allows are offered, not ticked; only the one the
    # person pressed "Partager" on is (their own choice).
    pick = visible_screen(page, "share-pick")
    expect(pick.get_by_label(re.compile("^Carte d'identité"))).to_be_checked()
    expect(pick.get_by_label(re.compile("^Facture EDF"))).not_to_be_checked()
    pick.get_by_role("button", name="Suivant").click()

    who = visible_screen(page, "share-professional")
    next_goes_nowhere(
        page,
        who,
        "share-professional",
        "professional",
        "Choisissez la personne qui pourra voir vos documents, puis « Suivant ».",
    )
    choose(who, "professional", "Mme Dupont")

    duration = visible_screen(page, "share-duration")
    next_goes_nowhere(
        page,
        duration,
        "share-duration",
        "days",
        "Choisissez combien de temps dure le partage, puis « Suivant ».",
    )
    screenshot(page, "61-share-duration-nothing-chosen")
    choose(duration, "days", "1 semaine")
    check_territory_key(page)

    confirm = visible_screen(page, "share-confirm")
    until = (datetime.now(UTC) + timedelta(days=7)).astimezone(ZoneInfo("Europe/Paris"))
    expect(page.locator("#share-recap-who")).to_have_text("Mme Dupont")
    expect(page.locator("#share-recap-structure")).to_have_text("CCAS de Clermont-Ferrand")
    expect(page.locator("#share-recap-purpose")).to_have_text("Ouverture de droits au RSA")
    expect(page.locator("#share-recap-documents li")).to_have_text(["Carte d'identité"])
    expect(page.locator("#share-recap-until")).to_have_text(
        re.compile(rf"^Le {until:%d/%m/%Y} à \d\d:\d\d \(1 semaine\)$")
    )
    expect(page.locator("#share-recap-pulls")).to_have_text("Sans limite pendant le partage")
    # In large words, and before the button that shares.
    size = page.locator("#share-recap-who").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 20
    recap_bottom = page.locator(".recap").bounding_box()
    button_top = confirm.get_by_role("button", name="Oui, partager").bounding_box()
    assert recap_bottom is not None and button_top is not None
    assert recap_bottom["y"] + recap_bottom["height"] <= button_top["y"]
    assert_accessible(page, "share-confirm-recap")
    screenshot(page, "62-share-confirm-recap")
    confirm_share(page)


def test_approving_a_request_and_adding_a_document_start_with_nothing_ticked(
    world: World, page: Page, live_server: str, tmp_path: Path, api: TestClient
) -> None:
    upload_card_and_bill(live_server, world, tmp_path)
    asked = api.post(
        "/api/v1/requests",
        json={
            "person_login": world.person.login,
            "structure_id": world.structure_id,
            "purpose": RSA,
            "category": "identite",
        },
        headers=world.professional.headers,
    )
    assert asked.status_code == 202, asked.text
    log_in_person(page, live_server, world)

    inbox = shares_requests(page)
    inbox.get_by_role("button", name="Choisir le document à envoyer").click()
    pick = visible_screen(page, "share-pick")
    next_goes_nowhere(page, pick, "share-pick", "document", "Cochez au moins un document.")
    choose(pick, "document", "Carte d'identité")
    duration = visible_screen(page, "share-duration")
    expect(duration.locator("input[name=days]:checked")).to_have_count(0)
    duration.get_by_role("button", name="Retour").click()
    visible_screen(page, "share-pick").get_by_role("button", name="Retour").click()

    visible_screen(page, "requests")
    go(page, "Documents").get_by_role("button", name="Ajouter un document").click()
    kind = visible_screen(page, "add-kind")
    next_goes_nowhere(
        page, kind, "add-kind", "category", "Choisissez le type de document, puis « Suivant »."
    )
    choose(kind, "category", "Identité")
    visible_screen(page, "add-pages")


def test_a_professional_chooses_the_vault_to_deposit_into_and_what_to_ask_for(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    card = upload_card_and_bill(live_server, world, tmp_path)
    with person_client(live_server, world) as (client, keys):
        share(client, keys, world, RSA, [card], days=7)
    log_in_professional(page, live_server)

    page.get_by_role("button", name="Déposer un document", exact=True).click()
    who = visible_screen(page, "deposit-person")
    next_goes_nowhere(
        page,
        who,
        "deposit-person",
        "person",
        "Choisissez dans quel coffre déposer le document, puis « Suivant ».",
    )
    choose(who, "person", world.person.login)
    visible_screen(page, "add-kind")

    page.get_by_role("button", name="Demander un document").click()
    ask = visible_screen(page, "ask")
    expect(ask.get_by_label("Pour quelle démarche ?")).to_have_value("")
    expect(ask.get_by_label("Quel document ?")).to_have_value("")
    ask.get_by_label("Pseudonyme ou numéro de téléphone de la personne").fill(world.person.login)
    ask.get_by_role("button", name="Envoyer la demande").click()
    expect(ask.locator("#ask-error")).to_have_text(
        "Choisissez la démarche pour laquelle vous demandez un document."
    )
    ask.get_by_label("Pour quelle démarche ?").select_option(label="Ouverture de droits au RSA")
    expect(ask.get_by_label("Quel document ?")).to_have_value("")
    ask.get_by_role("button", name="Envoyer la demande").click()
    expect(ask.locator("#ask-error")).to_have_text("Choisissez le document que vous demandez.")
    assert_accessible(page, "ask-nothing-chosen")
