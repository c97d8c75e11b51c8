"""The territory admin certifies a structure's admins, and renews their certificates,
from /administration (issue 17; web/static/js/admin-certify.js, desk-certify.js), at
desk size and at 360 px, axe on every screen.

The territory starts as `coffre territory bootstrap` makes it (v2 root, first list). In
the CCAS, M. Bernard's certificate ends within 30 days (issued by the Python client for
20 days) and Mme Claire has just joined. The admin opens the structure's admins: a code
that does not match and another key's QR code are refused, a wrong passphrase signs
nothing; Claire's QR code fills her code, the admin's passphrase opens the root key in
the page and her v2 certificate (signed by the root, with an end) is stored; Bernard's
is renewed from the groups read aloud. Then a certificate made in the page verifies in
Python up to the root (crypto/, the client's one check).

Selectors: structures ``[data-admins-for=STRUCTURE_ID]`` ("Ses administrateur·rices");
screen "admins": ``#admins-list > li[data-member=ACCOUNT_ID]``, buttons
``[data-certify-for=ACCOUNT_ID]`` ("Certifier" / "Renouveler"); screen "certify":
``#certify-pin``, ``#certify-photo``, ``#certify-typed``, ``#certify-passphrase``,
button "Certifier" (console/_certify.html, as on /structure).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import segno
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from client import CoffreClient
from client.network import certify_v2, publish_root_v2, rotate_root, trusted_keys
from coffre.clock import FrozenClock
from crypto import generate_account_keys
from crypto.pins import pin_qr_payload, pin_spoken
from tests.factories import PASSPHRASE, make_person
from tests.structures.world import TERRITORY, Who, invite, join, material, member_row
from tests.web.conftest import PHONE, PageProblems, assert_accessible
from tests.web.journeys import enter_code, visible_screen
from tests.web.test_territory_admin import (
    ADMIN_SLOT,
    DESK,
    MENU,
    admin_with_code,
    log_in_admin,
)

BERNARD_SLOT, CLAIRE_SLOT = 41, 42


@pytest.fixture(params=["desk", "phone"])
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def admin_page(chromium: Browser, size: str, problems: dict[str, PageProblems]) -> Iterator[Page]:
    context: BrowserContext = chromium.new_context(
        viewport=DESK if size == "desk" else PHONE, locale="fr-FR", has_touch=size == "phone"
    )
    page = context.new_page()
    problems["page"] = PageProblems(page)
    try:
        yield page
    finally:
        context.close()
    assert problems["page"].items == []


def _structure(api: TestClient, admin: Who) -> str:
    answer = api.post(
        "/api/v1/structures",
        json={"name": "CCAS de Riom", "kind": "ccas", "address": "Riom", "territory": TERRITORY},
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _qr(path: Path, who: Who) -> Path:
    segno.make(pin_qr_payload(who.keys.sign_public), error="m").save(str(path), scale=8)
    return path


def test_the_territory_admin_certifies_and_renews_structure_admins_in_the_page(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    admin_page: Page,
    size: str,
    tmp_path: Path,
) -> None:
    page = admin_page
    width = DESK["width"] if size == "desk" else PHONE["width"]
    admin, secret = admin_with_code(api, clock, v2=True)
    structure_id = _structure(api, admin)
    bernard = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "M. Bernard"),
        material(BERNARD_SLOT, "bernard"),
    )
    claire = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "Mme Claire"),
        material(CLAIRE_SLOT, "claire"),
    )
    certify_v2(
        admin.client(api),
        admin.account_id,
        admin.keys,
        structure_id,
        member_row(api, admin, structure_id, bernard),
        territory=TERRITORY,
        days=20,
        now=clock.now(),
    )

    log_in_admin(page, live_server, admin.login, f"{PASSPHRASE} {ADMIN_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "structures")
    page.locator(f"[data-admins-for='{structure_id}']").click()
    visible_screen(page, "admins")
    expect(page.locator("#admins-structure")).to_contain_text("CCAS de Riom")
    claire_item = page.locator(f"#admins-list > li[data-member='{claire.account_id}']")
    bernard_item = page.locator(f"#admins-list > li[data-member='{bernard.account_id}']")
    expect(claire_item).to_contain_text("Pas encore certifié·e")
    expect(bernard_item).to_contain_text("Certificat à renouveler")
    assert_accessible(page, f"admin-certify-{size}-admins", width)

    # -- Mme Claire: a code that does not match, another key's QR, then hers ------------
    claire_item.get_by_role("button", name="Certifier").click()
    screen = visible_screen(page, "certify")
    expect(page.locator("#certify-pin")).to_have_text(pin_spoken(claire.keys.sign_public))
    assert_accessible(page, f"admin-certify-{size}-certify", width)
    screen.locator("#certify-typed").fill("AAA BBB CCC")
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    expect(page.locator("#certify-error")).to_contain_text("ne correspondent pas")
    screen.locator("#certify-photo").set_input_files(str(_qr(tmp_path / "b.png", bernard)))
    expect(page.locator("#certify-error")).to_contain_text("ne correspondent pas")
    screen.locator("#certify-photo").set_input_files(str(_qr(tmp_path / "c.png", claire)))
    expect(page.locator("#certify-photo-result")).to_contain_text("correspond à la clé")
    expect(page.locator("#certify-typed")).to_have_value(pin_spoken(claire.keys.sign_public))
    screen.locator("#certify-passphrase").fill("pas la bonne phrase secrète du tout")
    screen.get_by_role("button", name="Certifier").click()
    expect(page.locator("#certify-error")).to_contain_text("Rien n'a été signé")
    assert member_row(api, admin, structure_id, claire)["certificate_state"] == "none"
    assert_accessible(page, f"admin-certify-{size}-refused", width)
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    visible_screen(page, "admins")
    expect(page.locator("#status")).to_contain_text("Mme Claire est certifié·e")
    expect(claire_item).to_contain_text("Certificat valable jusqu'au")
    expect(claire_item.get_by_role("button")).to_have_count(0)
    row = member_row(api, admin, structure_id, claire)
    assert row["certificate_state"] == "valid"
    end = datetime.fromisoformat(row["not_after"])
    assert timedelta(days=364) < end - clock.now() <= timedelta(days=365)

    # -- M. Bernard: renewed from the groups he reads aloud ------------------------------
    bernard_item.get_by_role("button", name="Renouveler").click()
    screen = visible_screen(page, "certify")
    spoken = pin_spoken(bernard.keys.sign_public)
    screen.locator("#certify-typed").fill(spoken.lower().replace(" ", "-"))
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    visible_screen(page, "admins")
    expect(bernard_item).to_contain_text("Certificat valable jusqu'au")
    assert member_row(api, admin, structure_id, bernard)["certificate_state"] == "valid"
    assert_accessible(page, f"admin-certify-{size}-done", width)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0

    # -- what the page signed verifies in Python, up to the root --------------------------
    keys = api.get(f"/api/v1/professionals/{claire.account_id}/keys", headers=admin.headers)
    [certificate] = keys.json()["certificates"]
    assert certificate["statement"]["v"] == 2
    assert certificate["statement"]["issuer"] == admin.account_id
    person = make_person(api, slot=14)
    client = CoffreClient("http://testserver", http=api, token=person.token)  # type: ignore[arg-type]
    checked = trusted_keys(client, claire.account_id, pin_spoken(admin.keys.sign_public))
    assert checked.sign_public == claire.keys.sign_public


def test_a_territory_made_before_v2_gets_v1_and_a_rotated_root_signs_nothing_here(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    page: Page,
    problems: dict[str, PageProblems],
) -> None:
    """Before the v2 root, the page certifies with the v1 certificate of SPEC §15 (no
    end), as the client does; once the root was rotated to a key kept offline, the page
    signs nothing and says to use the CLI."""
    # GET /trust/root/v2 answers 404 trust_root_missing before the v2 root: how the page
    # knows the territory was made before v2.
    problems["page"].allow("status of 404")
    admin, secret = admin_with_code(api, clock)
    structure_id = _structure(api, admin)
    bernard = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "M. Bernard"),
        material(BERNARD_SLOT, "bernard"),
    )
    log_in_admin(page, live_server, admin.login, f"{PASSPHRASE} {ADMIN_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "structures")
    page.locator(f"[data-admins-for='{structure_id}']").click()
    visible_screen(page, "admins")
    page.locator(f"[data-certify-for='{bernard.account_id}']").click()
    screen = visible_screen(page, "certify")
    screen.locator("#certify-typed").fill(pin_spoken(bernard.keys.sign_public))
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    visible_screen(page, "admins")
    item = page.locator(f"#admins-list > li[data-member='{bernard.account_id}']")
    expect(item).to_contain_text("Certificat valable.")
    keys = api.get(f"/api/v1/professionals/{bernard.account_id}/keys", headers=admin.headers)
    assert keys.json()["certificates"][0]["statement"]["v"] == 1
    assert member_row(api, admin, structure_id, bernard)["not_after"] is None

    # The v2 root, then a rotation to a key this account does not hold.
    publish_root_v2(admin.client(api), admin.keys, TERRITORY, now=clock.now())
    rotate_root(admin.client(api), admin.keys, generate_account_keys(), now=clock.now())
    claire = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "Mme Claire"),
        material(CLAIRE_SLOT, "claire"),
    )
    page.get_by_role("navigation", name=MENU).get_by_role("button", name="Structures").click()
    visible_screen(page, "structures")
    page.locator(f"[data-admins-for='{structure_id}']").click()
    visible_screen(page, "admins")
    page.locator(f"[data-certify-for='{claire.account_id}']").click()
    screen = visible_screen(page, "certify")
    screen.locator("#certify-typed").fill(pin_spoken(claire.keys.sign_public))
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    expect(page.locator("#certify-error")).to_contain_text("coffre certificate renew")
    expect(page.locator("#certify-error")).to_contain_text("Rien n'a été signé")
    assert member_row(api, admin, structure_id, claire)["certificate_state"] == "none"
    assert_accessible(page, "admin-certify-not-root")
