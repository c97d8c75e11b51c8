"""The structure's desk poster (/charte/affiche, issue 18): the territory root's QR code
(crypto/SPEC.md §25.2, the whole 256-bit pin) and its spoken pin, one plain sentence,
on one A4 page; linked from /charte and from the structure admin's page. Its QR code,
as the browser draws it, reads back (jsQR, the page's decoder) as the root's payload.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html import unescape
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page

from crypto.pins import pin_qr_payload
from tests.structures.world import World
from tests.web.conftest import ROOT, assert_accessible, screenshot
from tests.web.journeys import root_pin

LINE = "Scannez ce code avec Coffre pour vérifier que c'est le bon coffre."
CM = 96 / 2.54  # CSS pixels in a centimetre


def read_qr(png: Path) -> str:
    """The text of the QR code in `png`, read by the vendored decoder's npm package (jsQR)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed")
    image = Image.open(png).convert("RGBA")
    raw = png.with_suffix(".rgba")
    raw.write_bytes(image.tobytes())
    script = (
        "const jsQR = require('jsqr'); const fs = require('fs');"
        "const [path, w, h] = process.argv.slice(1);"
        "const data = new Uint8ClampedArray(fs.readFileSync(path));"
        "const found = jsQR(data, Number(w), Number(h));"
        "process.stdout.write(JSON.stringify(found ? found.data : null));"
    )
    done = subprocess.run(
        [node, "-e", script, str(raw), str(image.width), str(image.height)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return str(json.loads(done.stdout))


def test_the_poster_carries_the_roots_qr_code_and_spoken_pin_on_one_a4_page(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    html = unescape(httpx.get(f"{live_server}/charte/affiche", timeout=60).text)
    assert root_pin(world.admin) in html
    assert LINE in html
    page.goto(f"{live_server}/charte/affiche")
    screenshot(page, "charter-poster")
    assert_accessible(page, "charter-poster")
    # The QR code as drawn reads back as the root's whole pin (SPEC §25.2).
    shot = tmp_path / "poster-qr.png"
    page.locator(".poster-qr").screenshot(path=str(shot))
    assert read_qr(shot) == pin_qr_payload(world.admin.keys.sign_public)
    # Printed: 13 cm wide, the screen-only lines gone, one A4 page.
    page.emulate_media(media="print")
    width = page.locator(".poster-qr svg").bounding_box()
    assert width is not None and width["width"] >= 12.5 * CM
    assert page.locator(".poster-screen-only").first.is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1


def test_the_charter_page_and_the_structure_page_link_to_the_poster(
    world: World, live_server: str
) -> None:
    assert 'href="/charte/affiche"' in httpx.get(f"{live_server}/charte", timeout=60).text
    assert 'href="/charte/affiche"' in httpx.get(f"{live_server}/structure", timeout=60).text


def test_before_the_root_is_published_the_poster_says_so(live_server: str) -> None:
    html = unescape(httpx.get(f"{live_server}/charte/affiche", timeout=60).text)
    assert "n'est pas encore publiée" in html
    assert "<svg" not in html
