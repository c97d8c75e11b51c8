"""The territory's QR code scanned with the camera on the trust screen (issue 18), at
360 px, on both backends.

The poster's QR code (crypto/SPEC.md §25.2: the whole 256-bit pin) is fed to the page
through Chromium's fake capture device: a Y4M video written here from the QR code's
modules. A second Chromium is launched for it, through the session's Playwright (the
session one lacks the camera flags; the sync API refuses a second Playwright). The good
root says "C'est le bon coffre" and pins it; another key's code warns and pins nothing.
Which decoder ran (BarcodeDetector, or jsQR when the browser has none, as headless Linux
Chromium usually) is read from the page and recorded (`scan_path`). Without a camera, a
photo of the QR code (the file input) is read with jsQR.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import segno
from playwright.sync_api import Browser, Page, expect

from crypto.pins import pin_qr_payload
from tests.structures.world import World
from tests.web.conftest import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    PHONE,
    PageProblems,
    assert_accessible,
    screenshot,
)
from tests.web.journeys import (
    PIN_KEY,
    add_identity_card,
    log_in_person,
    next_step,
    root_pin,
    start_sharing,
    visible_screen,
)

WIDTH, HEIGHT = 640, 480
MODULE_PX = 8  # a 33-module code (4 of quiet zone each side) is 328 px: well inside the frame


def qr_video(path: Path, payload: str, frames: int = 5) -> Path:
    """A YUV4MPEG2 (C420) video of `payload`'s QR code, black on white, centred.

    Written by hand: a header line, then per frame "FRAME" and the Y, U, V planes
    (U and V at half resolution; 128 is no colour). Chromium loops the file.
    """
    qr = segno.make(payload, error="m", mode="alphanumeric")
    matrix = [[bool(cell) for cell in row] for row in qr.matrix]
    size = len(matrix) * MODULE_PX
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)  # white (video range)
    for y in range(size):
        row = matrix[y // MODULE_PX]
        start = (top + y) * WIDTH + left
        for x in range(size):
            if row[x // MODULE_PX]:
                luma[start + x] = 16  # black
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(bytes(luma))
            out.write(chroma)
            out.write(chroma)
    return path


@pytest.fixture
def camera_phone(
    chromium: Browser, problems: dict[str, PageProblems]
) -> Iterator[Callable[[Path], Page]]:
    """A phone whose back camera films the given Y4M file (a Chromium of its own)."""
    opened: list[Browser] = []

    def open_phone(video: Path) -> Page:
        browser = chromium.browser_type.launch(
            executable_path=str(CHROMIUM),
            args=[
                *CHROMIUM_FLAGS,
                "--use-fake-ui-for-media-stream",  # the camera allowed without a prompt
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        opened.append(browser)
        context = browser.new_context(
            viewport=PHONE, locale="fr-FR", has_touch=True, accept_downloads=True
        )
        page = context.new_page()
        problems["camera"] = PageProblems(page)
        return page

    try:
        yield open_phone
    finally:
        for browser in opened:
            browser.close()
    if "camera" in problems:
        assert problems["camera"].items == []


def until_the_key_check(page: Page, live_server: str, world: World, tmp_path: Path) -> Page:
    log_in_person(page, live_server, world)
    add_identity_card(page, tmp_path)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    return page


def scan(page: Page) -> str:
    """Press "Scanner…" on the trust screen; the decoder that read the code."""
    trust = visible_screen(page, "share-trust")
    trust.get_by_role("button", name="Scanner le QR code avec l'appareil photo").click()
    result = page.locator("#trust-scan-result")
    expect(result).to_have_attribute("data-verdict", re.compile("^(good|wrong)$"), timeout=30_000)
    path = result.get_attribute("data-scan-path") or ""
    has_detector = page.evaluate("typeof window.BarcodeDetector === 'function'")
    # jsQR runs wherever the browser has no BarcodeDetector (headless Linux Chromium),
    # or one that does not read QR codes.
    assert path in ("barcode-detector", "jsqr")
    if not has_detector:
        assert path == "jsqr"
    # Once a code is read the camera is stopped: no track left running.
    expect(page.locator("#trust-scan-view")).to_be_hidden()
    assert page.evaluate("document.getElementById('trust-scan-video').srcObject") is None
    return path


def test_the_territorys_qr_code_filmed_says_it_is_the_right_vault_and_pins_it(
    world: World,
    camera_phone: Callable[[Path], Page],
    live_server: str,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    video = qr_video(tmp_path / "poster.y4m", pin_qr_payload(world.admin.keys.sign_public))
    page = until_the_key_check(camera_phone(video), live_server, world, tmp_path)
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") is None
    path = scan(page)
    record_property("scan_path", path)
    print(f"trust scan decoded by {path}")
    trust = visible_screen(page, "share-trust")
    expect(page.locator("#trust-scan-result")).to_have_text(
        "C'est le bon coffre. Vous pouvez continuer."
    )
    # Pinned as "Le code est le même" would: the spoken pin of the root in force.
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == root_pin(world.admin)
    screenshot(page, "trust-scan-good")
    assert_accessible(page, "trust-scan-good")
    trust.get_by_role("button", name="Continuer").click()
    visible_screen(page, "share-confirm")


def test_another_keys_qr_code_warns_and_pins_nothing(
    world: World,
    camera_phone: Callable[[Path], Page],
    live_server: str,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    # A well-formed Coffre pin, of a key that is not this territory's root.
    other = pin_qr_payload(secrets.token_bytes(32))
    page = until_the_key_check(
        camera_phone(qr_video(tmp_path / "other.y4m", other)), live_server, world, tmp_path
    )
    record_property("scan_path", scan(page))
    trust = visible_screen(page, "share-trust")
    expect(page.locator("#trust-scan-result")).to_have_text(
        "Ce n'est pas le code de votre territoire. Ne partagez rien et parlez-en à votre structure."
    )
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") is None
    expect(trust.get_by_role("button", name="Continuer")).to_be_disabled()
    screenshot(page, "trust-scan-wrong")
    assert_accessible(page, "trust-scan-wrong")


def test_without_a_camera_a_photo_of_the_qr_code_is_read_and_pins_the_root(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    # The session's Chromium has no camera: the scan says so in plain words, the written
    # code stays, and a photo of the poster (the file input) is read with jsQR.
    until_the_key_check(page, live_server, world, tmp_path)
    trust = visible_screen(page, "share-trust")
    trust.get_by_role("button", name="Scanner le QR code avec l'appareil photo").click()
    result = page.locator("#trust-scan-result")
    expect(result).to_contain_text("prendre une photo du QR code", timeout=30_000)
    expect(page.locator("#share-trust-fingerprint")).to_have_text(root_pin(world.admin))
    photo = tmp_path / "poster.png"
    segno.make(pin_qr_payload(world.admin.keys.sign_public), error="m").save(
        str(photo), scale=8, border=4
    )
    page.locator("#trust-scan-photo").set_input_files(str(photo))
    expect(result).to_have_text("C'est le bon coffre. Vous pouvez continuer.")
    assert result.get_attribute("data-scan-path") == "jsqr"
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == root_pin(world.admin)
    assert_accessible(page, "trust-scan-photo")
