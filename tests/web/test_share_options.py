"""The share dialog's options in the page: several documents at once (those the purpose
allows), an optional limit on openings, and a new key for the documents of a share
that has already ended."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from client import CoffreClient, consent
from tests.consent.world import RSA, consent_charter, publish
from tests.structures.world import World, build_world, pinned_root
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.test_consent_journey import (
    PERSON_PASSPHRASE,
    PRO_PASSPHRASE,
    log_in,
    visible_screen,
)


@pytest.fixture
def world(api: TestClient) -> World:
    world = build_world(api)
    publish(api, world, consent_charter(world.structure_id))
    return world


def upload_two(live_server: str, world: World, tmp_path: Path) -> tuple[str, str]:
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        card = client.upload(
            png(tmp_path / "Carte d'identité.png", 300, 200, seed=1),
            "identite",
            box_public_key=logged.keys.box_public,
        )
        bill = tmp_path / "Facture EDF.pdf"
        bill.write_bytes(b"%PDF-1.4\n% facture\n" * 20)
        address = client.upload(bill, "domicile", box_public_key=logged.keys.box_public)
        # A health document: the RSA purpose does not allow it, so it is not offered.
        client.upload(
            png(tmp_path / "Ordonnance.png", 200, 200, seed=2),
            "sante",
            box_public_key=logged.keys.box_public,
        )
    return card, address


def test_several_documents_shared_at_once_with_a_limit_on_openings(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    card, address = upload_two(live_server, world, tmp_path)
    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    page.get_by_role("button", name=re.compile("Carte d'identité.png")).click()
    visible_screen(page, "document")
    page.get_by_role("button", name="Partager", exact=True).click()
    purpose = visible_screen(page, "share-purpose")
    purpose.get_by_text("Ouverture de droits au RSA").click()
    purpose.get_by_role("button", name="Suivant").click()

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

    who = visible_screen(page, "share-professional")
    who.get_by_text("Mme Dupont").click()
    who.get_by_role("button", name="Suivant").click()
    duration = visible_screen(page, "share-duration")
    duration.get_by_text("1 semaine").click()
    limit = duration.get_by_label("Nombre de consultations (facultatif)")
    limit.fill("500")
    duration.get_by_role("button", name="Suivant").click()
    expect(page.locator("#share-duration-error")).to_have_text(
        "Le nombre de consultations est un nombre de 1 à 100, ou rien pour ne pas limiter."
    )
    limit.fill("2")
    assert_accessible(page, "share-duration-limit")
    screenshot(page, "51-share-duration-limit")
    duration.get_by_role("button", name="Suivant").click()
    trust = visible_screen(page, "share-trust")
    trust.get_by_label("Les chiffres sont les mêmes").check()
    trust.get_by_role("button", name="Continuer").click()

    visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_have_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, pourra voir vos 2 documents « Carte d'identité », "
        "« Facture EDF » pendant 1 semaine, pour « Ouverture de droits au RSA ». "
        "Ouvertures permises en tout : 2 au plus."
    )
    page.get_by_role("button", name="Oui, partager").click()
    shares = visible_screen(page, "grants")
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

    with CoffreClient(live_server) as client:
        client.login(world.person.login, PERSON_PASSPHRASE)
        [grant] = client.call("GET", "/grants").json()["grants"]
    assert grant["max_pulls"] == 2
    assert sorted(d["id"] for d in grant["documents"]) == sorted([card, address])


def test_the_documents_of_an_ended_share_get_a_new_key(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    card, _ = upload_two(live_server, world, tmp_path)
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        grant = consent.share(
            client,
            logged.keys,
            person_id=world.person.account_id,
            professional_id=world.professional.account_id,
            pinned_root=pinned_root(world.admin),
            purpose=RSA,
            document_ids=[card],
            days=7,
        )
        client.call("POST", f"/grants/{grant['id']}/revoke")
        before = client.call("GET", f"/documents/{card}").json()

    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    page.get_by_role("button", name="Mes partages").click()
    shares = visible_screen(page, "grants")
    expect(shares.locator(".card")).to_contain_text("Arrêté par vous le ")
    expect(shares.get_by_role("button", name="Arrêter le partage")).to_have_count(0)
    assert_accessible(page, "grants-ended")
    shares.get_by_role("button", name="Re-chiffrer ces documents").click()
    expect(page.locator("#status")).to_have_text(
        "Vos documents ont une nouvelle clé : une clé gardée par Mme Dupont ne les ouvre plus.",
        timeout=30_000,
    )
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        after = client.call("GET", f"/documents/{card}").json()
        target = tmp_path / "back.png"
        client.download(card, target, logged.keys)
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
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        grant = consent.share(
            client,
            logged.keys,
            person_id=world.person.account_id,
            professional_id=world.professional.account_id,
            pinned_root=pinned_root(world.admin),
            purpose=RSA,
            document_ids=[card],
            days=7,
        )
        client.call("POST", f"/grants/{grant['id']}/revoke")
        [request] = client.call("GET", "/requests").json()["requests"]
        client.call("POST", f"/requests/{request['id']}/decline", json={"word": "Je l'apporte"})

    log_in(page, live_server, "dupont", PRO_PASSPHRASE, "shared")
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
