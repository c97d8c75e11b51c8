"""A real browser for the page tests: Debian's Chromium driven by Playwright, phone-sized.

Playwright's own browser download does not work here: scripts/test installs the
`chromium` Debian package, and the tests launch /usr/bin/chromium. Screenshots go
to test-artifacts/screenshots/ (not committed) for a reviewer to look at.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.consent.world import consent_charter, publish
from tests.structures.world import World, build_world

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def launch_chromium() -> Iterator[Browser]:
    """Playwright and Debian's Chromium, stopped when the generator ends. Only one
    Playwright may run at a time in the test process (the sync API refuses to start
    inside another's event loop): the session's ``chromium`` fixture (tests/conftest.py)
    is the one every package's page tests use."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _phone_context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(
        viewport=PHONE,
        locale="fr-FR",
        has_touch=True,
        accept_downloads=True,
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[BrowserContext]:
    yield from _phone_context(chromium)


@pytest.fixture
def second_phone(chromium: Browser) -> Iterator[BrowserContext]:
    """Another phone, for the other side of a journey (a professional's)."""
    yield from _phone_context(chromium)


@pytest.fixture
def world(api: TestClient) -> World:
    """The territory of tests/structures/world.py, with the consent charter in force."""
    world = build_world(api)
    publish(api, world, consent_charter(world.structure_id))
    return world


class PageProblems:
    """Script errors and CSP violations seen by the page: a test fails on any."""

    def __init__(self, page: Page) -> None:
        self.items: list[str] = []
        self.allowed: list[str] = []
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("console", self._console)

    def allow(self, fragment: str) -> None:
        """A test that causes an error on purpose names it here."""
        self.allowed.append(fragment)

    def _console(self, message: Any) -> None:
        text = message.text
        if any(fragment in text for fragment in self.allowed):
            return
        if message.type == "error" and "status of 401" not in text:
            # "Failed to load resource" names no resource: its location does.
            where = (message.location or {}).get("url", "")
            self.items.append(f"console: {text}" + (f" [{where}]" if where else ""))
        elif "Content Security Policy" in text:
            self.items.append(f"csp: {text}")


@pytest.fixture
def problems() -> dict[str, PageProblems]:
    return {}


@pytest.fixture
def page(phone: BrowserContext, problems: dict[str, PageProblems]) -> Iterator[Page]:
    page = phone.new_page()
    problems["page"] = PageProblems(page)
    yield page
    assert problems["page"].items == []


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Page, name: str, width: int = PHONE["width"]) -> None:
    """axe-core on the current screen: no serious or critical WCAG 2.1 A/AA violation,
    and no sideways scrolling at `width` (the phone's, unless a desk test says so).

    axe is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the page keeps its real policy during the check.
    """
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run scripts/install")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
        }"""
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{name}: the screen scrolls sideways at {width} px ({scrolled} px)"


def png(path: Path, width: int, height: int, seed: int = 0) -> Path:
    """A real PNG photo stand-in (stripes), written with the standard library only."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        shade = (y * 7 + seed * 40) % 256
        rows += bytes((shade, (shade + 85) % 256, (255 - shade) % 256)) * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
    )
    data += chunk(b"IEND", b"")
    path.write_bytes(data)
    return path
