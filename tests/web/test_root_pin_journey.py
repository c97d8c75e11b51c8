"""The territory's key pinned by its v2 pin (crypto/SPEC.md §25) in the page.

The charter page shows the spoken pin and the QR code of the full payload; the trust
screen shows the spoken pin; a v1 fingerprint kept by an earlier version of the page
becomes the v2 pin of the same key, and one of another key stops the share.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from crypto import fingerprint
from crypto.pins import pin_qr_payload
from tests.structures.world import World, build_world
from tests.web.journeys import (
    PIN_KEY,
    add_identity_card,
    log_in_person,
    next_step,
    pin_root,
    root_pin,
    start_sharing,
    visible_screen,
)
from web.pins import _qr_svg


def _share_until_the_key_check(page: Page, tmp_path: Path) -> None:
    add_identity_card(page, tmp_path)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")


def test_the_charter_page_shows_the_spoken_pin_and_the_qr_code_of_the_whole_pin(
    api: TestClient, live_server: str
) -> None:
    world = build_world(api)
    html = httpx.get(f"{live_server}/charte").text
    assert root_pin(world.admin) in html
    assert _qr_svg(pin_qr_payload(world.admin.keys.sign_public)) in html
    # The 80-bit v1 fingerprint is no longer shown.
    assert fingerprint(world.admin.keys.sign_public) not in html


def test_a_v1_fingerprint_of_the_same_key_becomes_its_v2_pin(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in_person(page, live_server, world)
    # What an earlier version of the page kept after the person compared the key.
    pin_root(page, fingerprint(world.admin.keys.sign_public))
    _share_until_the_key_check(page, tmp_path)
    # Nothing to compare again: the same key the person compared then.
    visible_screen(page, "share-confirm")
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == root_pin(world.admin)


def test_a_v1_fingerprint_of_another_key_stops_the_share(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in_person(page, live_server, world)
    pin_root(page, "1111 2222 3333 4444 5555 6666")
    _share_until_the_key_check(page, tmp_path)
    visible_screen(page, "share-stop")
    # The "root_changed" sentence (web/strings.py), not the one of a check that failed.
    stop = page.locator("#share-stop-text")
    expect(stop).to_contain_text("a changé depuis votre vérification")
    expect(stop).to_contain_text("rien n'a été partagé")
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == "1111 2222 3333 4444 5555 6666"


def test_the_trust_screen_shows_the_spoken_pin_to_compare(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in_person(page, live_server, world)
    _share_until_the_key_check(page, tmp_path)
    visible_screen(page, "share-trust")
    shown = page.locator("#share-trust-fingerprint").inner_text()
    assert shown == root_pin(world.admin)
    assert len(shown.split(" ")) == 9 and all(len(group) == 3 for group in shown.split(" "))
