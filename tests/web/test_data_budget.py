"""The data budget of the person's page (issue 18, "Data and speed"): the first visit
of the home page (the welcome screen) costs under 200 KB on the wire, compressed; a
second visit in the same browser (its cache warm) under 20 KB. libsodium, the crypto
modules and the professionals' modules come later, when they are used: this test is
the guard against a library or a module joining the first visit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.factories import PASSPHRASE
from tests.web.conftest import PHONE
from tests.web.journeys import keep_recovery_kit, visible_screen
from tests.web.transfer import Meter

FIRST_VISIT = 200_000
SECOND_VISIT = 20_000
# Not before the person signs up or logs in (each alone is tens of KB compressed).
NOT_ON_THE_WELCOME_SCREEN = (
    "libsodium",
    "coffre-crypto",
    "consent-pro.js",
    "consent-person.js",
    "proconnect.js",
    "pro-",
    "pdf",
    "zxcvbn",
    "jsqr",
    "qrcode",
)


@pytest.fixture
def fresh_phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    try:
        yield context
    finally:
        context.close()


def _welcome(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator('[data-screen="welcome"]')).to_be_visible()
    page.wait_for_load_state("networkidle")


@pytest.mark.both_backends
def test_the_welcome_screen_costs_under_200_kb_then_under_20_kb_once_cached(
    live_server: str, fresh_phone: BrowserContext
) -> None:
    page = fresh_phone.new_page()
    meter = Meter(fresh_phone, page)

    _welcome(page, live_server)
    first = meter.take()
    _welcome(page, live_server)
    second = meter.take()

    assert first.total < FIRST_VISIT, first.table()
    loaded_early = [
        path for path in first.paths() for name in NOT_ON_THE_WELCOME_SCREEN if name in path
    ]
    assert loaded_early == [], first.table()
    assert second.total < SECOND_VISIT, second.table()
    # Only the page itself and the session check travel again.
    assert all(not path.startswith("/static/") for path in second.fetched()), second.table()


def test_a_person_never_loads_the_professionals_modules(
    live_server: str, fresh_phone: BrowserContext
) -> None:
    page = fresh_phone.new_page()
    meter = Meter(fresh_phone, page)

    _welcome(page, live_server)
    page.get_by_role("button", name="Créer mon coffre").click()
    form = visible_screen(page, "signup")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("nadia")
    form.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(PASSPHRASE)
    form.get_by_role("button", name="Créer mon coffre").click()
    keep_recovery_kit(page)
    visible_screen(page, "documents")
    page.wait_for_load_state("networkidle")
    paths = meter.take().paths()

    assert any("libsodium" in path for path in paths)  # the vault did load, on the way
    assert [path for path in paths if "/js/pro-" in path or "consent-pro" in path] == []
