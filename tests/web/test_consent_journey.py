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
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from client import CoffreClient, consent
from tests.consent.world import MDPH, RSA, consent_charter, publish
from tests.factories import PASSPHRASE
from tests.structures.world import World, build_world, pinned_root
from tests.web.conftest import PHONE, PageProblems, assert_accessible, png, screenshot

PERSON_PASSPHRASE = f"{PASSPHRASE} 14"  # tests/structures/world.py: the person is slot 14
PRO_PASSPHRASE = f"{PASSPHRASE} 12"  # and Mme Dupont slot 12
PIN_KEY = "coffre.trustRoot"


def visible_screen(page: Page, name: str) -> Locator:
    section = page.locator(f'[data-screen="{name}"]')
    expect(section).to_be_visible(timeout=30_000)
    return section


def log_in(page: Page, base: str, login: str, passphrase: str, home: str) -> None:
    page.goto(base)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="J'ai déjà un coffre").click()
    form = visible_screen(page, "login")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill(login)
    form.get_by_label("Phrase secrète", exact=True).fill(passphrase)
    form.get_by_role("button", name="Ouvrir").click()
    visible_screen(page, home)


def add_identity_card(page: Page, tmp_path: Path) -> None:
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    kind.locator('label[for="category-identite"]').click()
    kind.get_by_label("Nom du document (facultatif)").fill("Carte d'identité")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    page.locator("#pick-files").set_input_files([str(png(tmp_path / "cni.png", 900, 600, 4))])
    expect(page.locator("#page-list li")).to_have_count(1, timeout=30_000)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    expect(page.get_by_role("button", name=re.compile("Carte d'identité.jpg"))).to_be_visible()


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


@pytest.fixture
def world(api: TestClient) -> World:
    world = build_world(api)
    publish(api, world, consent_charter(world.structure_id))
    return world


@pytest.fixture
def second_phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(
        viewport=PHONE, locale="fr-FR", has_touch=True, accept_downloads=True
    )
    try:
        yield context
    finally:
        context.close()


def test_a_person_shares_a_document_the_professional_opens_a_stamped_copy_then_loses_it(
    world: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    tmp_path: Path,
) -> None:
    # -- the person adds a document and shares it ------------------------------------
    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    add_identity_card(page, tmp_path)
    assert_accessible(page, "consent-documents-menu")
    page.get_by_role("button", name=re.compile("Carte d'identité.jpg")).click()
    visible_screen(page, "document")
    page.get_by_role("button", name="Partager", exact=True).click()

    purpose = visible_screen(page, "share-purpose")
    expect(page.locator("#share-purpose-doc")).to_have_text("Document : « Carte d'identité »")
    # Identity documents may go to both purposes of the charter.
    expect(purpose.locator("input[name=purpose]")).to_have_count(2)
    assert_accessible(page, "share-purpose")
    screenshot(page, "20-share-purpose")
    purpose.get_by_text("Ouverture de droits au RSA").click()
    purpose.get_by_role("button", name="Suivant").click()

    who = visible_screen(page, "share-professional")
    assert_accessible(page, "share-professional")
    who.get_by_text("Mme Dupont").click()
    who.get_by_role("button", name="Suivant").click()

    duration = visible_screen(page, "share-duration")
    labels = duration.locator(".choice-label").all_inner_texts()
    assert labels == ["1 jour", "1 semaine", "1 mois"]
    # The charter's maximum (30 days for this purpose) is chosen unless the person picks less.
    expect(duration.locator("input[value='30']")).to_be_checked()
    assert_accessible(page, "share-duration")
    screenshot(page, "21-share-duration")
    duration.get_by_role("button", name="Suivant").click()

    trust = visible_screen(page, "share-trust")
    expect(page.locator("#share-trust-fingerprint")).to_have_text(pinned_root(world.admin))
    assert_accessible(page, "share-trust")
    screenshot(page, "22-share-trust")
    go_on = trust.get_by_role("button", name="Continuer")
    expect(go_on).to_be_disabled()
    trust.get_by_label("Les chiffres sont les mêmes").check()
    go_on.click()

    confirm = visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_have_text(
        "Mme Dupont, CCAS de Clermont-Ferrand, pourra voir votre « Carte d'identité » "
        "pendant 1 mois, pour « Ouverture de droits au RSA »."
    )
    expect(page.locator("#share-ends")).to_contain_text("Le partage s'arrêtera tout seul le ")
    assert_accessible(page, "share-confirm")
    screenshot(page, "23-share-confirm")
    confirm.get_by_role("button", name="Oui, partager").click()

    shares = visible_screen(page, "grants")
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
    # The one thing the page keeps: the territory's key fingerprint the person checked.
    stored = page.evaluate("Object.keys(localStorage)")
    assert stored == [PIN_KEY]
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == pinned_root(world.admin)

    # The receipt the server kept is the one the person's key signed, for 30 days exactly.
    with CoffreClient(live_server) as client:
        client.login(world.person.login, PERSON_PASSPHRASE)
        [grant] = client.call("GET", "/grants").json()["grants"]
    assert grant["purpose"] == RSA
    assert grant["professional_id"] == world.professional.account_id
    assert grant["state"] == "active"

    # -- the professional opens it, stamped ---------------------------------------------
    pro = second_phone.new_page()
    pro_problems = PageProblems(pro)
    pro_problems.allow("status of 403")  # the refused pull at the end, on purpose
    log_in(pro, live_server, "dupont", PRO_PASSPHRASE, "shared")
    shared = pro.locator('[data-screen="shared"]')
    expect(shared.locator(".card")).to_contain_text("Partagé par amina")
    expect(shared.locator(".card")).to_contain_text("Pour « Ouverture de droits au RSA »")
    expect(shared.locator(".card")).to_contain_text("Encore 30 jours")
    expect(pro.get_by_role("button", name="Demandes reçues")).to_be_hidden()
    assert_accessible(pro, "shared-with-me")
    screenshot(pro, "25-shared-with-me")
    pro.get_by_role("button", name="Ouvrir « Carte d'identité »").click()

    visible_screen(pro, "shared-document")
    today = pro.evaluate("new Date().toLocaleDateString('fr-FR')")
    mark = (
        "Copie transmise à Mme Dupont (CCAS de Clermont-Ferrand) "
        f"pour Ouverture de droits au RSA le {today}"
    )
    expect(pro.locator("#shared-doc-mark")).to_have_text(mark)
    expect(pro.locator("#shared-doc-preview iframe")).to_be_visible()
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
    page.get_by_role("button", name=re.compile("^Qui a ouvert mes documents")).click()
    notices = visible_screen(page, "notifications")
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
    with CoffreClient(live_server) as client:
        client.login(world.person.login, PERSON_PASSPHRASE)
        assert client.call("GET", "/notifications").json()["unread"] == 0

    page.get_by_role("button", name="Mes partages").click()
    shares = visible_screen(page, "grants")
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
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        path = tmp_path / "avis.pdf"
        path.write_bytes(b"%PDF-1.4\n% avis d'imposition\n" * 50)
        doc_id = client.upload(path, "identite", box_public_key=logged.keys.box_public)
        before = client.call("GET", f"/documents/{doc_id}").json()
        grant = consent.share(
            client,
            logged.keys,
            person_id=world.person.account_id,
            professional_id=world.professional.account_id,
            pinned_root=pinned_root(world.admin),
            purpose=RSA,
            document_ids=[doc_id],
            days=7,
        )
    pulled = api.post(
        f"/api/v1/grants/{grant['id']}/documents/{doc_id}/pull",
        json={"reason": None},
        headers=world.professional.headers,
    )
    assert pulled.status_code == 200

    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    page.get_by_role("button", name="Mes partages").click()
    shares = visible_screen(page, "grants")
    expect(shares.locator(".card")).to_contain_text("Ouvert 1 fois")
    shares.get_by_role("button", name="Arrêter et re-chiffrer").click()
    expect(page.locator("#status")).to_have_text(
        "Le partage est arrêté et vos documents ont une nouvelle clé : Mme Dupont ne peut "
        "plus les ouvrir.",
        timeout=30_000,
    )

    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        after = client.call("GET", f"/documents/{doc_id}").json()
        assert after["sealed_key"] != before["sealed_key"]
        assert after["ciphertext_sha256"] != before["ciphertext_sha256"]
        target = tmp_path / "back.pdf"
        client.download(doc_id, target, logged.keys)
    assert target.read_bytes() == path.read_bytes()
    again = api.post(
        f"/api/v1/grants/{grant['id']}/documents/{doc_id}/pull",
        json={"reason": None},
        headers=world.professional.headers,
    )
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
    log_in(pro, live_server, "dupont", PRO_PASSPHRASE, "shared")
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

    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    add_identity_card(page, tmp_path)
    expect(page.locator("#requests-count")).to_have_text(" (1)")
    page.get_by_role("button", name=re.compile("^Demandes reçues")).click()
    inbox = visible_screen(page, "requests")
    expect(inbox.locator(".card")).to_contain_text("vous demande : Identité")
    expect(inbox.locator(".card")).to_contain_text("Son message : « Pour votre dossier RSA. »")
    assert_accessible(page, "requests")
    screenshot(page, "30-requests")
    inbox.get_by_role("button", name="Choisir le document à envoyer").click()
    pick = visible_screen(page, "share-pick")
    assert_accessible(page, "share-pick")
    pick.get_by_role("button", name="Suivant").click()
    duration = visible_screen(page, "share-duration")
    duration.get_by_text("1 semaine").click()
    duration.get_by_role("button", name="Suivant").click()
    trust = visible_screen(page, "share-trust")
    trust.get_by_label("Les chiffres sont les mêmes").check()
    trust.get_by_role("button", name="Continuer").click()
    visible_screen(page, "share-confirm")
    expect(page.locator("#share-summary")).to_contain_text("pendant 1 semaine")
    page.get_by_role("button", name="Oui, partager").click()
    visible_screen(page, "grants")

    pro.get_by_role("button", name="Demander un document").click()
    expect(pro.locator("#sent-list .card")).to_contain_text("Acceptée")
    pro.get_by_role("button", name="Partagés avec moi").click()
    expect(pro.get_by_role("button", name="Ouvrir « Carte d'identité »")).to_be_visible()
    assert pro_problems.items == []


def test_nothing_is_sealed_when_the_territorys_key_is_not_the_one_the_person_checked(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in(page, live_server, world.person.login, PERSON_PASSPHRASE, "documents")
    # What a page would hold after checking another territory key on an earlier visit.
    page.evaluate(f"localStorage.setItem('{PIN_KEY}', '1111 2222 3333 4444 5555 6666')")
    add_identity_card(page, tmp_path)
    page.get_by_role("button", name=re.compile("Carte d'identité.jpg")).click()
    visible_screen(page, "document")
    page.get_by_role("button", name="Partager", exact=True).click()
    visible_screen(page, "share-purpose").get_by_role("button", name="Suivant").click()
    visible_screen(page, "share-professional").get_by_role("button", name="Suivant").click()
    visible_screen(page, "share-duration").get_by_role("button", name="Suivant").click()
    visible_screen(page, "share-stop")
    expect(page.locator("#share-stop-text")).to_have_text(
        "La clé de votre territoire n'est plus celle que vous avez vérifiée. Par sécurité, "
        "rien n'a été partagé. Prévenez le ou la référent·e de la charte."
    )
    assert_accessible(page, "share-stop")
    with CoffreClient(live_server) as client:
        client.login(world.person.login, PERSON_PASSPHRASE)
        assert client.call("GET", "/grants").json()["grants"] == []


def test_the_professional_gives_a_reason_when_the_charter_asks_for_one(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with CoffreClient(live_server) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        photo = png(tmp_path / "certificat.png", 400, 300, seed=5)
        doc_id = client.upload(photo, "sante", box_public_key=logged.keys.box_public)
        consent.share(
            client,
            logged.keys,
            person_id=world.person.account_id,
            professional_id=world.professional.account_id,
            pinned_root=pinned_root(world.admin),
            purpose=MDPH,
            document_ids=[doc_id],
            days=60,
            max_pulls=2,
        )
    log_in(page, live_server, "dupont", PRO_PASSPHRASE, "shared")
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
    today = page.evaluate("new Date().toLocaleDateString('fr-FR')")
    mark = f"Copie transmise à Mme Dupont (CCAS de Clermont-Ferrand) pour Dossier MDPH le {today}"
    expect(page.locator("#shared-doc-mark")).to_have_text(mark)
    [content] = page_texts(blob_bytes(page, "#shared-doc-download"))
    assert pdf_hex(mark) in content

    with CoffreClient(live_server) as client:
        client.login(world.person.login, PERSON_PASSPHRASE)
        [notice] = client.call("GET", "/notifications").json()["notifications"]
    assert notice["data"]["reason"] == "Constitution du dossier MDPH"
