"""A professional's key rotation, walked in three phones' pages at 360 px (issue 17;
web/static/js/pro-keys.js, structure-admin.js, person-held.js; POST /me/keys/rotate).

The territory is on v2 certificates and the person shared her identity card with Mme
Dupont. Mme Dupont, whose phone was stolen, opens "Mon certificat" → "Changer mes
clés", reads what will happen, types her passphrase: her page makes the new keys and
shows the new key's code, then her new recovery kit. Her structure admin compares
that code face to face and certifies the new key on the structure page. At her next
visit, the person is asked to share again in "Mes partages" and does it in one tap:
the old share is stopped, the new one is sealed to the new key, and the server no
longer lists it as held by a revoked key.
"""

from __future__ import annotations

from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from client import CoffreClient
from client.network import publish_root_v2, sign_revocations
from coffre.accounts.models import Account
from coffre.clock import FrozenClock
from coffre.structures.models import CertificateRevocation, Membership
from crypto.pins import pin_spoken
from tests.accounts.factories import enrol_totp
from tests.factories import PASSPHRASE
from tests.structures.world import TERRITORY, World, go_v2
from tests.web.conftest import PHONE, PageProblems, assert_accessible, screenshot
from tests.web.journeys import (
    PRO_LOGIN,
    PRO_PASSPHRASE,
    add_identity_card,
    confirm_share,
    enter_code,
    go,
    log_in_person,
    log_in_professional,
    log_in_staff,
    my_shares,
    next_step,
    pin_root,
    root_pin,
    start_sharing,
    visible_screen,
)

SA_PASSPHRASE = f"{PASSPHRASE} 11"  # the world's structure admin (slot 11)


def _coffre(api: TestClient):  # type: ignore[no-untyped-def]
    return api.app.state.coffre  # type: ignore[attr-defined]


def _grants(api: TestClient, world: World) -> dict[str, dict[str, object]]:
    listed = world.person.client(api).call("GET", "/grants").json()["grants"]
    return {str(g["id"]): g for g in listed}


def test_a_professional_changes_keys_is_certified_again_and_the_person_shares_again(
    api: TestClient,
    world: World,
    clock: FrozenClock,
    page: Page,
    second_phone: BrowserContext,
    chromium: Browser,
    live_server: str,
    tmp_path: Path,
    problems: dict[str, PageProblems],
) -> None:
    publish_root_v2(world.admin.client(api), world.admin.keys, TERRITORY, clock.now())
    go_v2(api, world, clock.now())
    # The person shares her identity card with Mme Dupont, in her page.
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    add_identity_card(page, tmp_path)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    confirm_share(page)
    [old_id] = _grants(api, world)
    clock.advance(seconds=60)

    # Mme Dupont's phone was stolen: she changes her keys from another phone.
    pro = second_phone.new_page()
    problems["pro"] = PageProblems(pro)
    log_in_professional(pro, live_server)
    pro.get_by_role("button", name="Mon certificat").click()
    certificate = visible_screen(pro, "pro-certificate")
    certificate.get_by_role("button", name="Changer mes clés").click()
    keys = visible_screen(pro, "pro-keys")
    expect(keys).to_contain_text("perdu ou volé")
    expect(keys).to_contain_text("doit certifier votre nouvelle clé, face à face")
    expect(keys).to_contain_text("invitées à les partager à nouveau")
    assert_accessible(pro, "pro keys")
    screenshot(pro, "pro-keys")
    # Nothing sent without saying she read it, nor with a wrong passphrase.
    keys.get_by_label("Votre phrase secrète actuelle").fill(PRO_PASSPHRASE)
    keys.get_by_role("button", name="Changer mes clés").click()
    expect(pro.locator("#pro-keys-error")).to_contain_text("Cochez la case")
    keys.get_by_label("J'ai lu ce qui va se passer").check()
    keys.get_by_label("Votre phrase secrète actuelle").fill("pas la bonne phrase du tout")
    keys.get_by_role("button", name="Changer mes clés").click()
    expect(pro.locator("#pro-keys-error")).to_contain_text("n'est pas la bonne")
    with _coffre(api).db.unit_of_work() as db:
        assert db.query(CertificateRevocation).count() == 0
    keys.get_by_label("Votre phrase secrète actuelle").fill(PRO_PASSPHRASE)
    keys.get_by_role("button", name="Changer mes clés").click()
    done = visible_screen(pro, "pro-keys-done")
    expect(pro.locator("#status")).to_contain_text("Vos clés sont changées")
    pin = pro.locator("#pro-keys-pin").inner_text()
    with _coffre(api).db.unit_of_work() as db:
        account = db.get(Account, world.professional.account_id)
        assert account is not None and pin == pin_spoken(account.sign_public_key)
        assert account.sign_public_key != world.professional.keys.sign_public
        [revocation] = db.query(CertificateRevocation).all()
        assert revocation.reason == "key_rotated"
    expect(done.locator("#pro-keys-qr svg")).to_have_count(1)
    assert_accessible(pro, "pro keys done")
    screenshot(pro, "pro-keys-done")
    done.get_by_role("button", name="Noter mon nouveau code de récupération").click()
    kit = visible_screen(pro, "recovery")
    assert len(kit.locator("#recovery-code").inner_text().replace("-", "")) >= 26
    # The root signs the list that names the old certificate.
    sign_revocations(world.admin.client(api), world.admin.keys, now=clock.now())

    # Her structure admin compares the code face to face and certifies the new key.
    sa = world.structure_admin
    secret = enrol_totp(api, sa.headers, clock)
    clock.advance(seconds=31)
    desk = chromium.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    try:
        admin = desk.new_page()
        problems["admin"] = PageProblems(admin)
        log_in_staff(admin, f"{live_server}/structure", sa.login, SA_PASSPHRASE)
        enter_code(admin, pyotp.TOTP(secret).at(clock.now()))
        visible_screen(admin, "members")
        dupont = admin.locator(f"#members-list > li[data-member='{world.professional.account_id}']")
        expect(dupont).to_contain_text("Nouvelle clé à certifier")
        expect(dupont.get_by_role("button", name="Certifier — Mme Dupont")).to_be_visible()
        assert_accessible(admin, "structure admin, a new key to certify")
        admin.locator(f"[data-certify-for='{world.professional.account_id}']").click()
        certify = visible_screen(admin, "certify")
        assert admin.locator("#certify-pin").inner_text() == pin
        certify.locator("#certify-typed").fill(pin.lower())
        certify.locator("#certify-passphrase").fill(SA_PASSPHRASE)
        certify.get_by_role("button", name="Certifier").click()
        visible_screen(admin, "members")
        expect(dupont).to_contain_text("Certificat valable jusqu'au")
    finally:
        desk.close()
    with _coffre(api).db.unit_of_work() as db:
        [membership] = (
            db.query(Membership)
            .filter(Membership.account_id == world.professional.account_id)
            .all()
        )
        assert membership.revoked_at is None and membership.certificate_id != (
            revocation.certificate_id
        )
    clock.advance(seconds=60)

    # At her next visit, the person is asked to share again, and does.
    go(page, "Documents")
    shares = my_shares(page)
    prompt = shares.locator("#grant-held li")
    expect(prompt).to_have_count(1)
    expect(prompt.get_by_role("heading")).to_contain_text("Mme Dupont")
    assert_accessible(page, "person asked to share again after key rotation")
    prompt.get_by_role("button", name="Partager à nouveau").click()
    expect(page.locator("#status")).to_contain_text("peut de nouveau voir")
    expect(page.locator("#grant-held")).to_have_count(0)
    grants = _grants(api, world)
    assert grants[old_id]["state"] == "revoked"
    [new_id] = [g for g in grants if g != old_id]
    assert grants[new_id]["state"] == "active"
    held = api.get("/api/v1/revoked-keys/grants", headers=world.person.headers).json()
    assert held["grants"] == []
    # Her passphrase is the same (under a new salt); the new share opens with the new key.
    with CoffreClient(live_server) as client:
        client.login(PRO_LOGIN, PRO_PASSPHRASE)
        doc_id = grants[new_id]["documents"][0]["id"]  # type: ignore[index]
        pulled = client.call(
            "POST", f"/grants/{new_id}/documents/{doc_id}/pull", json={"reason": None}
        )
        assert pulled.status_code == 200
    assert problems["pro"].items == [] and problems["admin"].items == []
