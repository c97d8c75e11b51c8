"""The charter officer opens a grant's consent receipt from the console's trail: what the
person signed (metadata only, no document name), checked in the page with libsodium,
and a receipt changed on the server said untrustworthy; axe at 360 px."""

from __future__ import annotations

import json
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import update

from coffre.clock import FrozenClock
from coffre.consent.models import Grant
from coffre.container import Coffre
from tests.consent.world import build_consent_world
from tests.factories import PASSPHRASE
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import enter_code, visible_screen
from tests.web.test_console_journey import (
    OFFICER_LOGIN,
    OFFICER_SLOT,
    enrolled_officer,
    log_in_console,
)


def test_the_officer_sees_a_grant_s_receipt_and_whether_it_checks(
    api: TestClient, page: Page, live_server: str, clock: FrozenClock, tmp_path: Path
) -> None:
    cw = build_consent_world(api, tmp_path)
    honest = cw.share([cw.identity, cw.address], max_pulls=2)
    _, secret = enrolled_officer(api, cw.world.admin, clock)
    clock.advance(seconds=31)  # the enrolment's code step is spent

    log_in_console(page, live_server, OFFICER_LOGIN, f"{PASSPHRASE} {OFFICER_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    journal = visible_screen(page, "journal")
    shared = journal.locator("#journal-list > li").filter(has_text="Voir le reçu")
    expect(shared).to_have_count(1)
    shared.get_by_role("button", name="Voir le reçu de consentement").click()

    receipt = visible_screen(page, "receipt")
    expect(receipt.locator("#receipt-verdict")).to_contain_text("Signature vérifiée")
    facts = receipt.locator("#receipt-facts")
    expect(facts).to_contain_text("Documents partagés : 2")
    expect(facts).to_contain_text("Ouvertures permises : 2 au plus")
    expect(facts).to_contain_text("CCAS de Clermont-Ferrand")
    expect(receipt.locator("#receipt-server")).to_have_text("Le serveur l'a aussi vérifié.")
    assert_accessible(page, "console-receipt")
    screenshot(page, "86-console-receipt")

    # A hostile change on the server: the page says so and shows nothing of it.
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        grant = db.get(Grant, str(honest["id"]))
        assert grant is not None
        envelope = json.loads(grant.receipt)
        envelope["statement"]["max_pulls"] = 100
        db.execute(update(Grant).where(Grant.id == grant.id).values(receipt=json.dumps(envelope)))
    receipt.get_by_role("button", name="Retour au journal").click()
    journal = visible_screen(page, "journal")
    journal.locator("#journal-list > li").filter(has_text="Voir le reçu").get_by_role(
        "button", name="Voir le reçu de consentement"
    ).click()
    receipt = visible_screen(page, "receipt")
    expect(receipt.locator("#receipt-verdict")).to_contain_text("Signature non vérifiée")
    expect(receipt.locator("#receipt-facts")).to_be_empty()
    expect(receipt.locator("#receipt-server")).to_have_text("Le serveur n'a pas pu le vérifier.")
