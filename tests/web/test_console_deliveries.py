"""The charter officer's delivery log in the console (/console, "Envois"): what left
Coffre outside the app, with the person as a reference, the way, how it went — never
the number, the address or the text; axe at 360 px, nothing scrolling sideways."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.service import Kind, notify
from tests.consent.world import build_consent_world
from tests.factories import PASSPHRASE
from tests.notifications.servers import PushEndpoint
from tests.structures.world import log_in, material
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import enter_code, visible_screen
from tests.web.test_console_journey import (
    OFFICER_LOGIN,
    OFFICER_SLOT,
    enrolled_officer,
    log_in_console,
)

PHONE = "0698765432"


def test_the_officer_reads_what_left_coffre_without_a_number_or_a_text(
    api: TestClient, page: Page, live_server: str, clock: FrozenClock, tmp_path: Path
) -> None:
    w = build_consent_world(api, tmp_path).world  # a charter in force: the console reads it
    _, secret = enrolled_officer(api, w.admin, clock)
    fatou = material(16, PHONE)
    assert api.post("/api/v1/accounts", json=fatou.signup_body).status_code == 201
    log_in(api, fatou)
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    endpoint = PushEndpoint()
    try:
        kept, gone = endpoint.subscribe(), endpoint.subscribe()
        for device in (kept, gone):
            added = api.post(
                "/api/v1/notifications/push-subscriptions", json=device, headers=fatou.headers
            )
            assert added.status_code == 201, added.text
        endpoint.forget(gone)  # answers 410: that delivery fails, the device goes
        with coffre.db.unit_of_work() as db:
            notify(db, fatou.account_id, Kind.DOCUMENT_PULLED, {}, clock.now())
        assert coffre.outbox.deliver().outcomes == {"sent": 1, "failed": 1}
    finally:
        endpoint.close()
    clock.advance(seconds=31)  # the enrolment's code step is spent

    log_in_console(page, live_server, OFFICER_LOGIN, f"{PASSPHRASE} {OFFICER_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "journal")
    page.locator("#menu").get_by_role("button", name="Envois").click()
    screen = visible_screen(page, "deliveries")
    rows = screen.locator("#deliveries-list > li")
    expect(rows).to_have_count(2)
    expect(screen.locator("#deliveries-summary")).to_have_text("2 envoi(s) affiché(s).")
    reference = coffre.console.pseudonym(fatou.account_id)
    for row in (rows.first, rows.last):
        expect(row).to_contain_text("Un document ouvert")
        expect(row).to_contain_text(f"À {reference} (Personne)")
        expect(row).to_contain_text("Notification sur téléphone")
    expect(rows.filter(has_text="Envoyé")).to_have_count(1)
    failed = rows.filter(has_text="Échec")
    expect(failed).to_contain_text("Motif : http_410")
    text = screen.inner_text()
    assert PHONE not in text and "Coffre :" not in text and "http://" not in text
    assert re.search(r"p-[0-9a-f]{10}", text)
    assert_accessible(page, "console-deliveries")
    screenshot(page, "85-console-deliveries")

    screen.get_by_label("Résultat").select_option("failed")
    screen.get_by_role("button", name="Afficher").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Échec")
