"""Consent in two phone-sized browsers against the real server.

The territory is set up through the API (tests/structures/world.py, and a charter the
structure adheres to); then, in the page: the person adds a document and shares it
with a named professional (purpose, professional, duration, the territory's key
checked once, a plain summary); the professional, in a second browser, opens it from
"Partagés avec moi" and sees only a stamped copy; the person reads who opened it,
stops the share, and the professional is refused with the server's French message.
axe runs on every new screen; nothing scrolls sideways at 360 px.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pikepdf
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page, expect

from tests.consent.world import MDPH, RSA
from tests.structures.world import World
from tests.web.conftest import PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    OTHER_ROOT,
    PIN_KEY,
    add_identity_card,
    check_territory_key,
    confirm_share,
    go,
    log_in_person,
    log_in_professional,
    my_shares,
    next_step,
    person_client,
    pin_root,
    pull,
    root_pin,
    share,
    shares_requests,
    start_sharing,
    visible_screen,
)


def blob_bytes(page: Page, selector: str) -> bytes:
    encoded = page.evaluate(
        """async (selector) => {
            const a = document.querySelector(selector);
            const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
            let text = '';
            for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text);
        }""",
        selector,
    )
    return base64.b64decode(encoded)


def page_texts(pdf_bytes: bytes) -> list[bytes]:
    """The decoded content stream of each page of a PDF."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        texts = []
        for page in pdf.pages:
            page.contents_coalesce()
            texts.append(page.obj.Contents.read_bytes())
        return texts


def pdf_hex(text: str) -> bytes:
    """How pdf-lib writes `text` in Helvetica: a hex string of its WinAnsi codes."""
    return b"<" + text.encode("cp1252").hex().upper().encode() + b">"


def test_a_person_shares_a_document_the_professional_opens_a_stamped_copy_then_loses_it(
    world: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    tmp_path: Path,
) -> None:
    # -- the person adds a document and shares it ------------------------------------
    log_in_person(page, live_server, world)
    add_identity_card(page, tmp_path)
    assert_accessible(page, "consent-documents-menu")
    start_sharing(page, "Carte d'identité.jpg")

    purpose = visible_screen(page, "share-purpose")
    expect(page.locator("#share-purpose-doc")).to_have_text("Document : « Carte d'identité »")
    # Identity documents may go to both purposes of the charter.
    expect(purpose.locator("input[name=purpose]")).to_have_count(2)
    assert_accessible(page, "share-purpose")
    screenshot(page, "20-share-purpose")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")

    visible_screen(page, "share-professional")
    assert_accessible(page, "share-professional")
    next_step(page, "share-professional", "Mme Dupont")

    duration = visible_screen(page, "share-duration")
    labels = duration.locator(".choice-label").all_inner_texts()
    assert labels == ["1 jour", "1 semaine", "1 mois"]
    # Nothing is chosen for the person: not even the charter's maximum (30 days here).
    expect(duration.locator("input[name=days]:checked")).to_have_count(0)
    duration.get_by_text("1 mois").click()
    assert_accessible(page, "share-duration")
    screenshot(page, "21-share-duration")
    duration.get_by_role("button", name="Suivant").click()

    trust = visible_screen(page, "share-trust")
    expect(page.locator("#share-trust-fingerprint")).to_have_text(root_pin(world.admin))
    assert_accessible(page, "share-trust")
    screenshot(page, "22-share-trust")
    expect(trust.get_by_role("button", name="Continuer")).to_be_disabled()
    check_territory_key(page)

    visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_have_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, pourra voir votre « Carte d'identité » "
        "pendant 1 mois, pour « Ouverture de droits au RSA »."
    )
    expect(page.locator("#share-ends")).to_contain_text("Le partage s'arrêtera tout seul le ")
    assert_accessible(page, "share-confirm")
    screenshot(page, "23-share-confirm")
    shares = confirm_share(page)
    expect(page.locator("#status")).to_have_text(
        "C'est fait : Mme Dupont peut voir « Carte d'identité »."
    )
    card = shares.locator(".card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Mme Dupont, CCAS de Clermont-Ferrand")
    expect(card).to_contain_text("Pour « Ouverture de droits au RSA »")
    expect(card).to_contain_text("Document : « Carte d'identité »")
    expect(card).to_contain_text("En cours jusqu'au ")
    assert_accessible(page, "grants")
    screenshot(page, "24-my-shares")
    # What the page keeps: the territory's key fingerprint the person checked, and
    # (format v2) the vault migrated and the versions seen; nothing secret.
    stored = page.evaluate("Object.keys(localStorage)")
    assert sorted(stored) == sorted([PIN_KEY, f"coffre.v2.versions.{world.person.account_id}"])
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == root_pin(world.admin)

    # The receipt the server kept is the one the person's key signed, for 30 days exactly.
    with person_client(live_server, world) as (client, _):
        [grant] = client.call("GET", "/grants").json()["grants"]
    assert grant["purpose"] == RSA
    assert grant["professional_id"] == world.professional.account_id
    assert grant["state"] == "active"

    # -- the professional opens it, stamped ---------------------------------------------
    pro = second_phone.new_page()
    pro_problems = PageProblems(pro)
    pro_problems.allow("status of 403")  # the refused pull at the end, on purpose
    log_in_professional(pro, live_server)
    shared = pro.locator('[data-screen="shared"]')
    expect(shared.locator(".card")).to_contain_text("Partagé par amina")
    expect(shared.locator(".card")).to_contain_text("Pour « Ouverture de droits au RSA »")
    expect(shared.locator(".card")).to_contain_text("Encore 30 jours")
    expect(pro.get_by_role("button", name="Demandes reçues")).to_be_hidden()
    assert_accessible(pro, "shared-with-me")
    screenshot(pro, "25-shared-with-me")
    pro.get_by_role("button", name="Ouvrir « Carte d'identité »").click()

    visible_screen(pro, "shared-document")
    today = pro.evaluate("new Date().toLocaleDateString('fr-FR', {timeZone: 'Europe/Paris'})")
    mark = (
        "Copie transmise à Mme Dupont (CCAS de Clermont-Ferrand) "
        f"pour Ouverture de droits au RSA le {today}"
    )
    expect(pro.locator("#shared-doc-mark")).to_have_text(mark)
    expect(pro.locator("#shared-doc-preview .pdf-view canvas").first).to_be_visible()
    download = pro.locator("#shared-doc-download")
    expect(download).to_have_attribute("href", re.compile("^blob:"))
    expect(download).to_have_attribute("download", "Carte d'identité - copie marquée.pdf")
    assert_accessible(pro, "shared-document")
    screenshot(pro, "26-stamped-copy")
    # What the preview shows and "Télécharger" saves is the stamped copy, never the photo.
    copy = blob_bytes(pro, "#shared-doc-download")
    assert copy.startswith(b"%PDF-")
    [content] = page_texts(copy)
    assert pdf_hex(mark) in content
    # Chromium's PDF viewer may take the focus (and scroll the page) when it has
    # loaded, which can swallow a pointer click made at that instant.
    pro.get_by_role("button", name="Retour").dispatch_event("click")
    visible_screen(pro, "shared")

    # -- the person sees who opened it, and stops the share ------------------------------
    notices = go(page, "Historique").locator("#notification-list")
    expect(notices.locator(".notice")).to_have_count(1)
    expect(notices.locator(".notice")).to_contain_text(
        re.compile(
            r"Mme Dupont \(CCAS de Clermont-Ferrand\) a ouvert votre document "
            r"« Carte d'identité » le \d\d/\d\d/\d{4} à \d\d:\d\d, "
            r"pour « Ouverture de droits au RSA »\."
        )
    )
    assert_accessible(page, "notifications")
    screenshot(page, "27-who-opened")
    with person_client(live_server, world) as (client, _):
        assert client.call("GET", "/notifications").json()["unread"] == 0

    shares = my_shares(page)
    expect(shares.locator(".card")).to_contain_text("Ouvert 1 fois")
    shares.get_by_role("button", name="Arrêter le partage").click()
    expect(page.locator("#status")).to_have_text(
        "Le partage est arrêté : Mme Dupont ne peut plus ouvrir vos documents."
    )
    expect(shares.locator(".card")).to_contain_text("Arrêté par vous le ")
    # An ended grant still says what it covered.
    expect(shares.locator(".card")).to_contain_text("Document : « Carte d'identité »")
    expect(shares.get_by_role("button", name="Arrêter le partage")).to_have_count(0)

    # -- the professional's page still lists it: opening it is refused ------------------
    pro.get_by_role("button", name="Ouvrir « Carte d'identité »").click()
    expect(pro.locator("#shared-error")).to_have_text("La personne a retiré ce partage.")
    assert_accessible(pro, "shared-refused")
    screenshot(pro, "28-refused")
    pro.get_by_role("button", name="Partagés avec moi").click()
    expect(
        shared.get_by_text("Personne ne vous a partagé de document en ce moment.")
    ).to_be_visible()
    assert pro_problems.items == []


def test_stop_and_re_encrypt_gives_the_document_a_new_key(
    world: World, page: Page, live_server: str, tmp_path: Path, api: TestClient
) -> None:
    with person_client(live_server, world) as (client, keys):
        path = tmp_path / "avis.pdf"
        path.write_bytes(b"%PDF-1.4\n% avis d'imposition\n" * 50)
        doc_id = client.upload(path, "identite", box_public_key=keys.box_public, keys=keys)
        before = client.call("GET", f"/documents/{doc_id}").json()
        grant = share(client, keys, world, RSA, [doc_id], days=7)
    assert pull(api, world, grant, doc_id).status_code == 200

    log_in_person(page, live_server, world)
    shares = my_shares(page)
    expect(shares.locator(".card")).to_contain_text("Ouvert 1 fois")
    shares.get_by_role("button", name="Arrêter et changer la serrure").click()
    expect(page.locator("#status")).to_have_text(
        "Le partage est arrêté. Vos documents ont une nouvelle serrure. Mme Dupont ne peut "
        "plus les ouvrir.",
        timeout=30_000,
    )

    with person_client(live_server, world) as (client, keys):
        after = client.call("GET", f"/documents/{doc_id}").json()
        assert after["sealed_key"] != before["sealed_key"]
        assert after["ciphertext_sha256"] != before["ciphertext_sha256"]
        target = tmp_path / "back.pdf"
        client.download(doc_id, target, keys)
    assert target.read_bytes() == path.read_bytes()
    again = pull(api, world, grant, doc_id)
    assert again.status_code == 403
    assert again.json()["error"]["message"] == "La personne a retiré ce partage."


def test_a_request_is_asked_in_the_page_and_approved_by_sharing(
    world: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    tmp_path: Path,
    problems: dict[str, PageProblems],
) -> None:
    pro = second_phone.new_page()
    pro_problems = PageProblems(pro)
    log_in_professional(pro, live_server)
    pro.get_by_role("button", name="Demander un document").click()
    ask = visible_screen(pro, "ask")
    assert_accessible(pro, "ask")
    ask.get_by_label("Pseudonyme ou numéro de téléphone de la personne").fill("amina")
    ask.get_by_label("Pour quelle démarche ?").select_option(label="Ouverture de droits au RSA")
    ask.get_by_label("Quel document ?").select_option(label="Identité")
    ask.get_by_label("Message pour la personne (facultatif)").fill("Pour votre dossier RSA.")
    ask.get_by_role("button", name="Envoyer la demande").click()
    expect(pro.locator("#status")).to_contain_text("Demande envoyée.")
    expect(ask.locator("#sent-list .card")).to_contain_text("En attente")
    screenshot(pro, "29-ask")

    log_in_person(page, live_server, world)
    add_identity_card(page, tmp_path)
    expect(page.locator('#person-nav [data-badge="shares"]')).to_have_text("1")
    inbox = shares_requests(page)
    expect(inbox.locator(".card")).to_contain_text("vous demande : Identité")
    expect(inbox.locator(".card")).to_contain_text("Son message : « Pour votre dossier RSA. »")
    assert_accessible(page, "requests")
    screenshot(page, "30-requests")
    inbox.get_by_role("button", name="Choisir le document à envoyer").click()
    visible_screen(page, "share-pick")
    assert_accessible(page, "share-pick")
    next_step(page, "share-pick", "Carte d'identité")
    next_step(page, "share-duration", "1 semaine")
    check_territory_key(page)
    visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_contain_text("pendant 1 semaine")
    confirm_share(page)

    pro.get_by_role("button", name="Demander un document").click()
    expect(pro.locator("#sent-list .card")).to_contain_text("Acceptée")
    pro.get_by_role("button", name="Partagés avec moi").click()
    expect(pro.get_by_role("button", name="Ouvrir « Carte d'identité »")).to_be_visible()
    assert pro_problems.items == []


def test_nothing_is_sealed_when_the_territorys_key_is_not_the_one_the_person_checked(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in_person(page, live_server, world)
    # What a page would hold after checking another territory key on an earlier visit.
    pin_root(page, OTHER_ROOT)
    add_identity_card(page, tmp_path)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    visible_screen(page, "share-stop")
    expect(page.locator("#share-stop-text")).to_have_text(
        "Le code de votre territoire a changé depuis votre vérification. Par sécurité, rien "
        "n'a été partagé. Prévenez la personne responsable de la charte."
    )
    assert_accessible(page, "share-stop")
    with person_client(live_server, world) as (client, _):
        assert client.call("GET", "/grants").json()["grants"] == []


def test_the_professional_gives_a_reason_when_the_charter_asks_for_one(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        photo = png(tmp_path / "certificat.png", 400, 300, seed=5)
        doc_id = client.upload(photo, "sante", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, MDPH, [doc_id], days=60, max_pulls=2)
    log_in_professional(page, live_server)
    card = page.locator('[data-screen="shared"] .card')
    expect(card).to_contain_text("Pour « Dossier MDPH »")
    expect(card).to_contain_text("Ouvertures restantes : 2")
    page.get_by_role("button", name="Ouvrir « certificat »").click()
    reason = visible_screen(page, "pull-reason")
    assert_accessible(page, "pull-reason")
    reason.get_by_label("Motif de la consultation").fill("ok")
    reason.get_by_role("button", name="Ouvrir le document").click()
    expect(page.locator("#pull-reason-error")).to_have_text(
        "Écrivez le motif en quelques mots (3 à 300 caractères)."
    )
    reason.get_by_label("Motif de la consultation").fill("Constitution du dossier MDPH")
    reason.get_by_role("button", name="Ouvrir le document").click()
    visible_screen(page, "shared-document")
    expect(page.locator("#shared-doc-facts")).to_have_text("Ouvertures restantes : 1")
    today = page.evaluate("new Date().toLocaleDateString('fr-FR', {timeZone: 'Europe/Paris'})")
    mark = f"Copie transmise à Mme Dupont (CCAS de Clermont-Ferrand) pour Dossier MDPH le {today}"
    expect(page.locator("#shared-doc-mark")).to_have_text(mark)
    [content] = page_texts(blob_bytes(page, "#shared-doc-download"))
    assert pdf_hex(mark) in content

    with person_client(live_server, world) as (client, _):
        [notice] = client.call("GET", "/notifications").json()["notifications"]
    assert notice["data"]["reason"] == "Constitution du dossier MDPH"
