"""The documents list on a phone (360 px), issue 18: each row's "⋯ Actions" renames,
shares or deletes the document without opening it, and nothing of the document is
downloaded for that; a document opened once is not downloaded again while it is
unchanged (the page keeps its ciphertext, revalidated by ETag: doc-cache.js), and
what the page kept is gone at log-out, at the idle lock and at a page load without
a session. axe on the new screens states; nothing scrolls sideways."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, Response, expect

from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    document_button,
    log_in_person,
    next_step,
    person_client,
    pin_root,
    root_pin,
    shown_name,
    visible_screen,
)

# What the page may have kept of the documents, in the browser's Cache Storage (doc-cache.js;
# the service worker's "coffre-shell-<version>" holds the public page and its static files
# only, and stays: tests/web/test_installed_app.py).
KEPT = "async () => (await caches.keys()).filter((name) => name.startsWith('coffre-ciphertexts-'))"
NOTHING_KEPT = (
    "async () => (await caches.keys())"
    ".filter((name) => name.startsWith('coffre-ciphertexts-')).length === 0"
)


def _upload(live_server: str, world: World, path: Path, category: str = "identite") -> str:
    with person_client(live_server, world) as (client, keys):
        return client.upload(path, category, box_public_key=keys.box_public, keys=keys)


def _contents(page: Page) -> list[str]:
    """Every request of a document's content the page makes from now on."""
    seen: list[str] = []
    page.on(
        "request", lambda request: seen.append(request.url) if "/content" in request.url else None
    )
    return seen


def _row(page: Page, name: str) -> Locator:
    """The row of the list whose name reads exactly `name` without its extension."""
    exact = re.compile(f"^{re.escape(shown_name(name))}$")
    return page.locator('[data-screen="documents"] li.doc').filter(
        has=page.locator(".doc-name", has_text=exact)
    )


def _row_action(page: Page, name: str, action: str) -> None:
    """ "⋯ Actions" on the row of `name`, then its button `action`."""
    row = _row(page, name)
    toggle = row.get_by_role("button", name="Actions", exact=True)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    row.get_by_role("button", name=action, exact=True).click()


def test_rename_and_share_from_the_list_download_nothing(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    _upload(live_server, world, png(tmp_path / "attestation-caf.png", 300, 200, seed=5))
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))  # the territory's key checked on an earlier visit
    contents = _contents(page)

    # The row: the document opens it; "⋯ Actions" beside it, named by the document.
    row = _row(page, "attestation-caf.png")
    toggle = row.get_by_role("button", name="Actions", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_accessible_description("attestation-caf")  # no ".png" shown
    expect(row.get_by_role("button", name="Renommer")).to_be_hidden()
    toggle.click()
    for action in ("Renommer", "Partager", "Supprimer"):
        button = row.get_by_role("button", name=action, exact=True)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, (action, box)
    assert_accessible(page, "documents, a row's actions")
    screenshot(page, "60-documents-row-actions")
    page.keyboard.press("Escape")  # closes the row's actions, the focus stays on "Actions"
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(row.get_by_role("button", name="Renommer")).to_be_hidden()

    # Rename, cancelled: back to the list, not to a document that was never opened.
    _row_action(page, "attestation-caf.png", "Renommer")
    rename = visible_screen(page, "rename")
    expect(rename.get_by_label("Nouveau nom")).to_have_value("attestation-caf")
    rename.get_by_role("button", name="Annuler").click()
    visible_screen(page, "documents")

    # Rename, for real.
    _row_action(page, "attestation-caf.png", "Renommer")
    rename = visible_screen(page, "rename")
    assert_accessible(page, "rename from the list")
    rename.get_by_label("Nouveau nom").fill("Attestation CAF")
    rename.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    expect(page.locator("#status")).to_have_text("Le nom a été changé.")
    expect(_row(page, "Attestation CAF.png")).to_have_count(1)

    # Share, from the list: the whole dialog on the list's data.
    _row_action(page, "Attestation CAF.png", "Partager")
    visible_screen(page, "share-purpose")
    expect(page.locator("#share-purpose-doc")).to_have_text("Document : « Attestation CAF »")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    confirm = visible_screen(page, "share-confirm")
    expect(page.locator("#share-recap-documents")).to_have_text("Attestation CAF")
    confirm.get_by_role("button", name="Oui, partager").click()
    visible_screen(page, "grants")
    expect(page.locator("#status")).to_have_text(
        "C'est fait : Mme Dupont peut voir « Attestation CAF »."
    )
    with person_client(live_server, world) as (client, _):
        [grant] = client.call("GET", "/grants").json()["grants"]
    assert grant["state"] == "active"
    assert grant["professional_id"] == world.professional.account_id

    assert contents == []  # nothing of the document was downloaded


def test_delete_from_the_list_asks_first_and_downloads_nothing(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    _upload(live_server, world, png(tmp_path / "quittance.png", 200, 200, seed=6), "domicile")
    log_in_person(page, live_server, world)
    contents = _contents(page)

    _row_action(page, "quittance.png", "Supprimer")
    delete = visible_screen(page, "delete")
    expect(page.locator("#delete-name")).to_have_text("quittance")  # no ".png" shown
    assert_accessible(page, "delete from the list")
    screenshot(page, "61-delete-from-the-list")
    delete.get_by_role("button", name="Non, garder").click()
    visible_screen(page, "documents")
    expect(_row(page, "quittance.png")).to_have_count(1)

    _row_action(page, "quittance.png", "Supprimer")
    visible_screen(page, "delete").get_by_role("button", name="Oui, supprimer").click()
    visible_screen(page, "documents")
    expect(page.locator("#status")).to_have_text("Le document a été supprimé.")
    expect(_row(page, "quittance.png")).to_have_count(0)
    with person_client(live_server, world) as (client, _):
        assert client.call("GET", "/documents").json()["documents"] == []
    assert contents == []


def _open(page: Page, name: str) -> None:
    document_button(page, name).click()
    visible_screen(page, "document")
    expect(page.locator("#doc-preview img")).to_be_visible()


def test_a_document_opened_again_is_not_downloaded_again_and_log_out_empties_the_cache(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    photo = png(tmp_path / "avis-impot.png", 600, 400, seed=7)
    _upload(live_server, world, photo, "impots")
    log_in_person(page, live_server, world)
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r) if r.url.endswith("/content") else None)
    [listed] = page.evaluate(
        "async () => (await (await fetch('/api/v1/documents')).json()).documents"
    )

    _open(page, "avis-impot.png")
    page.get_by_role("button", name="Retour à mes documents").click()
    visible_screen(page, "documents")
    _open(page, "avis-impot.png")

    # One body transfer, then a 304 with no body: the image shows from the kept copy.
    assert [r.status for r in responses] == [200, 304]
    bodies = [r.request.sizes()["responseBodySize"] for r in responses]
    assert bodies == [listed["ciphertext_size"], 0]
    assert page.evaluate("document.querySelector('#doc-preview img').naturalWidth") == 600
    kept = page.evaluate(
        """async () => {
            const names = (await caches.keys()).filter((n) => n.startsWith('coffre-ciphertexts-'));
            const cache = await caches.open(names[0]);
            const [key] = await cache.keys();
            const copy = await cache.match(key);
            const bytes = new Uint8Array(await copy.arrayBuffer());
            return {names, url: key.url, etag: copy.headers.get('ETag'), size: bytes.length,
                    head: Array.from(bytes.slice(0, 8))};
        }"""
    )
    # The ciphertext only (not the PNG it decrypts to), under the account's cache.
    assert kept["names"] == [f"coffre-ciphertexts-{world.person.account_id}"]
    assert kept["url"].endswith(f"/api/v1/documents/{listed['id']}/content")
    assert kept["etag"] == f'"{listed["ciphertext_sha256"]}"'
    assert kept["size"] == listed["ciphertext_size"]
    assert kept["head"] != list(b"\x89PNG\r\n\x1a\n")

    # A kept copy changed on the device: refused by the checks, dropped, downloaded again.
    page.evaluate(
        """async () => {
            const names = (await caches.keys()).filter((n) => n.startsWith('coffre-ciphertexts-'));
            const cache = await caches.open(names[0]);
            const [key] = await cache.keys();
            const copy = await cache.match(key);
            const bytes = new Uint8Array(await copy.arrayBuffer());
            bytes[bytes.length - 1] ^= 1;
            await cache.put(key, new Response(bytes, {headers: {ETag: copy.headers.get('ETag')}}));
        }"""
    )
    page.get_by_role("button", name="Retour à mes documents").click()
    visible_screen(page, "documents")
    _open(page, "avis-impot.png")
    assert [r.status for r in responses] == [200, 304, 304, 200]
    assert page.evaluate("document.querySelector('#doc-preview img').naturalWidth") == 600
    expect(page.locator("#doc-error")).to_be_hidden()

    page.locator("[data-action=logout]").first.dispatch_event("click")  # wherever the menu puts it
    visible_screen(page, "welcome")
    page.wait_for_function(NOTHING_KEPT)


def test_the_idle_lock_empties_the_cache(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    page.clock.install()
    _upload(live_server, world, png(tmp_path / "cni.png", 300, 200, seed=8))
    log_in_person(page, live_server, world)
    _open(page, "cni.png")
    page.wait_for_function(f"async () => ({KEPT})().then((names) => names.length === 1)")
    page.clock.fast_forward("31:00")  # the server's idle limit is 30 minutes
    visible_screen(page, "welcome")
    page.wait_for_function(NOTHING_KEPT)


def test_a_page_load_without_a_session_empties_what_a_closed_tab_left(
    page: Page, live_server: str
) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome")
    page.evaluate(
        """async () => {
            const cache = await caches.open('coffre-ciphertexts-left-by-a-closed-tab');
            await cache.put('/api/v1/documents/x/content', new Response('ciphertext'));
        }"""
    )
    assert page.evaluate(KEPT) == ["coffre-ciphertexts-left-by-a-closed-tab"]
    page.reload()
    visible_screen(page, "welcome")
    page.wait_for_function(NOTHING_KEPT)
