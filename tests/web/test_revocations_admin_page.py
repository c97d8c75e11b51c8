"""The territory admin signs the revocation list from /administration at 360 px
(issue 17; crypto/SPEC.md §26.3; web/static/js/admin-revocations.js).

Mme Dupont's certificate is revoked by her structure: the page says a list waits to be
signed; a wrong passphrase signs nothing; the admin's passphrase opens the root key
in the page, the list is signed, published, and names the certificate; the Python
client then refuses to seal anything to Mme Dupont (a list made in the page, checked
by crypto/ in Python).
"""

from __future__ import annotations

import pyotp
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from client.network import revoke, trusted_keys
from coffre.accounts.models import TotpCredential
from coffre.clock import FrozenClock
from crypto.errors import StaleError
from crypto.statements_v2 import statement_id
from tests.accounts.factories import enrol_totp
from tests.factories import PASSPHRASE
from tests.structures.world import World, member_row, pinned_root
from tests.web.conftest import assert_accessible
from tests.web.journeys import enter_code, visible_screen
from tests.web.test_certificates_life_page import _v2_territory
from tests.web.test_territory_admin import ADMIN_SLOT, go, log_in_admin


def test_the_territory_admin_signs_the_revocation_list_in_the_page(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str
) -> None:
    _v2_territory(api, world, clock)
    member = member_row(api, world.structure_admin, world.structure_id, world.professional)
    revoke(world.structure_admin.client(api), member["membership_id"], "left")
    before = api.get("/api/v1/trust/revocations").json()["sequence"]
    # The admin's authenticator: enrolled afresh here, its secret kept by the test.
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        db.delete(db.get(TotpCredential, world.admin.account_id))
    secret = enrol_totp(api, world.admin.headers, clock)
    clock.advance(seconds=31)
    log_in_admin(page, live_server, world.admin.login, f"{PASSPHRASE} {ADMIN_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "structures")
    go(page, "Révocations")
    screen = visible_screen(page, "revocations")
    expect(page.locator("#revocations-state")).to_contain_text("À signer : 1 certificat")
    assert_accessible(page, "admin revocations due")
    form = screen.locator("#revocations-form")
    form.get_by_label("Votre phrase secrète").fill("pas la bonne phrase secrète du tout")
    form.get_by_role("button", name="Signer la liste").click()
    expect(page.locator("#revocations-error")).to_contain_text("Rien n'a été signé")
    assert api.get("/api/v1/trust/revocations").json()["sequence"] == before
    form.get_by_label("Votre phrase secrète").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    form.get_by_role("button", name="Signer la liste").click()
    expect(page.locator("#status")).to_contain_text(
        f"la liste n° {before + 1} est signée et publiée"
    )
    expect(page.locator("#revocations-state")).to_contain_text(
        f"La liste n° {before + 1} est à jour"
    )
    expect(form).to_be_hidden()
    assert_accessible(page, "admin revocations signed")
    listing = api.get("/api/v1/trust/revocations").json()
    assert listing["sequence"] == before + 1
    keys = (
        world.person.client(api)
        .call("GET", f"/professionals/{world.professional.account_id}/keys")
        .json()
    )
    assert listing["list"]["statement"]["revoked"] == [
        statement_id(keys["certificates"][0]["statement"])
    ]
    assert listing["list"]["signer"] == keys["root"]["signer"]
    with pytest.raises(StaleError):
        trusted_keys(
            world.person.client(api), world.professional.account_id, pinned_root(world.admin)
        )
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
