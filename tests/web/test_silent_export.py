"""An export whose connection goes silent (issue 14, item 7, the class of transfer.js).

"Tout récupérer" downloads every document of the vault; here the server takes the
request for a document's bytes and never answers. Once nothing has moved for
COFFRE_WEB_STALL_SECONDS (2 s in these tests) the export stops in plain French, offers
no link to a half-written ZIP, and "Tout récupérer" starts it again and finishes once
the network is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from coffre.settings import Settings
from tests.web.conftest import assert_accessible
from tests.web.journeys import visible_screen
from tests.web.test_person_journey import sign_up
from tests.web.test_silent_connection import STALL_SECONDS, add_a_photo, held


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"web_stall_seconds": STALL_SECONDS})


def test_an_export_whose_documents_stop_coming_stops_in_french_and_starts_again(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "samira")
    add_a_photo(page, tmp_path)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    routes: list[Route] = []
    page.route("**/api/v1/documents/*/content", held(routes))

    page.locator("#menu").get_by_role("button", name="Tout récupérer").click()
    screen = visible_screen(page, "export")
    start = screen.get_by_role("button", name="Tout récupérer")
    start.click()
    expect(page.locator("#export-error")).to_have_text(
        "L'export n'a pas abouti : plus rien ne passe depuis un moment. La connexion est "
        "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Tout récupérer » pour "
        "recommencer.",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    assert len(routes) == 1
    save = screen.get_by_role("link", name="Enregistrer le fichier ZIP")
    expect(save).to_be_hidden()
    expect(page.locator("#export-progress")).to_be_hidden()
    expect(start).to_be_enabled()
    expect(start).to_be_focused()
    assert_accessible(page, "export-stalled")

    # The network is back: the same button starts the export again and it finishes.
    page.unroute("**/api/v1/documents/*/content")
    start.click()
    expect(save).to_be_visible(timeout=30_000)
    expect(page.locator("#export-error")).to_be_hidden()
    expect(page.locator("#export-step")).to_have_text(
        "C'est prêt : 1 document(s) et l'historique. Enregistrez le fichier ZIP."
    )
