"""The territory admin's page (/administration) in a browser, at desk size and at 360 px.

The territory admin logs in (passphrase, then the 6-digit code), publishes the first
charter from its TOML file after reading its preview (every purpose new), admits a
structure (a mistyped SIRET is caught by its Luhn key first), invites its admin (a
link, a QR code and a code, single use, expiring: the admin joins with it), sees the
structure adhere since the charter's date; a broken file shows its problems located
in the file and no "Publier" button; a second version shows its differences; ending
the adhesion prepares a third version whose preview says so, published after
confirming. axe runs on every screen; nothing scrolls sideways.

Selectors for the journey test (helper B) — stable ids and labels:
- page: ``{base}/administration``; screens are ``[data-screen=NAME]``: login, code,
  structures, admit, admitted, invite, invitation, charter, preview, published, end.
- log in: labels "Identifiant", "Phrase secrète", button "Continuer"; then label "Code"
  (exact) and button "Me connecter" (see ``log_in_admin`` below and
  ``tests.web.journeys.enter_code``).
- menu: ``nav[aria-label="Menu de l'administration"]`` buttons "Structures",
  "Admettre", "Inviter", "Charte".
- charter: ``#charter-file`` (set_input_files), button "Voir l'aperçu"; preview:
  ``#preview-summary``, ``#preview-problems`` (li), ``#preview-differences`` (li),
  ``#preview-text`` (the charter as /charte shows it), ``#preview-publish`` ("Publier
  cette version"); then screen "published", ``#published-text``.
- admit: ``#admit-name``, ``#admit-siret``, ``#admit-kind`` (select, codes of
  coffre/structures/kinds.py), ``#admit-address``, button "Admettre la structure",
  ``#admit-error``; then screen "admitted", button "Inviter son administrateur·rice".
- invite: radios ``#invite-role-admin`` / ``#invite-role-officer``, ``#invite-structure``
  (select by structure id), ``#invite-name``, ``#invite-profession``, button "Créer
  l'invitation"; then screen "invitation": ``#invitation-link`` (input value:
  ``{base}/#invitation=CODE``), ``#invitation-code``, ``#invitation-qr`` (svg),
  ``#invitation-expires``.
- structures: ``#adhesions-list > li[data-structure=ID]``, ``.adhesion-state``; buttons
  "Inviter un·e administrateur·rice" / "Mettre fin à l'adhésion" (``[data-invite-for=ID]``,
  ``[data-end-for=ID]``); end screen ``#end-until``, button "Préparer la nouvelle version".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from tests.accounts.factories import coffre_of, enrol_totp, login
from tests.consent.charters import charter_text
from tests.directory.factories import as_bytes, service, structure
from tests.factories import PASSPHRASE
from tests.structures.world import Who, bootstrap_territory, material
from tests.web.conftest import PHONE, PageProblems, assert_accessible, screenshot
from tests.web.journeys import enter_code, log_in_staff, visible_screen

ADMIN_SLOT = 10  # bootstrap_territory's: the passphrase is f"{PASSPHRASE} 10"
SIRET = "73282932000074"
CCAS = "CCAS de Riom"
EPICERIE = "Épicerie solidaire des Vergnes"
DESK = {"width": 1280, "height": 900}
MENU = "Menu de l'administration"

ADHESION = f"""
[[structures]]
siret = "{SIRET}"
nom = "{CCAS}"
adhesion = 2026-01-01
"""


def admin_with_code(api: TestClient, clock: FrozenClock, *, v2: bool = False) -> tuple[Who, str]:
    """What `coffre territory bootstrap` makes, with TOTP on (the secret kept, as the
    admin's authenticator app keeps it). ``v2``: with the v2 root and its first
    revocation list, as the command makes a territory now; without, one made before."""
    admin = bootstrap_territory(coffre_of(api), ADMIN_SLOT, v2=v2, now=clock.now())
    response = login(api, admin.login, admin.auth_key)
    assert response.status_code == 200, response.text
    admin.token = response.json()["token"]
    admin.account_id = response.json()["account"]["id"]
    secret = enrol_totp(api, admin.headers, clock)
    clock.advance(seconds=31)  # the confirmation spent this step's code
    return admin, secret


def log_in_admin(page: Page, base: str, login_name: str, passphrase: str) -> None:
    log_in_staff(page, f"{base}/administration", login_name, passphrase)


def go(page: Page, name: str) -> None:
    page.get_by_role("navigation", name=MENU).get_by_role("button", name=name).click()


def choose_charter(page: Page, path: Path) -> None:
    go(page, "Charte")
    screen = visible_screen(page, "charter")
    screen.locator("#charter-file").set_input_files(str(path))
    screen.get_by_role("button", name="Voir l'aperçu").click()


@pytest.fixture(params=["desk", "phone"])
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def admin_page(chromium: Browser, size: str, problems: dict[str, PageProblems]) -> Iterator[Page]:
    context: BrowserContext = chromium.new_context(
        viewport=DESK if size == "desk" else PHONE,
        locale="fr-FR",
        has_touch=size == "phone",
        accept_downloads=True,
    )
    page = context.new_page()
    problems["page"] = PageProblems(page)
    try:
        yield page
    finally:
        context.close()
    assert problems["page"].items == []


def test_the_territory_admin_publishes_admits_invites_and_ends_an_adhesion(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    admin_page: Page,
    size: str,
    tmp_path: Path,
) -> None:
    page = admin_page
    width = DESK["width"] if size == "desk" else PHONE["width"]
    admin, secret = admin_with_code(api, clock)

    def check(name: str) -> None:
        assert_accessible(page, f"admin-{size}-{name}", width)

    # -- log in: passphrase, then the code ------------------------------------------------
    log_in_admin(page, live_server, admin.login, f"{PASSPHRASE} {ADMIN_SLOT}")
    check("login")
    visible_screen(page, "code")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    structures = visible_screen(page, "structures")
    expect(page.locator("#adhesions-charter")).to_contain_text("Aucune charte n'est en vigueur")
    expect(page.locator("#adhesions-list")).to_contain_text("Aucune structure")
    check("structures-empty")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0

    # -- publish the first charter after its preview ------------------------------------
    first = tmp_path / "charte-v1.toml"
    first.write_text(charter_text(version=1, structures=ADHESION), encoding="utf-8")
    choose_charter(page, first)
    preview = visible_screen(page, "preview")
    expect(page.locator("#preview-summary")).to_contain_text("Version 1 de la charte")
    expect(page.locator("#preview-compared")).to_contain_text("première charte")
    expect(page.locator("#preview-differences")).to_contain_text(
        "Finalité ajoutée : Ouverture de droits au RSA"
    )
    expect(page.locator("#preview-differences")).to_contain_text(f"Structure ajoutée : {CCAS}")
    expect(page.locator("#preview-text")).to_contain_text("Charte de test")
    expect(page.locator("#preview-problems-block")).to_be_hidden()
    check("preview-first")
    screenshot(page, f"90-admin-{size}-preview")
    assert api.get("/api/v1/charters/current").json()["error"]["code"] == "no_charter_in_force"
    preview.get_by_role("button", name="Publier cette version").click()
    visible_screen(page, "published")
    expect(page.locator("#published-text")).to_contain_text("la version 1 de la charte est publiée")
    check("published")
    assert api.get("/api/v1/charters/current").json()["version"] == 1

    # -- admit a structure: a mistyped SIRET is caught ------------------------------------
    go(page, "Admettre")
    admit = visible_screen(page, "admit")
    admit.locator("#admit-name").fill(CCAS)
    admit.locator("#admit-siret").fill("732 829 320 00075")
    admit.locator("#admit-kind").select_option("ccas")
    admit.locator("#admit-address").fill("1 place de la Mairie, 63200 Riom")
    admit.get_by_role("button", name="Admettre la structure").click()
    expect(page.locator("#admit-error")).to_contain_text("un chiffre est faux")
    expect(page.locator("#admit-siret")).to_have_attribute("aria-invalid", "true")
    check("admit-error")
    admit.locator("#admit-siret").fill("732 829 320 00074")
    admit.get_by_role("button", name="Admettre la structure").click()
    admitted = visible_screen(page, "admitted")
    expect(page.locator("#admitted-text")).to_contain_text(f"« {CCAS} » est admise")
    check("admitted")
    structure_id = next(
        s["id"]
        for s in api.get("/api/v1/structures", headers=admin.headers).json()["structures"]
        if s["siret"] == SIRET
    )

    # -- invite its admin: link, QR code, code; the admin joins with it --------------------
    admitted.get_by_role("button", name="Inviter son administrateur·rice").click()
    invite = visible_screen(page, "invite")
    expect(invite.locator("#invite-structure")).to_have_value(structure_id)
    invite.locator("#invite-name").fill("Mme Admin")
    invite.locator("#invite-profession").select_option("conseiller-esf")
    check("invite")
    invite.get_by_role("button", name="Créer l'invitation").click()
    visible_screen(page, "invitation")
    expect(page.locator("#invitation-who")).to_contain_text(
        f"Mme Admin, administrateur·rice de « {CCAS} »"
    )
    expect(page.locator("#invitation-qr svg")).to_be_visible()
    expect(page.locator("#invitation-expires")).to_contain_text("une seule fois")
    link = page.locator("#invitation-link").input_value()
    code = page.locator("#invitation-code").inner_text()
    assert link == f"{live_server}/#invitation={code}"
    check("invitation")
    screenshot(page, f"91-admin-{size}-invitation")
    # The charter officer, from the same screen: no structure to choose.
    page.get_by_role("button", name="Une autre invitation").click()
    invite = visible_screen(page, "invite")
    invite.get_by_label("Le ou la référent·e de la charte").check()
    expect(invite.locator("#invite-structure")).to_be_hidden()
    invite.locator("#invite-name").fill("Mme Vigie")
    invite.get_by_role("button", name="Créer l'invitation").click()
    visible_screen(page, "invitation")
    expect(page.locator("#invitation-who")).to_have_text(
        "Invitation pour Mme Vigie, référent·e de la charte."
    )
    officer_code = page.locator("#invitation-code").inner_text()
    assert officer_code != code
    joining = material(31, "mme-admin")
    accepted = api.post(
        "/api/v1/invitations/accept", json={"code": code, "account": joining.signup_body}
    )
    assert accepted.status_code == 201, accepted.text
    again = api.post(
        "/api/v1/invitations/accept",
        json={"code": code, "account": material(32, "autre").signup_body},
    )
    assert again.json()["error"]["code"] == "invalid_invitation"

    # -- admit a structure picked from the directory of services --------------------------
    guide = {
        "structures": [
            structure("epicerie", EPICERIE, siret="44201234500017", adresse="4 rue des Vergnes")
        ],
        "services": [service("colis", "epicerie", "Colis alimentaires", "Aide alimentaire.")],
    }
    imported = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(guide),
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert imported.status_code in (200, 201), imported.text
    go(page, "Admettre")
    admit = visible_screen(page, "admit")
    admit.locator("#directory-name").fill("Épicerie")
    admit.get_by_role("button", name="Chercher dans le guide").click()
    expect(page.locator("#directory-summary")).to_have_text("1 structure(s) du guide.")
    check("admit-directory")
    admit.get_by_role("button", name=f"Reprendre « {EPICERIE} »").click()
    expect(admit.locator("#admit-name")).to_have_value(EPICERIE)
    expect(admit.locator("#admit-siret")).to_have_value("44201234500017")
    expect(admit.locator("#admit-address")).to_have_value(
        "4 rue des Vergnes, 63000 Clermont-Ferrand"
    )
    expect(admit.locator("#admit-kind")).to_be_focused()
    admit.locator("#admit-kind").select_option("association")
    admit.get_by_role("button", name="Admettre la structure").click()
    visible_screen(page, "admitted")
    expect(page.locator("#admitted-text")).to_contain_text(f"« {EPICERIE} » est admise")

    # -- the structure adheres since the charter's date ------------------------------------
    go(page, "Structures")
    visible_screen(page, "structures")
    row = page.locator(f'#adhesions-list > li[data-structure="{structure_id}"]')
    expect(row.locator(".adhesion-state")).to_have_text("Adhère depuis le 01/01/2026")
    expect(page.locator("#adhesions-charter")).to_contain_text("version 1")
    check("structures")

    # -- a broken file: its problems, located, and nothing to publish ---------------------
    broken = tmp_path / "charte-cassee.toml"
    broken.write_text(charter_text(version=2, max_days=0, structures=ADHESION), encoding="utf-8")
    choose_charter(page, broken)
    visible_screen(page, "preview")
    expect(page.locator("#preview-problems")).to_contain_text(
        "À « finalites[1] (« ouverture-droits-rsa »).duree_max_jours » : doit être entre 1 et 365"
    )
    expect(page.locator("#preview-publish")).to_be_hidden()
    check("preview-problems")

    # -- a second version: its differences ------------------------------------------------
    second = tmp_path / "charte-v2.toml"
    second.write_text(
        charter_text(version=2, max_days=60, categories='["identite"]', structures=ADHESION),
        encoding="utf-8",
    )
    choose_charter(page, second)
    preview = visible_screen(page, "preview")
    differences = page.locator("#preview-differences")
    expect(page.locator("#preview-compared")).to_contain_text("Différences avec la version 1")
    expect(differences).to_contain_text("Finalité modifiée : Ouverture de droits au RSA")
    expect(differences).to_contain_text("Documents retirés : Justificatif de domicile")
    expect(differences).to_contain_text("30 jours → 60 jours")
    check("preview-differences")
    preview.get_by_role("button", name="Publier cette version").click()
    expect(page.locator("#published-text")).to_contain_text("la version 2 de la charte est publiée")

    # -- end the adhesion: a third version, previewed, then published ---------------------
    go(page, "Structures")
    visible_screen(page, "structures")
    row.get_by_role("button", name=re.compile("Mettre fin à l'adhésion")).click()
    end = visible_screen(page, "end")
    expect(page.locator("#end-structure")).to_have_text(CCAS)
    today = clock.now().astimezone(TERRITORY_ZONE).date()
    expect(page.locator("#end-until")).to_have_value(today.isoformat())
    check("end")
    end.get_by_role("button", name="Préparer la nouvelle version").click()
    preview = visible_screen(page, "preview")
    expect(page.locator("#preview-summary")).to_contain_text("la version 3")
    expect(differences).to_contain_text(f"Fin d'adhésion : {CCAS}, le {today:%d/%m/%Y}")
    expect(page.locator("#preview-download")).to_be_visible()
    check("preview-end")
    preview.get_by_role("button", name="Publier cette version").click()
    visible_screen(page, "published")
    current = api.get("/api/v1/charters/current").json()
    assert current["version"] == 3
    assert current["structures"][0]["until"] == today.isoformat()
    # The file keeps its layout: only version, date and "fin" changed.
    assert f"fin = {today.isoformat()}" in current["source"]
    go(page, "Structures")
    visible_screen(page, "structures")
    expect(row.locator(".adhesion-state")).to_have_text(f"Adhésion terminée le {today:%d/%m/%Y}")
    expect(row.get_by_role("button", name=re.compile("Mettre fin"))).to_have_count(0)
    del structures
