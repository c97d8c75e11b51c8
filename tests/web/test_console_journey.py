"""The charter officer's console (/console) in a browser against the real server.

A small trail is made through the API: Mme Dupont opens a document Amina shares; M.
Collègue asks Amina for a proof of address, she declines; the CCAS leaves the charter
and Mme Dupont's next pull is refused. Then, in the page: the officer logs in with the
passphrase and the 6-digit code (a wrong code first), filters the trail by professional
and by action, pages with "Plus", sees the flag the refused pull raises and follows it
to its rows, downloads the CSV (no person's login in it) and the signed log (which
verifies with the key the page shows), and logs out leaving nothing. A person, a
professional and an officer without the second factor are each turned away with a
plain message. axe runs on every screen; nothing scrolls sideways at 360 px.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect

from client import CoffreClient, consent
from coffre.audit.log import verify_export
from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from tests.accounts.factories import enrol_totp, login
from tests.consent.world import RSA, build_consent_world, consent_charter, publish
from tests.factories import PASSPHRASE
from tests.structures.world import (
    Who,
    World,
    build_world,
    certify_member,
    invite,
    join,
    material,
)
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import download, enter_code, log_in_staff, visible_screen

OFFICER_SLOT = 20
OFFICER_LOGIN = "vigie"
DUPONT = "Mme Dupont"
COLLEGUE = "M. Collègue"
CCAS = "CCAS de Clermont-Ferrand"
OPENINGS = 12


@dataclass
class Trail:
    world: World
    officer: Who
    secret: str
    collegue: Who


def invite_officer(api: TestClient, admin: Who, slot: int, login_name: str) -> Who:
    code = api.post(
        "/api/v1/invitations/charter-officer",
        json={"display_name": "Mme Vigie"},
        headers=admin.headers,
    ).json()["code"]
    who = material(slot, login_name)
    accepted = api.post(
        "/api/v1/invitations/accept", json={"code": code, "account": who.signup_body}
    )
    assert accepted.status_code == 201, accepted.text
    return who


def enrolled_officer(api: TestClient, admin: Who, clock: FrozenClock) -> tuple[Who, str]:
    """A charter officer with TOTP on; the secret is kept, as the officer's app keeps it."""
    who = invite_officer(api, admin, OFFICER_SLOT, OFFICER_LOGIN)
    response = login(api, who.login, who.auth_key)
    assert response.status_code == 200, response.text
    who.token = response.json()["token"]
    who.account_id = response.json()["account"]["id"]
    return who, enrol_totp(api, who.headers, clock)


@pytest.fixture
def trail(api: TestClient, clock: FrozenClock, tmp_path: Path) -> Trail:
    cw = build_consent_world(api, tmp_path)
    w = cw.world
    officer, secret = enrolled_officer(api, w.admin, clock)
    collegue = join(
        api,
        invite(api, w.structure_admin, w.structure_id, "professional", COLLEGUE),
        material(15, "collegue"),
    )
    certify_member(api, w.structure_admin, w.structure_id, collegue.account_id)
    clock.advance(minutes=1)
    grant = cw.share()
    # Mme Dupont opens the card, again and again (one person: no burst); the trail
    # grows past one page of the console.
    for _ in range(OPENINGS):
        assert cw.pull(str(grant["id"]), cw.identity).status_code == 200
        clock.advance(minutes=1)
    clock.advance(minutes=1)
    request = consent.ask(
        collegue.client(api),
        person_login=w.person.login,
        structure_id=w.structure_id,
        purpose=RSA,
        category="domicile",
    )
    consent.decline(w.person.client(api), request, "Je l'apporterai moi-même.")
    # The CCAS leaves the charter today: Mme Dupont's next pull is refused, and flagged.
    clock.advance(minutes=1)
    today = clock.now().astimezone(TERRITORY_ZONE).date().isoformat()
    publish(api, w, consent_charter(w.structure_id, version=2, extra=f"fin = {today}\n"))
    clock.advance(minutes=1)
    assert cw.pull(str(grant["id"]), cw.identity).status_code == 403
    # The enrolment's code step is spent: the page's login uses the next one.
    clock.advance(seconds=31)
    return Trail(w, officer, secret, collegue)


def log_in_console(page: Page, base: str, login_name: str, passphrase: str) -> None:
    log_in_staff(page, f"{base}/console", login_name, passphrase)


def rows(page: Page) -> Locator:
    return page.locator("#journal-list > li")


def search(page: Page, **options: str) -> None:
    journal = visible_screen(page, "journal")
    form = journal.locator("#filters-form")
    for name, value in options.items():
        form.locator(f"#filter-{name}").select_option(value)
    form.get_by_role("button", name="Rechercher").click()


def test_the_officer_logs_in_with_a_code_filters_follows_a_flag_and_exports(
    trail: Trail, page: Page, live_server: str, clock: FrozenClock
) -> None:
    w = trail.world
    # -- log in: passphrase, then the 6-digit code (a wrong one first) -----------------
    log_in_console(page, live_server, OFFICER_LOGIN, f"{PASSPHRASE} {OFFICER_SLOT}")
    assert_accessible(page, "console-login")
    visible_screen(page, "code")
    assert_accessible(page, "console-code")
    screenshot(page, "80-console-code")
    right = pyotp.TOTP(trail.secret).at(clock.now())
    wrong = "000000" if right != "000000" else "111111"
    enter_code(page, wrong)
    expect(page.locator("#code-error")).to_contain_text("Ce code est incorrect")
    enter_code(page, right)

    journal = visible_screen(page, "journal")
    expect(rows(page).first).to_be_visible()
    expect(page.get_by_role("button", name="Me déconnecter")).to_be_visible()
    assert_accessible(page, "console-journal")
    screenshot(page, "81-console-journal")
    # Metadata only: the person is a reference, never her login.
    text = journal.inner_text()
    assert w.person.login not in text
    assert re.search(r"Personne concernée : p-[0-9a-f]{10}", text)
    # No key and nothing else is kept by the page.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0

    # -- "Plus": the next, older page ---------------------------------------------------
    more = page.get_by_role("button", name="Plus", exact=True)
    expect(more).to_be_visible()
    expect(rows(page)).to_have_count(50)
    more.click()
    expect(rows(page).nth(50)).to_be_visible()
    first_seq = int(rows(page).nth(49).locator(".entry-when").inner_text().split("n° ")[-1])
    next_seq = int(rows(page).nth(50).locator(".entry-when").inner_text().split("n° ")[-1])
    assert next_seq == first_seq - 1

    # -- filter: Mme Dupont's openings ---------------------------------------------------
    professional = journal.locator("#filter-professional")
    expect(professional.locator(f"option[value='{w.professional.account_id}']")).to_have_text(
        f"{DUPONT} — {CCAS}"
    )
    search(page, professional=w.professional.account_id, action="grant.pull")
    expect(rows(page)).to_have_count(OPENINGS + 1)
    expect(page.locator("#journal-summary")).to_have_text(f"{OPENINGS + 1} ligne(s) affichée(s).")
    expect(page.get_by_role("button", name="Plus", exact=True)).to_be_hidden()
    refused, opened = rows(page).first, rows(page).last
    expect(rows(page).locator(".outcome", has_text="Refusé")).to_have_count(1)
    for row in (refused, opened):
        expect(row).to_contain_text("Ouverture d'un document partagé")
        expect(row).to_contain_text(f"Par {DUPONT} (Professionnel·le), {CCAS}")
        expect(row).to_contain_text("Finalité : Ouverture de droits au RSA")
        expect(row).to_contain_text("Document : Identité")
        expect(row).to_contain_text(re.compile(r"Personne concernée : p-[0-9a-f]{10}"))
    expect(refused.locator(".outcome")).to_have_text("Refusé")
    expect(opened.locator(".outcome")).to_have_text("Fait")
    assert_accessible(page, "console-journal-filtered")
    screenshot(page, "82-console-filtered")

    # -- filter: M. Collègue's request, then the person's refusal -----------------------
    search(page, professional=trail.collegue.account_id, action="request.create")
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Demande de document")
    expect(rows(page)).to_contain_text(f"Par {COLLEGUE} (Professionnel·le), {CCAS}")
    expect(rows(page)).to_contain_text("Document : Justificatif de domicile")
    search(page, professional="", action="request.decline")
    expect(rows(page)).to_have_count(1)
    declined = rows(page).first
    expect(declined).to_contain_text("Demande refusée par la personne")
    expect(declined).to_contain_text(re.compile(r"Par p-[0-9a-f]{10} \(Personne\)"))
    expect(declined).to_contain_text(f"Professionnel·le concerné·e : {COLLEGUE}")

    # -- flags: the refused pull for a structure outside the charter ---------------------
    page.get_by_role("navigation", name="Menu de la console").get_by_role(
        "button", name="Signalements"
    ).click()
    flags = visible_screen(page, "flags")
    card = flags.locator("section.flag.structure_outside_charter")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("n'adhérait pas")
    expect(card).to_contain_text(f"Professionnel·le : {DUPONT}")
    expect(card.locator(".trail > li")).to_have_count(1)
    expect(card.locator(".trail > li .outcome")).to_have_text("Refusé")
    assert_accessible(page, "console-flags")
    screenshot(page, "83-console-flags")
    card.get_by_role("button", name="Voir ces lignes dans le journal").click()
    visible_screen(page, "journal")
    expect(page.locator("#journal-filters")).to_contain_text("Les lignes du signalement")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).locator(".outcome")).to_have_text("Refusé")
    expect(rows(page)).to_contain_text(f"Par {DUPONT}")
    assert_accessible(page, "console-journal-flag")

    # -- export: the CSV of the whole trail, the signed log and its key ------------------
    journal.get_by_role("button", name="Effacer les filtres").click()
    expect(page.locator("#journal-filters")).to_be_hidden()
    expect(rows(page)).to_have_count(50)
    page.get_by_role("navigation", name="Menu de la console").get_by_role(
        "button", name="Exporter et vérifier"
    ).click()
    export = visible_screen(page, "export")
    expect(page.locator("#export-filters")).to_have_text("Aucun filtre : tout le journal.")
    with CoffreClient(live_server) as client:
        key = client.call("GET", "/audit/key").text.strip()
    expect(page.locator("#audit-key")).to_have_text(key)
    expect(page.locator("#verify-command")).to_have_text(
        f"coffre audit verify --file coffre-journal-signe.jsonl --key {key}"
    )
    assert_accessible(page, "console-export")
    screenshot(page, "84-console-export")

    name, raw = download(page, export.get_by_role("button", name="Télécharger le tableur (CSV)"))
    assert name == "coffre-journal.csv"
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0][0] == "numéro" and "motif" in table[0]
    assert len(table) > 50 and all(len(line) == len(table[0]) for line in table)
    assert DUPONT in text and COLLEGUE in text
    for person_text in (w.person.login, w.person.account_id):
        assert person_text not in text
    expect(page.locator("#status")).to_have_text(
        "C'est fait : le fichier « coffre-journal.csv » est téléchargé."
    )

    name, signed = download(page, export.get_by_role("button", name="Télécharger le journal signé"))
    assert name == "coffre-journal-signe.jsonl"
    report = verify_export(io.StringIO(signed.decode("utf-8"), newline=None), key)
    assert report.ok, report.problem
    assert report.entries >= len(table) - 1

    # -- log out: nothing left -------------------------------------------------------
    page.get_by_role("button", name="Me déconnecter").click()
    visible_screen(page, "login")
    # The console's own words to the officer (web/console_strings.py), not the person's vault's.
    expect(page.locator("#status")).to_have_text(
        "Vous avez été déconnecté·e. Rien n'est resté sur cet appareil."
    )
    assert page.locator("#journal-list > li, #flags-list > *").count() == 0
    assert page.locator("#audit-key").inner_text() == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    status = page.evaluate("fetch('/api/v1/me').then(r => r.status)")
    assert status == 401
    assert_accessible(page, "console-logged-out")


def test_a_person_a_professional_and_an_officer_without_a_code_are_turned_away(
    api: TestClient, page: Page, live_server: str, problems: dict[str, PageProblems]
) -> None:
    w = build_world(api)
    # The enrolment-only session of the officer without a code answers 403: on purpose.
    problems["page"].allow("status of 403")
    for who, slot in ((w.person, 14), (w.professional, 12)):
        log_in_console(page, live_server, who.login, f"{PASSPHRASE} {slot}")
        error = page.locator("#login-error")
        expect(error).to_have_text(re.compile("^Cette console est réservée au ou à la référent"))
        visible_screen(page, "login")
        expect(page.locator("#menu")).to_be_hidden()
        assert page.evaluate("fetch('/api/v1/me').then(r => r.status)") == 401
    assert_accessible(page, "console-refused")
    screenshot(page, "85-console-refused")

    newcomer = invite_officer(api, w.admin, 23, "veille")
    log_in_console(page, live_server, newcomer.login, f"{PASSPHRASE} 23")
    enrol = visible_screen(page, "enrol")
    expect(enrol).to_contain_text("coffre totp enable")
    expect(enrol).to_contain_text("coffre totp confirm CODE")
    assert page.evaluate("fetch('/api/v1/me').then(r => r.status)") == 401
    assert_accessible(page, "console-enrol")
    screenshot(page, "86-console-enrol")
    enrol.get_by_role("button", name="Retour à la connexion").click()
    visible_screen(page, "login")


def test_the_console_logs_out_by_itself_after_a_while_without_activity(
    api: TestClient, world: World, page: Page, live_server: str, clock: FrozenClock
) -> None:
    _, secret = enrolled_officer(api, world.admin, clock)
    clock.advance(seconds=31)
    page.clock.install()
    log_in_console(page, live_server, OFFICER_LOGIN, f"{PASSPHRASE} {OFFICER_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "journal")
    expect(rows(page).first).to_be_visible()
    idle = api.app.state.coffre.settings.session_idle_seconds  # type: ignore[attr-defined]
    page.clock.fast_forward(idle * 1000 + 1000)
    visible_screen(page, "login")
    expect(page.locator("#status")).to_have_text(
        "Vous avez été déconnecté·e après un moment sans activité."
    )
    expect(rows(page)).to_have_count(0)
    expect(page.locator("#menu")).to_be_hidden()
    assert page.evaluate("fetch('/api/v1/me').then(r => r.status)") == 401


def test_the_console_speaks_english_too(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/console/langue?lang=en")
    login_screen = visible_screen(page, "login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(login_screen.get_by_role("heading", level=1)).to_have_text("Charter console")
    expect(login_screen.get_by_role("button", name="Continue")).to_be_visible()
    assert_accessible(page, "console-login-en")
    page.locator("header .lang-menu summary").click()  # the header's one language menu
    page.get_by_role("link", name="Français").click()
    expect(visible_screen(page, "login").get_by_role("heading", level=1)).to_have_text(
        "Console de la charte"
    )
