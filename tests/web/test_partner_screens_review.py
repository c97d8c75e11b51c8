"""The screens issue 20 added, reviewed as their users meet them, in Chromium: the
person's receipt of a share and its print view, the sentence under their history
("registre" checked), in French and in Arabic at 360 px; the professional's
"Accès des logiciels partenaires"; the structure admin's "Envois automatiques".

On the person's screens (tests/web/test_new_screens_review.py's Review): the focus on
the heading, every field labelled, nothing chosen for the person, axe (WCAG 2.1 A/AA,
no sideways scrolling at 360 px), plain French words, right to left in Arabic. On the
staff screens: a secret (an access code, a signing key) is shown once, with a way to
copy it, and never again, not even with the browser's back button; a refused form
keeps what was typed and says what to do next.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import update

from auditlog.cosignature import Cosigner, derive_cosigner_seed, split_note
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from tests.accounts.factories import coffre_of, enrol_totp, login
from tests.consent.world import RSA
from tests.factories import PASSPHRASE
from tests.structures.world import World, build_world
from tests.web.conftest import PageProblems, assert_accessible
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    click_to_screen,
    enter_code,
    log_in_person,
    log_in_professional,
    person_client,
    share,
    visible_screen,
)
from tests.web.test_console_journey import OFFICER_LOGIN, OFFICER_SLOT, enrolled_officer
from tests.web.test_new_screens_review import Review, log_in_by_ids
from tests.web.test_plain_words import problems as plain_word_problems
from tests.web.test_structure_admin import (  # noqa: F401 - fixtures
    SA_SLOT,
    go,
    log_in_structure_admin,
    sa_page,
    size,
)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_person_s_receipt_print_view_and_history_sentence(
    world: World, live_server: str, api: TestClient, page: Page, tmp_path: Path, lang: str
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = tmp_path / "Carte identité.txt"
        card.write_bytes(b"carte d'identite" * 50)
        card_id = client.upload(card, "identite", box_public_key=keys.box_public, keys=keys)
        tax = tmp_path / "2025 Avis d'impôt (revenus).txt"
        tax.write_bytes(b"avis" * 50)
        tax_id = client.upload(tax, "domicile", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, RSA, [card_id, tax_id], days=30, max_pulls=2)

    review = Review(page, lang)
    log_in_by_ids(page, live_server, lang, world.person.login, PERSON_PASSPHRASE, "documents")
    click_to_screen(page, page.locator("#person-nav [data-place=shares]"), "grants")
    opener = page.locator("#grant-list .cards > li > p > button.link").first
    click_to_screen(page, opener, "receipt")
    receipt = review("receipt")
    expect(receipt.locator("#receipt-state")).to_have_class("receipt-state good")
    expect(receipt.locator("#receipt-body h2")).to_have_count(1)
    # A French title with a year in brackets, read in an Arabic sentence: "(2025)", not
    # ")2025(" (measured where the brackets are drawn).
    opening, closing = page.evaluate(BRACKETS, "revenus")
    assert opening < closing, f"brackets drawn the wrong way round ({lang})"
    # A title that starts with a year: the year stays before the words (left of them).
    year, words = page.evaluate(ORDER, ["2025", "Avis"])
    assert year < words, f"the year is drawn after the title's words ({lang})"
    # French names inside the sentence are isolated: in Arabic, their « » and
    # parentheses stay on the right sides (each name in a <bdi>).
    names = receipt.locator("#receipt-body bdi").all_inner_texts()
    for name in ("Mme Dupont", "CCAS de Clermont-Ferrand", "Carte identité"):
        assert name in names, f"{name} is not isolated: {names}"
    assert len(names) == 5, names  # and the purpose's name
    # The verdict is read out when it comes (a live region), and printing is one button.
    assert receipt.locator("#receipt-state").get_attribute("role") == "status"
    expect(receipt.locator("#receipt-print")).to_be_visible()
    # Keyboard only: from the heading, Tab reaches "Imprimer" without leaving the screen.
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement && document.activeElement.id"))
        if reached[-1] == "receipt-print":
            break
    assert "receipt-print" in reached, f"Tab order on the receipt: {reached}"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none", "the focused button shows no focus"

    # Printed: the receipt alone, right to left in Arabic, nothing cut at the page's width.
    page.emulate_media(media="print")
    expect(receipt.locator("#receipt-body")).to_be_visible()
    expect(receipt.locator("#receipt-state")).to_be_visible()
    for hidden in ("#person-nav", "#receipt-print", "#status"):
        expect(page.locator(hidden)).to_be_hidden()
    for other in page.locator("main [data-screen]:not([data-screen=receipt])").all():
        expect(other).to_be_hidden()
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"the printed receipt is {sideways} px too wide"
    page.emulate_media(media="screen")

    # Historique: under the lines, one sentence about the checked record, read out.
    history = click_to_screen(page, page.locator("#person-nav [data-place=history]"), "history")
    proof = history.locator("#history-proof")
    expect(proof).to_have_attribute("data-proof", "never", timeout=30_000)
    assert proof.get_attribute("aria-live") == "polite"
    sentence = proof.inner_text()
    assert sentence.strip()
    if lang == "fr":
        assert plain_word_problems(sentence) == []
    assert_accessible(page, f"review-{lang}-history-proof")


# Where "(" and ")" around `year` are drawn on the receipt: the left edge of each.
BRACKETS = """(year) => {
  const body = document.getElementById("receipt-body");
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(`(${year})`);
    if (at < 0) continue;
    const edge = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return [edge(at), edge(at + year.length + 1)];
  }
  throw new Error("no bracketed year on the receipt");
}"""

# Where two parts of one text node of the receipt are drawn: the left edge of each.
ORDER = """([first, second]) => {
  const body = document.getElementById("receipt-body");
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const a = node.data.indexOf(first);
    const b = node.data.indexOf(second);
    if (a < 0 || b < 0) continue;
    const edge = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return [edge(a), edge(b)];
  }
  throw new Error("not found on the receipt");
}"""

# An address as partners' software gives them: one long word, no space to break at.
LONG_URL = (
    "https://integrations.partenaire-departemental.example/api/v3/coffre/evenements/"
    "recevoir?structure=ccas-clermont-ferrand-puy-de-dome&canal=principal"
)


def cosign_now(api: TestClient, world: World, clock: FrozenClock) -> None:
    """The charter officer cosigns the latest checkpoint (through the API)."""
    officer, secret = enrolled_officer(api, world.admin, clock)
    clock.advance(seconds=31)
    code = pyotp.TOTP(secret).at(clock.now())
    session = login(api, officer.login, officer.auth_key, totp_code=code).json()["token"]
    headers = {"Authorization": f"Bearer {session}"}
    name = api.get("/api/v1/audit/cosigner/name", headers=headers).text.strip()
    cosigner = Cosigner(name, derive_cosigner_seed(officer.keys.sign_seed))
    assert api.put("/api/v1/audit/cosigner", json={"key": cosigner.key.vkey}, headers=headers)
    signed = coffre_of(api).audit.checkpoint()
    line = cosigner.cosign(split_note(signed.note)[0], int(clock.now().timestamp())).line
    answer = api.post(
        "/api/v1/audit/cosignatures",
        json={"size": signed.size, "cosignature": line.rstrip("\n")},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text


def test_one_checked_line_is_said_in_the_singular(
    world: World,
    live_server: str,
    api: TestClient,
    page: Page,
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = tmp_path / "Carte.txt"
        card.write_bytes(b"carte" * 50)
        card_id = client.upload(card, "identite", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, RSA, [card_id], days=30)
    cosign_now(api, world, clock)
    log_in_person(page, live_server, world)
    history = click_to_screen(page, page.locator("#person-nav [data-place=history]"), "history")
    proof = history.locator("#history-proof")
    # Her log-in came after the officer's check: one line waits, said without a count.
    expect(proof).to_have_attribute("data-proof", "waiting", timeout=20_000)
    expect(proof).to_have_text(
        re.compile(r"^Les lignes plus anciennes .* La plus récente sera contrôlée bientôt")
    )
    # Only what concerns Mme Dupont: the share, one line, in the checked record.
    history.locator("#history-professional").select_option(index=1)
    history.locator("#history-form button[type=submit]").click()
    expect(history.locator("#history-list li")).to_have_count(1)
    expect(proof).to_have_attribute("data-proof", "included", timeout=20_000)
    expect(proof).to_have_text(re.compile(r"^Cette ligne est bien dans le registre de Coffre\."))
    assert plain_word_problems(proof.inner_text()) == []


def test_a_history_line_that_does_not_match_the_record_is_a_visible_warning(
    world: World,
    live_server: str,
    api: TestClient,
    page: Page,
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = tmp_path / "Carte.txt"
        card.write_bytes(b"carte" * 50)
        card_id = client.upload(card, "identite", box_public_key=keys.box_public, keys=keys)
        shared = share(client, keys, world, RSA, [card_id], days=30)
    cosign_now(api, world, clock)
    # What a dishonest server could do: serve the line with another salt than the one
    # the checked record committed to.
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(
            update(AuditEntry)
            .where(AuditEntry.object_id == shared["id"], AuditEntry.action == "grant.create")
            .values(salt=bytes(32))
        )
    log_in_person(page, live_server, world)
    history = click_to_screen(page, page.locator("#person-nav [data-place=history]"), "history")
    proof = history.locator("#history-proof")
    expect(proof).to_have_attribute("data-proof", "problem", timeout=20_000)
    expect(proof).to_have_text(re.compile("^Attention"))
    expect(proof).to_have_class("warning")
    assert_accessible(page, "review-history-proof-problem")


def test_the_cosign_screen_says_a_missing_or_wrong_passphrase_and_focuses_it(
    world: World, api: TestClient, page: Page, live_server: str, clock: FrozenClock
) -> None:
    officer, secret = enrolled_officer(api, world.admin, clock)
    clock.advance(seconds=31)
    page.goto(f"{live_server}/console")
    form = visible_screen(page, "login")
    form.get_by_label("Identifiant").fill(OFFICER_LOGIN)
    form.get_by_label("Phrase secrète").fill(f"{PASSPHRASE} {OFFICER_SLOT}")
    form.get_by_role("button", name="Continuer").click()
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "journal")
    page.get_by_role("button", name="Cosigner", exact=True).click()
    screen = visible_screen(page, "cosign")
    field = screen.get_by_label("Votre phrase secrète")
    # Sent empty: a sentence, not silence; the field marked and focused.
    screen.get_by_role("button", name="Vérifier puis cosigner").click()
    expect(page.locator("#cosign-error")).to_contain_text("Écrivez votre phrase secrète")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    # A wrong one: said, and the field ready for another try.
    field.fill("pas la bonne phrase du tout")
    screen.get_by_role("button", name="Vérifier puis cosigner").click()
    expect(page.locator("#cosign-error")).to_contain_text("n'ouvre pas votre clé", timeout=60_000)
    expect(field).to_be_focused()
    expect(field).to_be_enabled()
    assert api.get("/api/v1/audit/cosigners").json()["cosigned_size"] is None
    assert_accessible(
        page, "review-cosign-refused", (page.viewport_size or {"width": 360})["width"]
    )


def test_the_access_code_is_never_shown_again_even_with_the_back_button(
    api: TestClient, world: World, page: Page, live_server: str
) -> None:
    log_in_professional(page, live_server)
    page.get_by_role("button", name="Accès des logiciels partenaires").click()
    visible_screen(page, "pro-tokens").get_by_role("button", name="Créer un accès").click()
    new = visible_screen(page, "pro-token-new")
    new.get_by_label("Nom de l'accès").fill("Logiciel RSA de la CAF")
    new.get_by_label("Voir les partages qu'on me fait").check()
    new.get_by_label("30 jours").check()
    new.get_by_role("button", name="Créer l'accès").click()
    shown = visible_screen(page, "pro-token-shown")
    code = page.locator("#pro-token-value").input_value()
    assert code.startswith("coffre_pat_")
    expect(shown.get_by_role("button", name="Copier le code")).to_be_visible()

    # She leaves by the menu without pressing "J'ai copié le code", then comes back with
    # the browser's (or the phone's) back button: the code is not shown again.
    page.locator("#menu [data-go=shared]").click()
    visible_screen(page, "shared")
    expect(page.locator("#pro-token-value")).to_have_value("")
    page.go_back()
    expect(page.locator('[data-screen="pro-token-shown"]')).to_be_hidden()
    visible_screen(page, "pro-tokens")
    assert page.locator("#pro-token-value").input_value() == ""
    assert code not in page.content()


def test_a_long_access_name_wraps_at_360_px(
    api: TestClient, world: World, page: Page, live_server: str
) -> None:
    label = "Logiciel-RSA-de-la-CAF-du-Puy-de-Dome-instruction-des-dossiers-2026"
    made = api.post(
        "/api/v1/tokens",
        json={"label": label, "scopes": ["grants:read"], "days": 7},
        headers=world.professional.headers,
    )
    assert made.status_code == 201, made.text
    log_in_professional(page, live_server)
    page.get_by_role("button", name="Accès des logiciels partenaires").click()
    tokens = visible_screen(page, "pro-tokens")
    expect(tokens).to_contain_text(label)
    expect(tokens.locator("input:checked")).to_have_count(0)
    assert_accessible(page, "review-pro-tokens-long")


def test_a_refused_access_keeps_what_the_professional_typed(
    api: TestClient,
    world: World,
    page: Page,
    live_server: str,
    problems: dict[str, PageProblems],
) -> None:
    log_in_professional(page, live_server)
    page.get_by_role("button", name="Accès des logiciels partenaires").click()
    visible_screen(page, "pro-tokens").get_by_role("button", name="Créer un accès").click()
    new = visible_screen(page, "pro-token-new")
    new.get_by_label("Nom de l'accès").fill("Logiciel RSA de la CAF")
    new.get_by_label("Ouvrir les documents partagés").check()
    # The connection fails: nothing typed is lost.
    problems["page"].allow("net::ERR_FAILED")
    page.route("**/api/v1/tokens", lambda route: route.abort())
    new.get_by_label("7 jours").check()
    new.get_by_role("button", name="Créer l'accès").click()
    expect(page.locator("#pro-token-error")).to_be_visible()
    assert plain_word_problems(page.locator("#pro-token-error").inner_text()) == []
    expect(new.get_by_label("Nom de l'accès")).to_have_value("Logiciel RSA de la CAF")
    expect(new.get_by_label("Ouvrir les documents partagés")).to_be_checked()
    expect(new.get_by_label("7 jours")).to_be_checked()


def test_the_webhook_key_is_shown_once_with_a_copy_button(
    api: TestClient,
    clock: FrozenClock,
    live_server: str,
    sa_page: Page,  # noqa: F811
    size: str,  # noqa: F811
    problems: dict[str, PageProblems],
) -> None:
    page = sa_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    world: World = build_world(api)
    admin = world.structure_admin
    secret = enrol_totp(api, admin.headers, clock)
    clock.advance(seconds=31)
    log_in_structure_admin(page, live_server, admin.login, f"{PASSPHRASE} {SA_SLOT}")
    enter_code(page, pyotp.TOTP(secret).at(clock.now()))
    visible_screen(page, "members")
    go(page, "Envois automatiques")
    visible_screen(page, "webhooks").get_by_role("button", name="Ajouter une adresse").click()
    form = visible_screen(page, "webhook-add")

    # A missing address: the sentence, and the field marked and focused.
    form.get_by_label("une personne répond à une demande").check()
    form.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#webhook-add-error")).to_be_visible()
    expect(page.locator("#webhook-url")).to_be_focused()
    expect(page.locator("#webhook-url")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("une personne répond à une demande")).to_be_checked()

    form.locator("#webhook-url").fill(LONG_URL)
    form.get_by_role("button", name="Ajouter", exact=True).click()
    shown = visible_screen(page, "webhook-secret")
    key = page.locator("#webhook-secret").input_value()
    assert key.startswith("whsec_")
    # Whoever reads the key with a screen reader hears that it is shown once.
    described = page.locator("#webhook-secret").get_attribute("aria-describedby") or ""
    assert described and "plus jamais affichée" in page.locator(f"#{described}").inner_text()
    copy = shown.get_by_role("button", name="Copier la clé")
    copy.click()
    expect(shown.locator("#webhook-secret-copied")).to_contain_text("Clé copiée")
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert_accessible(
        page, f"review-webhook-secret-{size}", (page.viewport_size or {"width": 360})["width"]
    )

    # Left by the menu: the key is gone from the page at once.
    go(page, "Professionnel·les")
    visible_screen(page, "members")
    assert page.locator("#webhook-secret").input_value() == ""
    assert key not in page.content()

    # The list and the log name the address: a long one wraps, nothing scrolls sideways.
    width = (page.viewport_size or {"width": 360})["width"]
    go(page, "Envois automatiques")
    listed = visible_screen(page, "webhooks")
    expect(listed).to_contain_text(LONG_URL)
    assert_accessible(page, f"review-webhooks-long-{size}", width)
    listed.get_by_role("button", name="Voir le journal").click()
    visible_screen(page, "webhook-log")
    assert_accessible(page, f"review-webhook-log-long-{size}", width)
