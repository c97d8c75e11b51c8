"""A professional gives a partner's software an access, in the page at 360 px
(web/static/js/pro-tokens.js; docs/PARTNERS.md "Tokens").

Mme Dupont opens "Accès des logiciels partenaires": nothing yet. She makes one: nothing
is ticked for her, and the page asks for a name, a right and a length before sending.
The code is shown once with a copy button; it works at once on the rights she ticked
only. The list then says what it may do, until when, and when it was last used; she
withdraws it and the software is refused at once.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.structures.world import World
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import log_in_professional, visible_screen


def test_a_professional_makes_an_access_sees_it_once_and_withdraws_it(
    api: TestClient, world: World, page: Page, live_server: str
) -> None:
    log_in_professional(page, live_server)
    page.get_by_role("button", name="Accès des logiciels partenaires").click()
    tokens = visible_screen(page, "pro-tokens")
    expect(tokens).to_contain_text("Aucun logiciel partenaire")
    tokens.get_by_role("button", name="Créer un accès").click()

    new = visible_screen(page, "pro-token-new")
    expect(new.locator("input[name=scope]:checked")).to_have_count(0)
    expect(new.locator("input[name=days]:checked")).to_have_count(0)
    assert_accessible(page, "pro token new")
    new.get_by_role("button", name="Créer l'accès").click()
    expect(page.locator("#pro-token-error")).to_contain_text("Donnez un nom")
    new.get_by_label("Nom de l'accès").fill("Logiciel RSA de la CAF")
    new.get_by_role("button", name="Créer l'accès").click()
    expect(page.locator("#pro-token-error")).to_contain_text("Cochez au moins")
    new.get_by_label("Voir les partages qu'on me fait").check()
    new.get_by_role("button", name="Créer l'accès").click()
    expect(page.locator("#pro-token-error")).to_contain_text("combien de temps")
    assert api.get("/api/v1/tokens", headers=world.professional.headers).json()["tokens"] == []
    new.get_by_label("30 jours").check()
    screenshot(page, "pro-token-new")
    new.get_by_role("button", name="Créer l'accès").click()

    shown = visible_screen(page, "pro-token-shown")
    expect(shown).to_contain_text("ne sera plus jamais affiché")
    code = page.locator("#pro-token-value").input_value()
    assert code.startswith("coffre_pat_")
    assert_accessible(page, "pro token shown")
    screenshot(page, "pro-token-shown")
    bearer = {"Authorization": f"Bearer {code}"}
    assert api.get("/api/v1/shared-with-me", headers=bearer).status_code == 200
    refused = api.get("/api/v1/requests", headers=bearer)
    assert refused.json()["error"]["code"] == "token_scope"
    shown.get_by_role("button", name="J'ai copié le code").click()

    tokens = visible_screen(page, "pro-tokens")
    expect(tokens).to_contain_text("Logiciel RSA de la CAF")
    expect(tokens).to_contain_text("Voir les partages qu'on me fait")
    expect(tokens).to_contain_text("Dernière utilisation le")
    expect(page.locator("#pro-token-value")).to_have_value("")
    assert_accessible(page, "pro tokens")
    screenshot(page, "pro-tokens")
    page.once("dialog", lambda dialog: dialog.accept())
    tokens.get_by_role("button", name="Retirer l'accès « Logiciel RSA de la CAF »").click()
    expect(page.locator("#status")).to_contain_text("est retiré")
    expect(tokens).to_contain_text("Aucun logiciel partenaire")
    gone = api.get("/api/v1/shared-with-me", headers=bearer)
    assert gone.json()["error"]["code"] == "token_revoked"
