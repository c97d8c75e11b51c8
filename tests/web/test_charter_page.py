"""The charter page in a phone-sized browser: readable, accessible, no sideways scroll."""

from __future__ import annotations

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.consent.charters import example_text
from tests.structures.world import build_world
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import root_pin


def test_a_person_reads_the_charter_and_the_verifier_fingerprint_on_a_phone(
    api: TestClient, page: Page, live_server: str
) -> None:
    world = build_world(api)
    published = api.post(
        "/api/v1/charters",
        content=example_text(),
        headers={**world.admin.headers, "Content-Type": "text/plain; charset=utf-8"},
    )
    assert published.status_code == 201, published.text
    page.goto(f"{live_server}/charte")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Charte locale")
    expect(page.get_by_role("heading", name="Dossier MDPH", level=3)).to_be_visible()
    expect(page.locator(".fingerprint")).to_have_text(root_pin(world.admin))
    expect(page.locator(".pin-qr svg")).to_be_visible()
    assert_accessible(page, "charter")
    screenshot(page, "20-charter")
