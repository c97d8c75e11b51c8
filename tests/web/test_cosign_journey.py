"""Cosigning in the officer's console and the person's history check, in a browser against
the real server (docs/AUDIT.md, "Cosignatures", "The person's page").

The officer logs in (passphrase, code), opens "Cosigner": never cosigned yet; the
passphrase opens their key in the page, which cosigns (their first cosignature). The log
grows; they cosign again: the page checked the consistency from their last cosignature.
Then the log is rewritten under them (an old entry's hash changed in the database): the
page refuses to cosign and says to report it; nothing is kept. The person's
"Historique" says, in plain words, that the lines are in the record the officer checked.
axe runs on the screens; nothing scrolls sideways at 360 px."""

from __future__ import annotations

import pyotp
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select, update

from auditlog.cosignature import Cosigner, derive_cosigner_seed, split_note
from auditlog.merkle import CompactRange
from coffre.audit.models import AuditEntry, AuditHead, AuditTreeNode
from coffre.clock import FrozenClock
from tests.accounts.factories import coffre_of, login
from tests.factories import PASSPHRASE
from tests.structures.world import World, log_in
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import enter_code, go, log_in_person, visible_screen
from tests.web.test_console_journey import OFFICER_LOGIN, OFFICER_SLOT, enrolled_officer

OFFICER_PASSPHRASE = f"{PASSPHRASE} {OFFICER_SLOT}"
WAIT = 60_000  # the passphrase's key derivation (Argon2id) on a loaded machine


def cosign_in_page(page: Page) -> None:
    screen = visible_screen(page, "cosign")
    screen.get_by_label("Votre phrase secrète").fill(OFFICER_PASSPHRASE)
    screen.get_by_role("button", name="Vérifier puis cosigner").click()


def test_the_officer_cosigns_after_the_page_checks_and_refuses_a_rewritten_log(
    world: World, api: TestClient, page: Page, live_server: str, clock: FrozenClock
) -> None:
    officer, secret = enrolled_officer(api, world.admin, clock)
    clock.advance(seconds=31)
    page.goto(f"{live_server}/console")
    form = visible_screen(page, "login")
    form.get_by_label("Identifiant").fill(OFFICER_LOGIN)
    form.get_by_label("Phrase secrète").fill(OFFICER_PASSPHRASE)
    form.get_by_role("button", name="Continuer").click()
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "journal")
    page.get_by_role("button", name="Cosigner", exact=True).click()
    screen = visible_screen(page, "cosign")
    expect(page.locator("#cosign-state")).to_have_text("Le journal n'a encore jamais été cosigné.")
    assert_accessible(page, "console-cosign")

    # -- the first cosignature -------------------------------------------------------------
    coffre_of(api).audit.checkpoint()
    cosign_in_page(page)
    expect(page.locator("#cosign-done")).to_contain_text(
        "C'est votre première cosignature", timeout=WAIT
    )
    status = api.get("/api/v1/audit/cosigners").json()
    first = status["cosigned_size"]
    assert first and status["recent"] is True
    expect(page.locator("#cosign-state")).to_contain_text(f"jusqu'à la ligne {first}")
    screenshot(page, "90-console-cosigned")

    # -- the log grows: the page checks it extends what the officer cosigned --------------
    log_in(api, world.person)
    log_in(api, world.professional)
    grown = coffre_of(api).audit.checkpoint().size
    assert grown > first
    cosign_in_page(page)
    expect(page.locator("#cosign-done")).to_contain_text(
        f"le journal jusqu'à la ligne {grown} prolonge bien", timeout=WAIT
    )
    assert api.get("/api/v1/audit/cosigners").json()["cosigned_size"] == grown

    # -- the log rewritten under the officer (an old entry changed, the tree's frontier
    # recomputed, a new checkpoint signed with the log's key): the page refuses --------
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(leaf_hash=bytes(32)))
        db.execute(delete(AuditTreeNode))
        frontier = CompactRange()
        for leaf in db.scalars(select(AuditEntry.leaf_hash).order_by(AuditEntry.seq)):
            frontier.append(leaf)
        db.execute(update(AuditHead).values(frontier=frontier.encode()))
    log_in(api, world.person)
    assert coffre_of(api).audit.checkpoint().size > grown
    cosign_in_page(page)
    expect(page.locator("#cosign-error")).to_contain_text("Ne cosignez pas", timeout=WAIT)
    assert api.get("/api/v1/audit/cosigners").json()["cosigned_size"] == grown
    expect(screen).to_be_visible()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_persons_history_says_its_lines_are_in_the_checked_record(
    world: World, api: TestClient, page: Page, live_server: str, clock: FrozenClock
) -> None:
    officer, secret = enrolled_officer(api, world.admin, clock)
    clock.advance(seconds=31)
    code = pyotp.TOTP(secret).at(clock.now())
    session = login(api, officer.login, officer.auth_key, totp_code=code).json()["token"]
    headers = {"Authorization": f"Bearer {session}"}
    name = api.get("/api/v1/audit/cosigner/name", headers=headers).text.strip()
    cosigner = Cosigner(name, derive_cosigner_seed(officer.keys.sign_seed))
    assert api.put("/api/v1/audit/cosigner", json={"key": cosigner.key.vkey}, headers=headers)
    signed = coffre_of(api).audit.checkpoint()
    line = cosigner.cosign(split_note(signed.note)[0], int(clock.now().timestamp())).line
    answer = api.post(
        "/api/v1/audit/cosignatures",
        json={"size": signed.size, "cosignature": line.rstrip("\n")},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text

    log_in_person(page, live_server, world)
    go(page, "Historique")
    proof = page.locator("#history-proof")
    expect(proof).to_contain_text("sont bien dans le registre", timeout=20_000)
    text = proof.inner_text()
    assert "Attention" not in text
    assert_accessible(page, "history-proof")
    screenshot(page, "91-history-proof")
