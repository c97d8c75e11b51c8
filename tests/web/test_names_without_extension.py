"""Issue 18: no file extensions on the person's screens (360 px). The person reads
"Carte d'identité", never "Carte d'identité.jpg": in the documents list, on the
document's screen (its title and the picture's text) and on the delete screen. The
file the person downloads keeps its real name, with its extension (names.js)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import assert_accessible
from tests.web.journeys import add_identity_card, document_button, visible_screen
from tests.web.test_person_journey import sign_up

EXTENSION = re.compile(r"\.(jpe?g|png|pdf|txt)\b", re.IGNORECASE)


def _no_extension_on(page: Page, screen: str) -> None:
    text = page.locator(f'[data-screen="{screen}"]').inner_text()
    assert "Carte d'identité" in text, text
    assert not EXTENSION.search(text), text


def test_the_person_reads_names_without_extension(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "farah")
    add_identity_card(page, tmp_path)  # stored as "Carte d'identité.jpg"

    expect(page.locator("#document-list .doc-name")).to_have_text(["Carte d'identité"])
    _no_extension_on(page, "documents")
    assert_accessible(page, "documents, names without extension")

    document_button(page, "Carte d'identité.jpg").click()
    visible_screen(page, "document")
    expect(page.locator("#doc-title")).to_have_text("Carte d'identité")
    expect(page.locator("#doc-preview img")).to_have_attribute("alt", "Carte d'identité")
    # The downloaded file keeps its real name: it opens in the right application.
    expect(page.locator("#doc-download")).to_have_attribute("download", "Carte d'identité.jpg")
    _no_extension_on(page, "document")

    page.get_by_role("button", name="Supprimer").click()
    visible_screen(page, "delete")
    expect(page.locator("#delete-name")).to_have_text("Carte d'identité")
    _no_extension_on(page, "delete")
    assert_accessible(page, "delete, name without extension")
