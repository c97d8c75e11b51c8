"""The person's journey in a phone-sized Chromium against the real server.

Sign up, keep the recovery kit, add a two-page document from files, see it, open
it, log out, log in again and find it again; with axe on every screen, no
horizontal scroll at 360 px, and nothing left in the browser's storage.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from client import CoffreClient
from tests.web.conftest import PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    click_to_screen,
    describe_document,
    document_button,
    keep_recovery_kit,
    log_in,
    log_out_person,
    pick_pages,
    visible_screen,
)

PASSPHRASE = "girafe orange tram lundi pluie"  # not the hint's example: that one is refused


def downloaded_bytes(page: Page) -> bytes:
    """The bytes behind the "Télécharger" link (a blob: URL made from the decrypted data)."""
    link = page.locator("#doc-download")
    expect(link).to_have_attribute("href", re.compile("^blob:"))
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


def sign_up(page: Page, base: str, login: str) -> str:
    page.goto(base)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="Créer mon coffre").click()
    form = visible_screen(page, "signup")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill(login)
    form.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(PASSPHRASE)
    form.get_by_role("button", name="Créer mon coffre").click()
    code = keep_recovery_kit(page)
    visible_screen(page, "documents")
    return code


def add_two_pages(page: Page, tmp_path: Path) -> None:
    page.get_by_role("button", name="Ajouter un document").click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "identite", "Carte d'identité")
    kind.get_by_label("Valable jusqu'au (facultatif)").fill("2031-06-30")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    front = png(tmp_path / "recto.png", 2400, 1500, seed=1)
    back = png(tmp_path / "verso.png", 2400, 1500, seed=2)
    pick_pages(page, [front, back])


@pytest.mark.both_backends
def test_a_person_signs_up_adds_a_two_page_document_and_finds_it_again(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    response = page.goto(live_server)
    assert response is not None
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    visible_screen(page, "welcome")
    assert_accessible(page, "welcome")
    screenshot(page, "01-welcome")

    page.get_by_role("button", name="Créer mon coffre").click()
    form = visible_screen(page, "signup")
    assert_accessible(page, "signup")
    screenshot(page, "02-signup")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("amina")
    form.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(PASSPHRASE)
    form.get_by_role("button", name="Créer mon coffre").click()

    visible_screen(page, "recovery")
    code = page.locator("#recovery-code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", code)
    expect(page.locator("#recovery-qr svg")).to_be_visible()
    assert_accessible(page, "recovery")
    screenshot(page, "03-recovery-kit")
    # No way out of the kit but keeping it: no bar, no log-out (issue 18).
    expect(page.locator("#person-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Me déconnecter")).to_be_hidden()
    assert keep_recovery_kit(page) == code

    visible_screen(page, "documents")
    expect(page.get_by_text("Votre coffre est vide")).to_be_visible()
    assert_accessible(page, "documents-empty")

    add_two_pages(page, tmp_path)
    assert_accessible(page, "add-pages")
    screenshot(page, "04-add-pages")
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    expect(page.get_by_text("C'est fait : votre document est dans votre coffre.")).to_be_visible()
    entry = document_button(page, "Carte d'identité.pdf")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("Valable jusqu'au 30/06/2031")
    assert_accessible(page, "documents")
    screenshot(page, "05-documents")

    entry.click()
    visible_screen(page, "document")
    # pdf.js draws the PDF in the page (Android has no PDF viewer): tests/web/test_pdf_view.py.
    expect(page.locator("#doc-preview .pdf-view canvas").first).to_be_visible(timeout=30_000)
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    assert_accessible(page, "document")
    screenshot(page, "06-document")
    expect(page.locator("#doc-download")).to_have_attribute("download", "Carte d'identité.pdf")
    pdf = downloaded_bytes(page)
    assert pdf.startswith(b"%PDF-")
    # One image per page, each downscaled in the page from 2400 px to 1600 px wide.
    assert len(re.findall(rb"/Subtype /Image", pdf)) == 2
    assert [int(w) for w in re.findall(rb"/Width (\d+)", pdf)] == [1600, 1600]
    assert len(pdf) < 1_500_000

    # The one thing the page keeps (format v2, docs: crypto/SPEC.md §24.4): that this
    # vault is migrated and the versions seen above 1, under the account's id; no secret.
    assert page.evaluate("sessionStorage.length") == 0
    [kept] = page.evaluate("Object.keys(localStorage)")
    assert re.fullmatch(r"coffre\.v2\.versions\.[0-9a-f]{32}", kept)
    assert json.loads(page.evaluate(f"localStorage.getItem('{kept}')")) == {
        "migrated": True,
        "seen": {},
    }
    log_out_person(page)
    expect(page.get_by_text("Votre coffre est fermé.")).to_be_visible()
    assert all(c["name"] != "coffre_session" for c in page.context.cookies())

    log_in(page, live_server, "amina", PASSPHRASE, "documents")
    assert_accessible(page, "login-documents")
    expect(document_button(page, "Carte d'identité.pdf")).to_be_visible()


def test_the_session_cookie_is_out_of_the_scripts_reach(page: Page, live_server: str) -> None:
    sign_up(page, live_server, "sacha")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["coffre_session"]["httpOnly"] is True
    assert cookies["coffre_session"]["sameSite"] == "Strict"
    assert "coffre_session" not in page.evaluate("document.cookie")


def test_reloading_the_page_asks_for_the_passphrase_again(page: Page, live_server: str) -> None:
    sign_up(page, live_server, "lina")
    page.reload()
    unlock = visible_screen(page, "unlock")
    assert_accessible(page, "unlock")
    unlock.get_by_label("Phrase secrète").fill("not the passphrase at all")
    unlock.get_by_role("button", name="Déverrouiller").click()
    expect(page.locator("#unlock-error")).to_have_text(
        "L'identifiant ou la phrase secrète n'est pas bon. Vérifiez, puis réessayez."
    )
    unlock.get_by_label("Phrase secrète").fill(PASSPHRASE)
    unlock.get_by_role("button", name="Déverrouiller").click()
    visible_screen(page, "documents")


@pytest.mark.both_backends
def test_a_document_uploaded_in_the_browser_comes_out_of_the_python_client_byte_identical(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "noor")
    add_two_pages(page, tmp_path)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    entry = document_button(page, "Carte d'identité.pdf")
    entry.click()
    visible_screen(page, "document")
    from_browser = downloaded_bytes(page)

    with CoffreClient(live_server) as client:
        logged = client.login("noor", PASSPHRASE)
        [entry_py] = client.list_documents(logged.keys)
        assert entry_py.metadata.name == "Carte d'identité.pdf"
        assert entry_py.category == "identite"
        target = tmp_path / "from-python.pdf"
        client.download(entry_py.id, target, logged.keys)
    assert target.read_bytes() == from_browser


@pytest.mark.both_backends
def test_a_document_uploaded_by_the_python_client_opens_in_the_browser(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    with CoffreClient(live_server) as client:
        client.signup("yusuf", PASSPHRASE)
        logged = client.login("yusuf", PASSPHRASE)
        photo = png(tmp_path / "attestation-caf.png", 300, 200, seed=3)
        client.upload(photo, "caf", box_public_key=logged.keys.box_public, keys=logged.keys)
    log_in(page, live_server, "yusuf", PASSPHRASE, "documents")
    document_button(page, "attestation-caf.png").click()
    visible_screen(page, "document")
    image = page.locator("#doc-preview img")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('#doc-preview img').naturalWidth") == 300
    assert downloaded_bytes(page) == photo.read_bytes()


def test_renaming_and_deleting_a_document(page: Page, live_server: str, tmp_path: Path) -> None:
    sign_up(page, live_server, "ines")
    add_two_pages(page, tmp_path)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    document_button(page, "Carte d'identité.pdf").click()
    visible_screen(page, "document")
    # The preview is in place (no button moves under the finger any more).
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    rename = click_to_screen(page, page.get_by_role("button", name="Renommer"), "rename")
    assert_accessible(page, "rename")
    rename.get_by_label("Nouveau nom").fill("CNI recto verso.pdf")
    rename.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    document_button(page, "CNI recto verso.pdf").click()
    visible_screen(page, "document")
    click_to_screen(page, page.get_by_role("button", name="Supprimer"), "delete")
    assert_accessible(page, "delete")
    screenshot(page, "07-delete")
    page.get_by_role("button", name="Oui, supprimer").click()
    visible_screen(page, "documents")
    expect(page.get_by_text("Votre coffre est vide")).to_be_visible()


def test_the_page_speaks_english_when_asked(page: Page, live_server: str) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Welcome to your vault")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "welcome-en")


@pytest.mark.both_backends
def test_a_dropped_connection_saves_nothing_and_the_upload_can_be_retried(
    page: Page, live_server: str, tmp_path: Path, problems: dict[str, PageProblems]
) -> None:
    problems["page"].allow("ERR_CONNECTION_RESET")
    sign_up(page, live_server, "farid")
    add_two_pages(page, tmp_path)
    dropped: list[str] = []

    def drop_first_upload(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.method == "POST" and not dropped:
            dropped.append(request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/documents", drop_first_upload)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    sending = visible_screen(page, "sending")
    expect(page.locator("#send-error")).to_have_text(
        "L'envoi n'a pas marché. Rien n'est enregistré. Vous pouvez réessayer."
    )
    assert_accessible(page, "upload-failed")
    screenshot(page, "08-upload-failed")
    with CoffreClient(live_server) as client:
        logged = client.login("farid", PASSPHRASE)
        assert client.list_documents(logged.keys) == []
    sending.get_by_role("button", name="Réessayer").click()
    visible_screen(page, "documents")
    expect(document_button(page, "Carte d'identité.pdf")).to_be_visible()
    assert len(dropped) == 1


def test_keys_are_wiped_after_a_while_without_activity(page: Page, live_server: str) -> None:
    page.clock.install()
    sign_up(page, live_server, "hugo")
    page.clock.fast_forward("31:00")  # the server's idle limit is 30 minutes
    welcome = visible_screen(page, "welcome")
    expect(
        page.get_by_text("Votre coffre s'est fermé, car personne ne l'a utilisé pendant un moment.")
    ).to_be_visible()
    expect(welcome.get_by_role("button", name="Créer mon coffre")).to_be_visible()
    page.goto(live_server)
    visible_screen(page, "welcome")  # the session is over on the server too: no unlock screen
