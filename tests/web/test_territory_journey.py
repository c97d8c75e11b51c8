"""Issue 17's "Done when" journey, in a browser at desk size and at 360 px, axe on the
new screens:

1. the territory admin (/administration) of a territory made by `coffre territory
   bootstrap` (v2 root) publishes the charter after its preview (differences with no
   charter in force shown), admits a structure and invites its admin (link + QR);
2. the structure admin joins with that link and reads the pin of "Mon certificat" on
   their own device; the territory admin certifies them face to face on
   /administration (the root key opened by the passphrase in the page: a v2
   certificate); then on /structure they invite three professionals from a CSV file; one
   of them opens her link on her own device and signs up there (a professional's code
   on the vault page joins the structure); the admin certifies her face to face: her
   "Mon certificat" screen shows the pin, the admin types the groups read aloud;
3. that professional makes a person's invitation ("Inviter une personne": QR + code);
4. a person signs up with it on their phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from client import CoffreClient
from coffre.clock import FrozenClock
from tests.accounts.factories import enrol_totp
from tests.consent.charters import charter_text
from tests.factories import PASSPHRASE
from tests.structures.world import join, material
from tests.web.conftest import PHONE, PageProblems, assert_accessible
from tests.web.journeys import enter_code, keep_recovery_kit, log_in, visible_screen
from tests.web.test_structure_admin import go as go_structure
from tests.web.test_structure_admin import (
    log_in_structure_admin,
    send_csv,
)
from tests.web.test_territory_admin import (
    ADHESION,
    ADMIN_SLOT,
    CCAS,
    admin_with_code,
    choose_charter,
    go,
    log_in_admin,
)

DESK = {"width": 1280, "height": 900}
SA_SLOT, PRO_SLOTS = 31, (32, 33, 34)
CSV = (
    "nom;profession;email\n"
    "Mme Alice Martin;assistant-service-social;alice@ccas-riom.example\n"
    "M. Bruno Petit;conseiller-insertion;bruno@ccas-riom.example\n"
    "Mme Chloé Roux;educateur-specialise;chloe@ccas-riom.example\n"
)
PERSON_PASSPHRASE = "ma phrase secrète à moi seule dans le puy"
ALICE_PASSPHRASE = "la phrase secrète d'alice pour le ccas de riom"


@pytest.fixture(params=["desk", "phone"])
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def contexts(
    chromium: Browser, size: str, problems: dict[str, PageProblems]
) -> Iterator[dict[str, Page]]:
    """One browser context per person (each their own device)."""
    made: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    for who in ("admin", "structure", "sa-vault", "pro", "person"):
        context = chromium.new_context(
            viewport=DESK if size == "desk" else PHONE, locale="fr-FR", has_touch=size == "phone"
        )
        made.append(context)
        pages[who] = context.new_page()
        problems[who] = PageProblems(pages[who])
    try:
        yield pages
    finally:
        for context in made:
            context.close()
    for who in pages:
        assert problems[who].items == []


def test_a_territory_is_run_from_the_pages(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    contexts: dict[str, Page],
    size: str,
    tmp_path: Path,
    problems: dict[str, PageProblems],
) -> None:
    # Before she is certified, Alice's own key chain is answered 404: "Mon certificat"
    # says she is not certified yet.
    problems["pro"].allow("status of 404")
    # Her code is a professional's: tried first as a person's sign-up (403
    # invalid_invitation), the page then joins the structure with it.
    problems["pro"].allow("status of 403")
    # The same for the structure admin's "Mon certificat" before the root certifies him.
    problems["sa-vault"].allow("status of 404")
    width = DESK["width"] if size == "desk" else PHONE["width"]

    # -- 1. the territory admin: charter (preview, differences), admit, invite ------------
    page = contexts["admin"]
    admin, secret = admin_with_code(api, clock, v2=True)
    log_in_admin(page, live_server, admin.login, f"{PASSPHRASE} {ADMIN_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "structures")
    charter = tmp_path / "charte.toml"
    charter.write_text(charter_text(version=1, structures=ADHESION), encoding="utf-8")
    choose_charter(page, charter)
    preview = visible_screen(page, "preview")
    expect(page.locator("#preview-differences")).to_contain_text(f"Structure ajoutée : {CCAS}")
    expect(page.locator("#preview-text")).to_contain_text("Charte de test")
    preview.get_by_role("button", name="Publier cette version").click()
    visible_screen(page, "published")

    go(page, "Admettre")
    admit = visible_screen(page, "admit")
    admit.locator("#admit-name").fill(CCAS)
    admit.locator("#admit-siret").fill("732 829 320 00074")
    admit.locator("#admit-kind").select_option("ccas")
    admit.locator("#admit-address").fill("1 place de la Mairie, 63200 Riom")
    admit.get_by_role("button", name="Admettre la structure").click()
    visible_screen(page, "admitted").get_by_role(
        "button", name="Inviter son administrateur·rice"
    ).click()
    invite = visible_screen(page, "invite")
    invite.locator("#invite-name").fill("M. Bernard Roche")
    invite.get_by_role("button", name="Créer l'invitation").click()
    visible_screen(page, "invitation")
    link = page.locator("#invitation-link").input_value()
    structure_id = next(
        s["id"]
        for s in api.get("/api/v1/structures", headers=admin.headers).json()["structures"]
        if s["name"] == CCAS
    )

    # -- 2. the structure admin joins (API), is certified by the root face to face -------
    sa = join(api, link.split("#invitation=")[1], material(SA_SLOT, "bernard-roche"))
    sa_vault = contexts["sa-vault"]
    log_in(sa_vault, live_server, sa.login, f"{PASSPHRASE} {SA_SLOT}", "shared")
    sa_vault.get_by_role("button", name="Mon certificat").click()
    visible_screen(sa_vault, "pro-certificate")
    sa_pin = sa_vault.locator("#pro-certificate-pin").inner_text()
    visible_screen(page, "invitation").get_by_role("button", name="Retour aux structures").click()
    visible_screen(page, "structures")
    page.locator(f"[data-admins-for='{structure_id}']").click()
    visible_screen(page, "admins")
    page.locator(f"[data-certify-for='{sa.account_id}']").click()
    certify = visible_screen(page, "certify")
    expect(page.locator("#certify-pin")).to_have_text(sa_pin)
    certify.locator("#certify-typed").fill(sa_pin)
    certify.locator("#certify-passphrase").fill(f"{PASSPHRASE} {ADMIN_SLOT}")
    certify.get_by_role("button", name="Certifier").click()
    visible_screen(page, "admins")
    sa_item = page.locator(f"#admins-list > li[data-member='{sa.account_id}']")
    expect(sa_item).to_contain_text("Certificat valable jusqu'au")
    assert_accessible(page, f"journey-{size}-admins", width)
    sa_vault.get_by_role("button", name="Mon certificat").click()
    expect(sa_vault.locator("#pro-certificate-state")).not_to_contain_text("pas encore certifié·e")
    sa_secret = enrol_totp(api, sa.headers, clock)
    clock.advance(seconds=31)

    page = contexts["structure"]
    log_in_structure_admin(page, live_server, sa.login, f"{PASSPHRASE} {SA_SLOT}")
    enter_code(page, pyotp.TOTP(sa_secret).at(clock.now()))
    visible_screen(page, "members")
    csv = tmp_path / "equipe.csv"
    csv.write_text(CSV, encoding="utf-8")
    send_csv(page, csv)
    visible_screen(page, "bulk-done")
    links = page.locator("#bulk-links input")
    expect(links).to_have_count(3)
    assert_accessible(page, f"journey-{size}-bulk-done", width)
    codes = [links.nth(i).input_value().split("#invitation=")[1] for i in range(3)]
    # Bruno and Chloé join through the API; Alice opens her link on her own device.
    for code, slot, login in zip(
        codes[1:], PRO_SLOTS[1:], ("bruno-petit", "chloe-roux"), strict=True
    ):
        join(api, code, material(slot, login))
    pro_page = contexts["pro"]
    pro_page.goto(f"{live_server}/#invitation={codes[0]}")
    signup = visible_screen(pro_page, "signup")
    signup.get_by_label("Pseudonyme ou numéro de téléphone").fill("alice-martin")
    signup.get_by_label("Phrase secrète", exact=True).fill(ALICE_PASSPHRASE)
    signup.get_by_label("La même phrase secrète, encore une fois").fill(ALICE_PASSPHRASE)
    signup.get_by_role("button", name="Créer mon coffre").click()
    keep_recovery_kit(pro_page)
    visible_screen(pro_page, "shared")
    members = api.get(f"/api/v1/structures/{structure_id}/members", headers=sa.headers).json()
    alice_id = next(
        m["account_id"] for m in members["members"] if m["display_name"] == "Mme Alice Martin"
    )

    # Face to face: Alice opens "Mon certificat" on her own device and reads the pin.
    pro_page.get_by_role("button", name="Mon certificat").click()
    visible_screen(pro_page, "pro-certificate")
    expect(pro_page.locator("#pro-certificate-state")).to_contain_text("pas encore certifié·e")
    expect(pro_page.locator("#pro-certificate-qr svg")).to_have_count(1)
    assert_accessible(pro_page, f"journey-{size}-pro-certificate", width)
    spoken = pro_page.locator("#pro-certificate-pin").inner_text()

    go_structure(page, "Professionnel·les")
    visible_screen(page, "members")
    page.locator(f"[data-certify-for='{alice_id}']").click()
    certify = visible_screen(page, "certify")
    expect(page.locator("#certify-pin")).to_have_text(spoken)
    certify.locator("#certify-typed").fill(spoken.lower().replace(" ", "-"))
    certify.locator("#certify-passphrase").fill(f"{PASSPHRASE} {SA_SLOT}")
    certify.get_by_role("button", name="Certifier").click()
    visible_screen(page, "members")
    item = page.locator(f"#members-list > li[data-member='{alice_id}']")
    expect(item).to_contain_text("Certificat valable")

    pro_page.get_by_role("button", name="Mon certificat").click()
    visible_screen(pro_page, "pro-certificate")
    expect(pro_page.locator("#pro-certificate-state")).not_to_contain_text("pas encore certifié·e")

    # -- 3. Alice makes a person's invitation ---------------------------------------------
    pro_page.get_by_role("button", name="Inviter une personne").click()
    screen = visible_screen(pro_page, "pro-invite-person")
    screen.get_by_role("button", name="Créer une invitation").click()
    expect(pro_page.locator("#pro-invite-person-qr svg")).to_have_count(1)
    code = pro_page.locator("#pro-invite-person-code").inner_text()
    assert code
    assert_accessible(pro_page, f"journey-{size}-pro-invite-person", width)

    # -- 4. the person signs up with it on their phone ------------------------------------
    person = contexts["person"]
    person.goto(f"{live_server}/#invitation={code}")
    signup = visible_screen(person, "signup")
    expect(person.locator("#signup-invited")).to_be_visible()
    signup.get_by_label("Pseudonyme ou numéro de téléphone").fill("06 11 22 33 55")
    signup.get_by_label("Phrase secrète", exact=True).fill(PERSON_PASSPHRASE)
    signup.get_by_label("La même phrase secrète, encore une fois").fill(PERSON_PASSPHRASE)
    signup.get_by_role("button", name="Créer mon coffre").click()
    visible_screen(person, "recovery")
    with CoffreClient(live_server) as client:
        assert client.login("0611223355", PERSON_PASSPHRASE).login == "0611223355"
