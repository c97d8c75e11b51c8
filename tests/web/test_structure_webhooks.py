"""The structure admin's "Envois automatiques" (webhooks, docs/WEBHOOKS.md) in a
browser, at desk size and at 360 px: nothing chosen in advance, an address added with
its events, the signing key shown once, the log of a delivery the partner refused
(the partner's answer, the next try), "Renvoyer" (received and verified by the
partner's receiver), deleting the address. axe runs on every screen; nothing scrolls
sideways."""

from __future__ import annotations

import pyotp
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from coffre.clock import FrozenClock
from tests.accounts.factories import enrol_totp
from tests.factories import PASSPHRASE
from tests.structures.world import World, build_world
from tests.web.conftest import PHONE, PageProblems, assert_accessible
from tests.web.journeys import enter_code, visible_screen
from tests.web.test_structure_admin import (  # noqa: F401 - fixtures
    DESK,
    SA_SLOT,
    go,
    log_in_structure_admin,
    sa_page,
    size,
)
from tests.webhooks.receiver import Receiver
from tests.webhooks.receiver import receiver as receiver  # noqa: F401 - fixture
from tests.webhooks.world import coffre_of, one_delivery


def test_the_structure_admin_adds_an_address_reads_its_log_replays_and_deletes_it(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    sa_page: Page,  # noqa: F811
    size: str,  # noqa: F811
    receiver: Receiver,  # noqa: F811
    problems: dict[str, PageProblems],
) -> None:
    page = sa_page
    # The empty form is refused on the page, before anything is sent.
    width = DESK["width"] if size == "desk" else PHONE["width"]
    world: World = build_world(api)
    admin = world.structure_admin
    secret = enrol_totp(api, admin.headers, clock)
    clock.advance(seconds=31)

    def check(name: str) -> None:
        assert_accessible(page, f"structure-webhooks-{size}-{name}", width)

    log_in_structure_admin(page, live_server, admin.login, f"{PASSPHRASE} {SA_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "members")

    go(page, "Envois automatiques")
    screen = visible_screen(page, "webhooks")
    expect(page.locator("#webhooks-list")).to_contain_text("Aucune adresse pour l'instant.")
    check("list-empty")

    screen.get_by_role("button", name="Ajouter une adresse").click()
    form = visible_screen(page, "webhook-add")
    # Nothing chosen in advance.
    for box in form.locator("input[type=checkbox]").all():
        expect(box).not_to_be_checked()
    form.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#webhook-add-error")).to_have_text(
        "Écrivez l'adresse du logiciel qui reçoit."
    )
    form.locator("#webhook-url").fill(receiver.url)
    form.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#webhook-add-error")).to_have_text("Cochez au moins un cas où prévenir.")
    check("add")
    form.get_by_label("une personne partage des documents").check()
    form.get_by_role("button", name="Ajouter", exact=True).click()

    shown = visible_screen(page, "webhook-secret")
    key = page.locator("#webhook-secret").input_value()
    assert key.startswith("whsec_")
    expect(shown).to_contain_text("Elle ne sera plus jamais affichée")
    check("secret")
    receiver.secret = key
    shown.get_by_role("button", name="J'ai copié la clé").click()
    visible_screen(page, "webhooks")
    assert page.locator("#webhook-secret").input_value() == ""
    item = page.locator("#webhooks-list > li[data-webhook]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(receiver.url)
    expect(item).to_contain_text("Prévient pour : un partage reçu.")
    hook_id = item.get_attribute("data-webhook") or ""
    assert key not in page.content()
    check("list")

    # A share arrives; the partner answers 500: retried later, shown in the log.
    one_delivery(api, world.structure_id, hook_id)
    receiver.answer(500)
    coffre_of(api).webhook_deliverer.deliver()
    item.get_by_role("button", name="Voir le journal").click()
    log = visible_screen(page, "webhook-log")
    line = page.locator("#webhook-log-list > li[data-delivery]")
    expect(line).to_contain_text("Pas encore reçu : nouvel essai le")
    expect(line).to_contain_text("Dernière réponse du logiciel : 500.")
    check("log")

    line.get_by_role("button", name="Renvoyer").click()
    expect(page.locator("#status")).to_contain_text("Le message repart dans quelques secondes.")
    coffre_of(api).webhook_deliverer.deliver()
    log.get_by_role("button", name="Actualiser").click()
    expect(page.locator("#webhook-log-list > li[data-delivery]")).to_contain_text(
        "Reçu par le logiciel."
    )
    [received] = receiver.accepted
    assert received.payload["type"] == "grant.created"

    log.get_by_role("button", name="Retour aux adresses").click()
    visible_screen(page, "webhooks")
    page.locator("#webhooks-list > li[data-webhook]").get_by_role(
        "button", name="Supprimer"
    ).click()
    confirm = visible_screen(page, "webhook-delete")
    check("delete")
    confirm.get_by_role("button", name="Supprimer", exact=True).click()
    visible_screen(page, "webhooks")
    expect(page.locator("#status")).to_contain_text("Adresse supprimée")
    expect(page.locator("#webhooks-list")).to_contain_text("Aucune adresse pour l'instant.")
