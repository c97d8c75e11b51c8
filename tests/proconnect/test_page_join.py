"""ProConnect on the professional's side of the page, in a phone-sized Chromium against
the real server and the local provider: Mme Roux, invited by her structure, opens
her invitation link, chooses "Rejoindre avec ProConnect", logs in at the provider,
comes back greeted by her name, and chooses her pseudonym and passphrase on her
phone (her keys are made there); her recovery kit follows. Her "Se déconnecter" ends
her ProConnect session too. Mme Dupont, linked, undoes the link from her page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coffre.accounts.proconnect_models import ProConnectLink
from coffre.container import Coffre
from crypto import b64encode
from tests.consent.world import consent_charter, publish
from tests.proconnect.browser import Browser
from tests.structures.world import build_world, invite
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import (
    PRO_PASSPHRASE,
    keep_recovery_kit,
    log_in_professional,
    visible_screen,
)

NEW_PASSPHRASE = "lampe orange vélo tranquille montagne"


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined, no-any-return]


def _at_provider(page: Page, server: str, agent: str) -> None:
    """The provider's own login and consent forms (oidc-provider's development screens)."""
    page.wait_for_url(lambda url: not url.startswith(server))
    page.locator("input[name=login]").fill(agent)
    page.locator("input[name=password]").fill("mot-de-passe-agent")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()


def test_an_invited_professional_joins_with_proconnect_then_logs_out_of_both(
    pc_api: TestClient,
    pc_server: str,
    page: Page,
    problems: dict[str, PageProblems],
) -> None:
    # The provider's development login page asks for a web font from the Internet.
    problems["page"].allow("ERR_NAME_NOT_RESOLVED")
    # Not certified yet, she has no key chain: her home's check of it answers 404.
    problems["page"].allow("status of 404")
    world = build_world(pc_api)
    publish(pc_api, world, consent_charter(world.structure_id))
    code = invite(pc_api, world.structure_admin, world.structure_id, "professional", "Mme Roux")

    page.goto(f"{pc_server}/#invitation={code}")
    signup = visible_screen(page, "signup")
    signup.get_by_role("button", name="Rejoindre avec ProConnect").click()
    _at_provider(page, pc_server, "agent-roux")

    screen = visible_screen(page, "proconnect-join")
    expect(screen.locator("#proconnect-join-hello")).to_have_text("Bonjour Claire Martin.")
    assert page.request.get(f"{pc_server}/api/v1/me").status == 401
    assert_accessible(page, "proconnect-join")
    screenshot(page, "proconnect-join")
    screen.get_by_label("Pseudonyme ou numéro de téléphone").fill("roux")
    screen.get_by_label("Phrase secrète", exact=True).fill(NEW_PASSPHRASE)
    screen.get_by_label("La même phrase secrète, encore une fois").fill(NEW_PASSPHRASE)
    screen.get_by_role("button", name="Créer mon coffre").click()

    kit = visible_screen(page, "recovery")
    expect(kit.locator("#recovery-login")).to_have_text("roux")
    keep_recovery_kit(page)
    visible_screen(page, "shared")
    with _coffre(pc_api).db.unit_of_work() as db:
        [link] = db.scalars(select(ProConnectLink))
        assert link.siret == "21630113500010"

    # "Me déconnecter": Coffre's session, then ProConnect's (it comes back home).
    page.get_by_role("button", name="Me déconnecter").click()
    page.wait_for_url(f"{pc_server}/?state=*")
    visible_screen(page, "welcome")
    assert page.request.get(f"{pc_server}/api/v1/me").status == 401
    # ProConnect asks who this is again: its session is over too.
    page.get_by_role("button", name="J'ai déjà un coffre").click()
    visible_screen(page, "login").get_by_role("link", name="Se connecter avec ProConnect").click()
    page.wait_for_url(lambda url: not url.startswith(pc_server))
    expect(page.locator("input[name=login]")).to_be_visible()


def test_a_linked_professional_undoes_the_link_from_her_page(
    pc_api: TestClient,
    pc_server: str,
    browsers: Callable[..., Browser],
    page: Page,
    problems: dict[str, PageProblems],
) -> None:
    problems["page"].allow("status of 403")  # the wrong passphrase, refused on purpose
    world = build_world(pc_api)
    publish(pc_api, world, consent_charter(world.structure_id))
    pro = world.professional
    linking = browsers()
    code = invite(pc_api, world.structure_admin, world.structure_id, "professional", "Dupont")
    assert linking.through(invitation=code) == "/#proconnect"
    assert linking.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)}).is_success

    log_in_professional(page, pc_server)
    page.get_by_role("button", name="ProConnect", exact=True).click()
    screen = visible_screen(page, "pro-proconnect")
    expect(screen.locator("#pro-proconnect-state")).to_contain_text("lié à ProConnect depuis le")
    assert_accessible(page, "pro-proconnect")
    field = screen.get_by_label("Votre phrase secrète, pour confirmer")
    field.fill("pas la bonne phrase du tout")
    screen.get_by_role("button", name="Défaire le lien").click()
    expect(screen.locator("#pro-proconnect-error")).to_contain_text("toujours là")

    field.fill(PRO_PASSPHRASE)
    screen.get_by_role("button", name="Défaire le lien").click()
    expect(page.locator("#status")).to_contain_text("n'est plus lié à ProConnect")
    expect(screen.locator("#pro-proconnect-state")).to_contain_text("n'est pas lié")
    with _coffre(pc_api).db.unit_of_work() as db:
        assert list(db.scalars(select(ProConnectLink))) == []
