"""The share dialog's options in the page: several documents at once (those the purpose
allows), an optional limit on openings, and a new key for the documents of a share
that has already ended."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    check_territory_key,
    confirm_share,
    log_in_person,
    log_in_professional,
    my_shares,
    next_step,
    person_client,
    share,
    start_sharing,
    visible_screen,
)


def upload_two(live_server: str, world: World, tmp_path: Path) -> tuple[str, str]:
    """An identity card and a bill (both allowed for RSA), and a prescription (not)."""
    with person_client(live_server, world) as (client, keys):
        card = client.upload(
            png(tmp_path / "Carte d'identité.png", 300, 200, seed=1),
            "identite",
            box_public_key=keys.box_public,
            keys=keys,
        )
        bill = tmp_path / "Facture EDF.pdf"
        bill.write_bytes(b"%PDF-1.4\n% facture\n" * 20)
        address = client.upload(bill, "domicile", box_public_key=keys.box_public, keys=keys)
        # A health document: the RSA purpose does not allow it, so it is not offered.
        client.upload(
            png(tmp_path / "Ordonnance.png", 200, 200, seed=2),
            "sante",
            box_public_key=keys.box_public,
            keys=keys,
        )
    return card, address


def test_several_documents_shared_at_once_with_a_limit_on_openings(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    card, address = upload_two(live_server, world, tmp_path)
    log_in_person(page, live_server, world)
    start_sharing(page, "Carte d'identité.png")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")

    pick = visible_screen(page, "share-pick")
    boxes = pick.locator("input[name=document]")
    expect(boxes).to_have_count(2)
    expect(pick.get_by_label(re.compile("^Carte d'identité"))).to_be_checked()
    expect(pick.get_by_label(re.compile("^Facture EDF"))).not_to_be_checked()
    assert_accessible(page, "share-pick-several")
    pick.get_by_label(re.compile("^Carte d'identité")).uncheck()
    pick.get_by_role("button", name="Suivant").click()
    expect(page.locator("#share-pick-error")).to_have_text("Cochez au moins un document.")
    pick.get_by_label(re.compile("^Carte d'identité")).check()
    pick.get_by_label(re.compile("^Facture EDF")).check()
    screenshot(page, "50-share-pick-several")
    pick.get_by_role("button", name="Suivant").click()

    next_step(page, "share-professional", "Mme Dupont")
    duration = visible_screen(page, "share-duration")
    duration.get_by_text("1 semaine").click()
    limit = duration.get_by_label("Nombre d'ouvertures (facultatif)")
    limit.fill("500")
    duration.get_by_role("button", name="Suivant").click()
    expect(page.locator("#share-duration-error")).to_have_text(
        "Écrivez un nombre de 1 à 100. Ou laissez vide : il n'y aura pas de limite."
    )
    limit.fill("2")
    assert_accessible(page, "share-duration-limit")
    screenshot(page, "51-share-duration-limit")
    duration.get_by_role("button", name="Suivant").click()
    check_territory_key(page)

    visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_have_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, pourra voir vos 2 documents « Carte d'identité », "
        "« Facture EDF » pendant 1 semaine, pour « Ouverture de droits au RSA ». "
        "Ouvertures permises en tout : 2 au plus."
    )
    shares = confirm_share(page)
    expect(page.locator("#status")).to_have_text(
        "C'est fait : Mme Dupont peut voir « Carte d'identité », « Facture EDF »."
    )
    # The card lists the grant's documents in the server's order (by id).
    expect(shares.locator(".card")).to_contain_text(
        re.compile(
            r"Document : « (Carte d'identité|Facture EDF) », « (Carte d'identité|Facture EDF) »"
        )
    )
    expect(shares.locator(".card")).to_contain_text("« Carte d'identité »")
    expect(shares.locator(".card")).to_contain_text("« Facture EDF »")

    with person_client(live_server, world) as (client, _):
        [grant] = client.call("GET", "/grants").json()["grants"]
    assert grant["max_pulls"] == 2
    assert sorted(d["id"] for d in grant["documents"]) == sorted([card, address])


def test_the_documents_of_an_ended_share_get_a_new_key(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    card, _ = upload_two(live_server, world, tmp_path)
    with person_client(live_server, world) as (client, keys):
        grant = share(client, keys, world, RSA, [card], days=7)
        client.call("POST", f"/grants/{grant['id']}/revoke")
        before = client.call("GET", f"/documents/{card}").json()

    log_in_person(page, live_server, world)
    shares = my_shares(page)
    expect(shares.locator(".card")).to_contain_text("Arrêté par vous le ")
    expect(shares.get_by_role("button", name="Arrêter le partage")).to_have_count(0)
    assert_accessible(page, "grants-ended")
    shares.get_by_role("button", name="Changer la serrure de ces documents").click()
    expect(page.locator("#status")).to_have_text(
        "Vos documents ont une nouvelle serrure. Mme Dupont ne peut plus les ouvrir.",
        timeout=30_000,
    )
    with person_client(live_server, world) as (client, keys):
        after = client.call("GET", f"/documents/{card}").json()
        target = tmp_path / "back.png"
        client.download(card, target, keys)
    assert after["ciphertext_sha256"] != before["ciphertext_sha256"]
    assert target.read_bytes() == (tmp_path / "Carte d'identité.png").read_bytes()


def test_the_professional_reads_their_notifications_in_plain_sentences(
    world: World, page: Page, live_server: str, tmp_path: Path, api: TestClient
) -> None:
    card, _ = upload_two(live_server, world, tmp_path)
    asked = api.post(
        "/api/v1/requests",
        json={
            "person_login": world.person.login,
            "structure_id": world.structure_id,
            "purpose": RSA,
            "category": "domicile",
        },
        headers=world.professional.headers,
    )
    assert asked.status_code == 202, asked.text
    with person_client(live_server, world) as (client, keys):
        grant = share(client, keys, world, RSA, [card], days=7)
        client.call("POST", f"/grants/{grant['id']}/revoke")
        [request] = client.call("GET", "/requests").json()["requests"]
        client.call("POST", f"/requests/{request['id']}/decline", json={"word": "Je l'apporte"})

    log_in_professional(page, live_server)
    menu = page.get_by_role("button", name=re.compile("^Mes notifications"))
    expect(menu).to_have_text("Mes notifications (3)")
    menu.click()
    notices = visible_screen(page, "pro-notifications").locator(".notice")
    expect(notices).to_have_count(3)
    # The test clock is frozen: the three have the same time, so any order.
    when = r"le \d\d/\d\d/\d{4} à \d\d:\d\d"
    expected = [
        rf"amina a refusé votre demande \(Justificatif de domicile\) {when}\. "
        r"Réponse : « Je l'apporte »",
        rf"amina a arrêté un partage \(« Ouverture de droits au RSA »\) {when} : vous ne "
        r"pouvez plus ouvrir ces documents\.",
        rf"amina vous a partagé des documents pour « Ouverture de droits au RSA », {when}\.",
    ]
    texts = notices.all_inner_texts()
    for pattern in expected:
        assert sum(1 for text in texts if re.search(pattern, text)) == 1, (pattern, texts)
    assert_accessible(page, "pro-notifications")
    screenshot(page, "52-pro-notifications")
    expect(menu).to_have_text("Mes notifications")
