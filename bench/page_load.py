"""Benchmark: the person's page on the issue's phone, time to a usable screen and bytes.

Run: ``.venv/bin/python -m bench.page_load [--repeat 3] [--no-write]``. It starts a real
server on loopback (SQLite + local directory, in a temporary folder) with the test
territory (tests/structures/world.py, the consent charter in force, one document in
the world's person's vault), then drives Debian's Chromium at 360x740 through CDP
emulation of the issue's conditions: CPU 4x slower, 1.6 Mbps down / 750 kbps up /
150 ms latency (issue 18). For each screen it measures the time from the action
(navigation, click, form sent) until the screen is shown, and the bytes on the wire
(compressed, headers included: tests/web/transfer.py):

- welcome, first visit (empty cache) and second visit (same browser, cache warm);
- sign-up: "Créer mon coffre", the form sent, until the recovery kit (Argon2id in the
  worker under the slowed CPU included), then the kit kept, until the empty documents;
- log-in of a person with a document, until their documents;
- a document opened (downloaded and decrypted in the page);
- the share dialog's first step.

These are absolute times under stated conditions, not ratios: there is no raw path for
a page. The median of ``--repeat`` runs (each in a fresh browser) is written to
docs/PERFORMANCE.md. Never run as a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from api.app import create_app
from bench.report import write_section
from client import CoffreClient
from coffre.clock import FrozenClock
from coffre.db import migrate
from coffre.settings import Settings
from tests.consent.world import consent_charter, publish
from tests.servers.app_server import serving
from tests.structures.world import World, build_world
from tests.web.conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE, png
from tests.web.journeys import PERSON_PASSPHRASE, keep_recovery_kit, open_login, visible_screen
from tests.web.transfer import Meter, Transfer

CPU_SLOWDOWN = 4
DOWN_KBPS, UP_KBPS, LATENCY_MS = 1600, 750, 150
NEW_PASSPHRASE = "cerise tambour velo nuage piano moulin"
DOCUMENT = "quittance-loyer"

Step = tuple[str, float, Transfer]


def _timed(page: Page, meter: Meter, action: Callable[[], float | None]) -> tuple[float, Transfer]:
    """Seconds until ``action`` ends (its screen shown; or the seconds it returns), and
    every byte it caused: what it fetches in the background after included."""
    start = time.perf_counter()
    shown = action()
    elapsed = time.perf_counter() - start if shown is None else shown
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)  # networkidle is 500 ms without a request: a late import
    return elapsed, meter.take()


def _one_run(browser: Browser, base: str, world: World) -> list[Step]:
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    try:
        page = context.new_page()
        meter = Meter(context, page)
        meter.throttle(
            cpu=CPU_SLOWDOWN, down_kbps=DOWN_KBPS, up_kbps=UP_KBPS, latency_ms=LATENCY_MS
        )
        steps: list[Step] = []

        def step(name: str, action: Callable[[], float | None]) -> None:
            elapsed, transfer = _timed(page, meter, action)
            steps.append((name, elapsed, transfer))

        def welcome() -> None:
            page.goto(base + "/")
            visible_screen(page, "welcome")

        step("welcome, first visit (empty cache)", welcome)
        step("welcome, second visit (cache warm)", welcome)
        _sign_up(page, step)
        _person_with_a_document(page, base, world, step)
        return steps
    finally:
        context.close()


def _sign_up(page: Page, step: Callable[[str, Callable[[], float | None]], None]) -> None:
    def to_form() -> None:
        page.get_by_role("button", name="Créer mon coffre").click()
        visible_screen(page, "signup")

    def to_form_and_prefetch() -> float:
        # The person types meanwhile: the step's bytes are the whole prefetch (until
        # libsodium is in), its time until the form shows.
        start = time.perf_counter()
        with page.expect_event("requestfinished", _is_libsodium, timeout=120_000):
            to_form()
            shown = time.perf_counter() - start
        return shown

    def send() -> None:
        form = visible_screen(page, "signup")
        form.get_by_label("Pseudonyme ou numéro de téléphone").fill(f"banc-{secrets.token_hex(3)}")
        form.get_by_label("Phrase secrète", exact=True).fill(NEW_PASSPHRASE)
        form.get_by_label("La même phrase secrète, encore une fois").fill(NEW_PASSPHRASE)
        form.get_by_role("button", name="Créer mon coffre").click()
        visible_screen(page, "recovery")

    step(
        "sign-up screen (libsodium and the vault's modules fetched meanwhile)", to_form_and_prefetch
    )
    step("sign-up sent, until the recovery kit (Argon2id at 4x CPU)", send)
    step(
        "kit kept (two groups typed back by the driver), until the documents (empty)",
        lambda: _kit_then_documents(page),
    )


def _is_libsodium(request: Request) -> bool:
    return "libsodium-sumo-" in request.url


def _kit_then_documents(page: Page) -> None:
    keep_recovery_kit(page)
    visible_screen(page, "documents")


def _person_with_a_document(
    page: Page, base: str, world: World, step: Callable[[str, Callable[[], float | None]], None]
) -> None:
    # A second person on the same phone (the cache warm): the first one's session goes.
    page.context.clear_cookies()

    def log_in() -> None:
        form = open_login(page, base + "/")
        form.get_by_label("Pseudonyme ou numéro de téléphone").fill(world.person.login)
        form.get_by_label("Phrase secrète", exact=True).fill(PERSON_PASSPHRASE)
        form.get_by_role("button", name="Ouvrir").click()
        expect(page.get_by_role("button", name=re.compile(DOCUMENT))).to_be_visible(timeout=60_000)

    def open_it() -> None:
        page.get_by_role("button", name=re.compile(DOCUMENT)).first.click()
        screen = visible_screen(page, "document")
        expect(screen.locator("#doc-preview > *").first).to_be_visible(timeout=60_000)

    def share() -> None:
        page.get_by_role("button", name="Partager", exact=True).click()
        page.wait_for_selector("[data-screen^=share-]:not([hidden])", timeout=60_000)

    step("page loaded again (cache warm), log-in, until the documents (one)", log_in)
    step("a document opened (downloaded, decrypted, shown)", open_it)
    step("the share dialog's first step", share)


def _world(settings: Settings, clock: FrozenClock) -> World:
    with TestClient(create_app(settings, clock=clock)) as api:
        world = build_world(api)
        publish(api, world, consent_charter(world.structure_id))
    return world


def _upload(base: str, world: World, tmp: Path) -> None:
    photo = png(tmp / f"{DOCUMENT}.png", 1200, 1600, seed=3)
    with CoffreClient(base) as client:
        logged = client.login(world.person.login, PERSON_PASSPHRASE)
        client.upload(photo, "domicile", box_public_key=logged.keys.box_public, keys=logged.keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    runs: list[list[Step]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
        migrate.upgrade(database)
        settings = Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=database,
            storage_dir=tmp / "objects",
        )
        clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
        world = _world(settings, clock)
        with serving(settings, clock) as base, sync_playwright() as playwright:
            _upload(base, world, tmp)
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            try:
                for _ in range(args.repeat):
                    runs.append(_one_run(browser, base, world))
            finally:
                browser.close()

    rows = []
    for index, (name, _, _) in enumerate(runs[0]):
        seconds = statistics.median(run[index][1] for run in runs)
        kilobytes = statistics.median(run[index][2].total for run in runs) / 1000
        requests = statistics.median(len(run[index][2].fetched()) for run in runs)
        rows.append((name, seconds, kilobytes, requests))
    heaviest = sorted(runs[0][0][2].fetched().items(), key=lambda row: -row[1])[:5]

    lines = [
        f"Measured with `python -m bench.page_load --repeat {args.repeat}` on "
        f"{platform.machine()}, Python {platform.python_version()}, Debian's Chromium "
        f"headless, {datetime.now(UTC):%Y-%m-%d}; SQLite + local directory on loopback. "
        f"Phone emulated through CDP: {PHONE['width']}x{PHONE['height']}, CPU "
        f"{CPU_SLOWDOWN}x slower, {DOWN_KBPS / 1000:.1f} Mbps down / {UP_KBPS} kbps up / "
        f"{LATENCY_MS} ms latency. Median of {args.repeat} runs, each in a fresh browser. "
        "Absolute times under these conditions (a page has no raw path to compare with); "
        "bytes on the wire, compressed, headers included.",
        "",
        "| screen | seconds until shown | KB on the wire | requests |",
        "|---|---|---|---|",
        *(f"| {name} | {seconds:.2f} | {kb:.1f} | {n:.0f} |" for name, seconds, kb, n in rows),
        "",
        "Heaviest answers of the first visit: "
        + ", ".join(f"`{_short(path)}` {size / 1000:.1f} KB" for path, size in heaviest)
        + ".",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(
            "page-load",
            "The person's page: bytes and time (`bench/page_load.py`)",
            lines,
            NOTE,
        )


def _short(path: str) -> str:
    """A static path without its version hash."""
    return re.sub(r"^/static/[0-9a-f]{16}/", "/static/…/", path)


NOTE = """
Reading the table: the welcome screen needs the page, its texts, its styles and the
small modules of the first screens; libsodium (~190 KB compressed), the crypto and
the screens after log-in are fetched as the sign-up or log-in screen shows, while the
person types (web/static/js/app.js, loadVault), and the professionals' modules only
for a professional. The page's own files live under a versioned URL kept a year
(web/assets.py) and its texts in a file of their own (web/page_strings.py), so a second
visit costs the page itself and the session check. Pages and JSON are gzipped
(api/compression.py); the documents' ciphertext is not (it would not shrink). The
budget (first visit under 200 KB, second under 20 KB) is asserted by
tests/web/test_data_budget.py. The sign-up screen's line counts everything fetched
until libsodium is in (the person types meanwhile), its time until the form shows.

Before (the page at 7725c4c, counted the same way without throttling): the first visit
of the welcome screen cost 583 KB (the page 121 KB uncompressed, libsodium 190 KB, and
every module of the page, the professionals' included), a second visit 188 KB (the
page again, and a revalidation of each of ~65 modules).

Where the second visit's bytes go now: the page itself (every screen of the person's
journey; the professionals' screens, ~4 KB compressed, are a file of their own fetched
with their modules, web/pages/app.py `pro_screens`); there is no session check
without a session (the CSRF cookie comes with it). The first visit waits on round
trips more than on bytes: the page names the modules of its first screens in
`<link rel="modulepreload">` (web/assets.py), so they come together rather than one
level of imports per 150 ms round trip.

The times move by tens of per cent from run to run: the machine was shared with other
work while it ran (two cores). "A document opened" counted 0 bytes in the run above:
its download was not seen by the page's CDP session; an earlier run of the same step
counted 14.8 KB in one request (the ciphertext of a 1200x1600 photo).
"""


if __name__ == "__main__":
    main()
