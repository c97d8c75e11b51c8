"""The structure admin's page (/structure) in a browser, at desk size and at 360 px.

The structure admin logs in (passphrase, then the 6-digit code), sees the structure's
professionals with their certificate's state, sends a CSV file with bad rows (each
listed with its line and reason, nothing created), then a good one (the links listed
to hand out: Coffre sends no e-mail), invites one professional (link + QR + code),
certifies a professional who joined with a file's link after comparing the pin (a
wrong pin refused, nothing signed), and removes a member. axe runs on every screen;
nothing scrolls sideways.

Selectors for the journey test: page ``{base}/structure``; screens ``[data-screen=NAME]``
login, code, members, invite, invitation, bulk, bulk-done, certify, end; menu
``nav[aria-label="Menu de la structure"]`` buttons "Professionnel·les", "Inviter",
"Inviter depuis un fichier"; ``#bulk-file`` + button "Inviter"; ``#bulk-rejected li``;
``#bulk-links input`` (values ``{base}/#invitation=CODE``); ``#members-list >
li[data-member=ACCOUNT_ID]`` with buttons ``[data-certify-for=ID]`` /
``[data-end-for=ID]``; certify: ``#certify-pin`` (expected groups), ``#certify-typed``,
``#certify-passphrase``, button "Certifier".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import segno
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from client.network import certify_v2, members, publish_root_v2
from coffre.clock import FrozenClock
from crypto.pins import pin_qr_payload
from tests.accounts.factories import enrol_totp
from tests.factories import PASSPHRASE
from tests.structures.world import TERRITORY, World, build_world, join, material
from tests.web.conftest import PHONE, PageProblems, assert_accessible
from tests.web.journeys import enter_code, log_in_staff, visible_screen

DESK = {"width": 1280, "height": 900}
MENU = "Menu de la structure"
SA_SLOT = 11  # build_world's structure admin: the passphrase is f"{PASSPHRASE} 11"

BAD_CSV = (
    "nom;profession;email\n"
    "Mme Alice Martin;assistant-service-social;alice@ccas.example\n"
    "M. Bruno Petit;plombier;bruno@ccas.example\n"
)
GOOD_CSV = (
    "nom;profession;email\n"
    "Mme Alice Martin;assistant-service-social;alice@ccas.example\n"
    "M. Bruno Petit;conseiller-insertion;bruno@ccas.example\n"
    "Mme Chloé Roux;educateur-specialise;chloe@ccas.example\n"
)


def log_in_structure_admin(page: Page, base: str, login_name: str, passphrase: str) -> None:
    log_in_staff(page, f"{base}/structure", login_name, passphrase)


def go(page: Page, name: str) -> None:
    page.get_by_role("navigation", name=MENU).get_by_role("button", name=name, exact=True).click()


def send_csv(page: Page, path: Path) -> None:
    go(page, "Inviter depuis un fichier")
    screen = visible_screen(page, "bulk")
    screen.locator("#bulk-file").set_input_files(str(path))
    screen.get_by_role("button", name="Inviter", exact=True).click()


def certify_face_to_face(page: Page, account_id: str, passphrase: str) -> None:
    page.locator(f"[data-certify-for='{account_id}']").click()
    screen = visible_screen(page, "certify")
    pin = page.locator("#certify-pin").inner_text()
    screen.locator("#certify-typed").fill(pin.lower())
    screen.locator("#certify-passphrase").fill(passphrase)
    screen.get_by_role("button", name="Certifier").click()


@pytest.fixture(params=["desk", "phone"])
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sa_page(chromium: Browser, size: str, problems: dict[str, PageProblems]) -> Iterator[Page]:
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


def test_the_structure_admin_invites_from_a_file_certifies_and_removes(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    sa_page: Page,
    size: str,
    tmp_path: Path,
    problems: dict[str, PageProblems],
) -> None:
    page = sa_page
    # The refused file is answered 422 on purpose (shown on the screen).
    problems["page"].allow("status of 422")
    width = DESK["width"] if size == "desk" else PHONE["width"]
    world: World = build_world(api)
    admin = world.structure_admin
    secret = enrol_totp(api, admin.headers, clock)
    clock.advance(seconds=31)

    def check(name: str) -> None:
        assert_accessible(page, f"structure-{size}-{name}", width)

    log_in_structure_admin(page, live_server, admin.login, f"{PASSPHRASE} {SA_SLOT}")
    check("login")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "members")
    dupont = page.locator(f"#members-list > li[data-member='{world.professional.account_id}']")
    expect(dupont).to_contain_text("Mme Dupont")
    expect(dupont).to_contain_text("Certificat valable")
    check("members")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0

    # -- a file with a bad row: listed, nothing made --------------------------------------
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    send_csv(page, bad)
    expect(page.locator("#bulk-error")).to_contain_text("aucune invitation n'a été créée")
    expect(page.locator("#bulk-rejected li")).to_have_count(1)
    expect(page.locator("#bulk-rejected li")).to_contain_text("Ligne 3 (profession)")
    check("bulk-rejected")

    # -- a good file: the links to hand out ------------------------------------------------
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    page.locator("#bulk-file").set_input_files(str(good))
    visible_screen(page, "bulk").get_by_role("button", name="Inviter", exact=True).click()
    visible_screen(page, "bulk-done")
    expect(page.locator("#bulk-summary")).to_contain_text("3 invitation(s)")
    expect(visible_screen(page, "bulk-done")).to_contain_text("Coffre n'envoie pas encore d'e-mail")
    links = page.locator("#bulk-links input")
    expect(links).to_have_count(3)
    check("bulk-done")
    first = links.nth(0).input_value()
    assert first.startswith(f"{live_server}/#invitation=")

    # -- one professional, by link + QR ----------------------------------------------------
    go(page, "Inviter")
    invite = visible_screen(page, "invite")
    invite.locator("#invite-name").fill("M. Denis Blanc")
    invite.locator("#invite-profession").select_option("agent-accueil")
    invite.get_by_role("button", name="Créer l'invitation").click()
    visible_screen(page, "invitation")
    expect(page.locator("#invitation-qr svg")).to_have_count(1)
    expect(page.locator("#invitation-code")).not_to_be_empty()
    check("invitation")

    # -- Alice joins with her file's link; certified face to face ---------------------------
    alice = join(api, first.split("#invitation=")[1], material(21, "alice-martin"))
    go(page, "Professionnel·les")
    visible_screen(page, "members")
    item = page.locator(f"#members-list > li[data-member='{alice.account_id}']")
    expect(item).to_contain_text("Pas encore certifié·e")
    page.locator(f"[data-certify-for='{alice.account_id}']").click()
    screen = visible_screen(page, "certify")
    screen.locator("#certify-typed").fill("AAA BBB CCC")
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {SA_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    expect(page.locator("#certify-error")).to_contain_text("ne correspondent pas")
    check("certify-mismatch")
    # The QR code of her pin, photographed: another key's is refused, hers fills the code.
    other = tmp_path / "autre.png"
    segno.make(pin_qr_payload(world.professional.keys.sign_public), error="m").save(
        str(other), scale=8
    )
    screen.locator("#certify-photo").set_input_files(str(other))
    expect(page.locator("#certify-error")).to_contain_text("ne correspondent pas")
    hers = tmp_path / "alice.png"
    segno.make(pin_qr_payload(alice.keys.sign_public), error="m").save(str(hers), scale=8)
    screen.locator("#certify-photo").set_input_files(str(hers))
    expect(page.locator("#certify-photo-result")).to_contain_text("correspond à la clé")
    expect(page.locator("#certify-typed")).to_have_value(page.locator("#certify-pin").inner_text())
    check("certify-qr")
    screen.locator("#certify-passphrase").fill(f"{PASSPHRASE} {SA_SLOT}")
    screen.get_by_role("button", name="Certifier").click()
    visible_screen(page, "members")
    expect(page.locator("#status")).to_contain_text("Mme Alice Martin est certifié·e")
    expect(item).to_contain_text("Certificat valable")
    keys = api.get(f"/api/v1/professionals/{alice.account_id}/keys", headers=admin.headers)
    assert keys.status_code == 200 and keys.json()["certificates"]

    # -- revoke Mme Dupont's certificate (her phone was stolen), then remove her -----------
    page.locator(f"[data-revoke-for='{world.professional.account_id}']").click()
    revoke = visible_screen(page, "revoke")
    revoke.locator("#revoke-reason").select_option("device_stolen")
    check("revoke")
    revoke.get_by_role("button", name="Révoquer", exact=True).click()
    visible_screen(page, "members")
    expect(dupont).to_contain_text("Certificat révoqué")
    status = api.get("/api/v1/trust/revocations/status", headers=world.admin.headers).json()
    assert status["due"] is True

    page.locator(f"[data-end-for='{world.professional.account_id}']").click()
    visible_screen(page, "end")
    check("end")
    page.get_by_role("button", name="Retirer", exact=True).click()
    visible_screen(page, "members")
    expect(dupont).to_have_count(0)


def test_with_a_v2_root_the_page_issues_a_certificate_with_an_end(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    chromium: Browser,
    problems: dict[str, PageProblems],
) -> None:
    """Once the territory published its v2 root and certified the structure admin with a
    v2 certificate, the page signs v2 certificates (certificates-v2.js, SPEC §26.2):
    the server stores their end, the list shows "valable jusqu'au"."""
    world: World = build_world(api)
    admin = world.admin
    publish_root_v2(admin.client(api), admin.keys, TERRITORY, now=clock.now())
    sa = world.structure_admin
    [sa_member] = [
        m
        for m in members(admin.client(api), world.structure_id)
        if m["account_id"] == sa.account_id
    ]
    certify_v2(
        admin.client(api),
        admin.account_id,
        admin.keys,
        world.structure_id,
        sa_member,
        territory=TERRITORY,
        now=clock.now(),
    )
    code = api.post(
        f"/api/v1/structures/{world.structure_id}/invitations",
        json={"kind": "professional", "display_name": "Mme Eva Noir", "profession": "autre"},
        headers=sa.headers,
    ).json()["code"]
    eva = join(api, code, material(22, "eva-noir"))
    secret = enrol_totp(api, sa.headers, clock)
    clock.advance(seconds=31)
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    page = context.new_page()
    problems["page"] = PageProblems(page)
    try:
        log_in_structure_admin(page, live_server, sa.login, f"{PASSPHRASE} {SA_SLOT}")
        enter_code(page, pyotp.TOTP(secret).at(clock.now()))
        visible_screen(page, "members")
        certify_face_to_face(page, eva.account_id, f"{PASSPHRASE} {SA_SLOT}")
        visible_screen(page, "members")
        item = page.locator(f"#members-list > li[data-member='{eva.account_id}']")
        expect(item).to_contain_text("Certificat valable jusqu'au")
    finally:
        context.close()
    assert problems["page"].items == []
    [listed] = [
        m for m in members(sa.client(api), world.structure_id) if m["account_id"] == eva.account_id
    ]
    assert listed["certificate_state"] == "valid" and listed["not_after"]


def test_nothing_is_chosen_for_the_structure_admin(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    chromium: Browser,
    problems: dict[str, PageProblems],
) -> None:
    """A professional's category goes into their certificate (the charter allows each
    purpose to some professions) and a revocation's reason into the trail: neither
    starts on the list's first entry. With nothing chosen, the page says what to choose
    and revokes nothing."""
    world: World = build_world(api)
    sa = world.structure_admin
    secret = enrol_totp(api, sa.headers, clock)
    clock.advance(seconds=31)
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    page = context.new_page()
    problems["page"] = PageProblems(page)
    try:
        log_in_structure_admin(page, live_server, sa.login, f"{PASSPHRASE} {SA_SLOT}")
        enter_code(page, pyotp.TOTP(secret).at(clock.now()))
        visible_screen(page, "members")

        go(page, "Inviter")
        invite = visible_screen(page, "invite")
        expect(invite.locator("#invite-profession")).to_have_value("")
        invite.locator("#invite-name").fill("M. Denis Blanc")
        invite.get_by_role("button", name="Créer l'invitation").click()
        expect(page.locator("#invite-error")).to_have_text(
            "Choisissez la catégorie professionnelle."
        )
        visible_screen(page, "invite")

        go(page, "Professionnel·les")
        visible_screen(page, "members")
        page.locator(f"[data-revoke-for='{world.professional.account_id}']").click()
        revoke = visible_screen(page, "revoke")
        expect(revoke.locator("#revoke-reason")).to_have_value("")
        revoke.get_by_role("button", name="Révoquer", exact=True).click()
        expect(page.locator("#revoke-error")).to_have_text("Choisissez la raison.")
        visible_screen(page, "revoke")
    finally:
        context.close()
    assert problems["page"].items == []
    listed = members(sa.client(api), world.structure_id)
    [dupont] = [m for m in listed if m["account_id"] == world.professional.account_id]
    assert dupont["certificate_state"] == "valid"
