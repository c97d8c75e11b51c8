"""The console's downloads when the connection goes silent (issue 14, item 7's class).

The CSV and the signed log can be long; here the server takes the request for the
signed log and never answers. Once nothing has moved for COFFRE_WEB_STALL_SECONDS
(2 s in these tests) the console says so in plain French, the buttons work again, and
the same button downloads the log once the network is back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Page, Route, expect

from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.factories import PASSPHRASE
from tests.web.conftest import assert_accessible
from tests.web.journeys import download, enter_code, visible_screen
from tests.web.test_console_journey import (
    OFFICER_LOGIN,
    OFFICER_SLOT,
    Trail,
    log_in_console,
    trail,  # noqa: F401 - the fixture
)
from tests.web.test_silent_connection import STALL_SECONDS, held


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"web_stall_seconds": STALL_SECONDS})


def test_a_download_that_gets_no_answer_says_so_and_the_button_works_again(
    trail: Trail,  # noqa: F811 - the fixture
    page: Page,
    live_server: str,
    clock: FrozenClock,
) -> None:
    log_in_console(page, live_server, OFFICER_LOGIN, f"{PASSPHRASE} {OFFICER_SLOT}")
    enter_code(page, pyotp.TOTP(trail.secret).at(clock.now()))
    visible_screen(page, "journal")
    page.get_by_role("button", name="Exporter et vérifier").click()
    export = visible_screen(page, "export")
    routes: list[Route] = []
    page.route("**/api/v1/console/log", held(routes))
    button = export.get_by_role("button", name="Télécharger le journal signé")
    button.click()
    expect(page.locator("#export-error")).to_have_text(
        "Le téléchargement est bloqué : plus rien ne passe depuis un moment. La connexion "
        "est peut-être coupée. Vérifiez le réseau, puis appuyez de nouveau sur le bouton.",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    assert len(routes) == 1
    expect(button).to_be_enabled()
    assert_accessible(page, "console-download-stalled")

    page.unroute("**/api/v1/console/log")
    name, signed = download(page, button)
    assert name == "coffre-journal-signe.jsonl"
    assert signed
    expect(page.locator("#export-error")).to_be_hidden()
