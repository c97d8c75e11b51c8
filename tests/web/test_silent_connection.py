"""A connection that goes silent (issue 14, item 7): no reset, no answer, nothing.

The server here takes the bytes and never answers (Playwright holds the request and
never lets it through). The page must not sit at "Envoi… 100 %": once nothing has
moved for COFFRE_WEB_STALL_SECONDS (2 s in these tests) it says so in plain French and
offers "Réessayer", which starts again from zero and works once the network is back;
and the bar never shows 100 % before the server has answered. The same for opening a
document whose bytes stop coming.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from coffre.settings import Settings
from tests.web.conftest import PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import describe_document, document_button, pick_pages, visible_screen
from tests.web.test_person_journey import sign_up

STALL_SECONDS = 2

# Every text the progress line shows, recorded in the page as it changes.
WATCH_PERCENT = """() => {
    window.seenPercents = [];
    const line = document.getElementById('send-percent');
    new MutationObserver(() => window.seenPercents.push(line.textContent))
        .observe(line, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"web_stall_seconds": STALL_SECONDS})


def held(routes: list[Route]):  # type: ignore[no-untyped-def]
    """A route handler that keeps every request it sees: the server never answers."""

    def hold(route: Route) -> None:
        routes.append(route)

    return hold


def add_a_photo(page: Page, tmp_path: Path) -> None:
    page.get_by_role("button", name="Ajouter un document").click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "identite", "Carte d'identité")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [png(tmp_path / "cni.png", 1200, 800, seed=3)])


def test_an_upload_that_gets_no_answer_ends_with_a_message_and_retry(
    page: Page, live_server: str, tmp_path: Path, problems: dict[str, PageProblems]
) -> None:
    sign_up(page, live_server, "nadia")
    add_a_photo(page, tmp_path)
    routes: list[Route] = []
    page.route("**/api/v1/documents", held(routes))
    page.evaluate(WATCH_PERCENT)
    page.get_by_role("button", name="Mettre dans mon coffre").click()

    sending = visible_screen(page, "sending")
    expect(page.locator("#send-error")).to_have_text(
        "L'envoi est bloqué : plus rien ne passe depuis un moment. La connexion est peut-être "
        "coupée. Vérifiez le réseau, puis appuyez sur « Réessayer ».",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    retry = sending.get_by_role("button", name="Réessayer")
    expect(retry).to_be_visible()
    expect(retry).to_be_focused()
    assert len(routes) == 1
    seen = page.evaluate("window.seenPercents")
    assert seen, "the progress line never changed"
    assert "100 %" not in seen, seen
    assert int(page.locator("#send-progress").evaluate("e => e.value")) < 100
    assert_accessible(page, "upload-stalled")
    screenshot(page, "63-upload-stalled")

    # The network is back: "Réessayer" sends the document again, from zero.
    page.unroute("**/api/v1/documents")
    page.evaluate("window.seenPercents = []")
    retry.click()
    visible_screen(page, "documents")
    expect(document_button(page, "Carte d'identité.jpg")).to_be_visible()
    seen = page.evaluate("window.seenPercents")
    # 100 % came with the server's answer, and only as the last step.
    assert seen[-1] == "100 %", seen
    assert seen.count("100 %") == 1, seen


def test_a_document_whose_bytes_stop_coming_can_be_opened_again(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "yacine")
    add_a_photo(page, tmp_path)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    routes: list[Route] = []
    page.route("**/api/v1/documents/*/content", held(routes))
    document_button(page, "Carte d'identité.jpg").click()

    document = visible_screen(page, "document")
    expect(page.locator("#doc-error")).to_have_text(
        "Le document n'arrive plus : plus rien ne passe depuis un moment. La connexion est "
        "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Réessayer ».",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    assert len(routes) == 1
    assert_accessible(page, "download-stalled")

    page.unroute("**/api/v1/documents/*/content")
    document.get_by_role("button", name="Réessayer").click()
    expect(page.locator("#doc-preview img")).to_be_visible()
    expect(page.locator("#doc-error")).to_be_hidden()
    expect(document.get_by_role("button", name="Réessayer")).to_be_hidden()
