"""The screens issue 19 added, reviewed as a class (as their users and an auditor would),
in a 360 px wide Chromium: "Mon carnet" (notes, contacts, appointments, a note changed
elsewhere), "Mes rappels", "Être prévenu" (SMS for a phone-number login too), the
reminders in "Historique", the installed app's notes and log-out question offline, and
a professional's e-mail settings.

Every screen, once its texts are built by the page's script: axe finds no serious or
critical WCAG 2.1 A/AA violation, nothing scrolls sideways, each field has a label, the
focus is on its heading, its "Écouter" button is there; nothing is ticked or selected
that the person did not choose themselves; and in French, none of the words
tests/web/test_plain_words.py keeps off a person's screens (it reads the templates and
the strings file; here the texts the script composes at run time). The same journey
runs in Arabic, right to left: every screen dir=rtl and inside the phone's width. What
the person writes holds long pasted words (web addresses): they wrap.

The journey finds its controls by ids and data attributes, so it runs in any language.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.service import Kind, notify
from coffre.reminders.models import Reminder
from tests.factories import PASSPHRASE
from tests.notifications.servers import PushEndpoint, push_endpoint  # noqa: F401
from tests.structures.world import World, material
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    PRO_LOGIN,
    PRO_PASSPHRASE,
    click_to_screen,
    pick_pages,
)
from tests.web.test_installed_app import OFFLINE_LOG, small_pdf, waiting_records
from tests.web.test_listen import fake_voices
from tests.web.test_plain_words import problems as plain_word_problems

PARIS = ZoneInfo("Europe/Paris")

# Per language: the words the person writes into the carnet and reminders.
WRITTEN = {
    "fr": {
        # Long words as people paste them (an address of a web page, an e-mail): they
        # must wrap, not push the screen sideways.
        "note": "Apporter la quittance de loyer https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-demande-de-prestation",
        "contact": "Amina Benali-Ouattara-Dos-Santos-Kowalczyk",
        "place": "CCAS, 2 rue Blatin, bureau-accueil-rez-de-chaussée-porte-B",
        "reminder": "Renouveler la carte de bus sur https://www.t2c.fr/titres-et-tarifs/abonnements",
    },
    "ar": {
        "note": "إحضار إيصال الإيجار https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-demande",
        "contact": "أمينة بن علي",
        "place": "المركز الاجتماعي",
        "reminder": "تجديد بطاقة الحافلة",
    },
}

# The state of one screen, read in the page: what an auditor checks on each.
READ_SCREEN = """(section) => {
  const shown = (node) => !!(node.offsetWidth || node.offsetHeight || node.getClientRects().length)
    && getComputedStyle(node).visibility !== "hidden";
  const fields = [...section.querySelectorAll("input, select, textarea")]
    .filter((f) => f.type !== "hidden" && shown(f));
  const nameOf = (f) => {
    const byLabel = [...(f.labels || [])].map((l) => l.innerText.trim()).join(" ");
    const byIds = (f.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {innerText: ""}).innerText.trim()).join(" ");
    return (byLabel || byIds || f.getAttribute("aria-label") || "").trim();
  };
  const texts = [section.innerText];
  for (const node of section.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
    if (!shown(node)) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      if (node.getAttribute(a)) texts.push(node.getAttribute(a));
    }
  }
  // The status line and the installed app's notes (no connection, a document waiting).
  for (const id of ["status", "connection-note", "queue-note"]) {
    const node = document.getElementById(id);
    if (node && shown(node) && node.innerText) texts.push(node.innerText);
  }
  const listen = section.querySelector(".screen-head button[data-action=listen]");
  return {
    focusedHeading: document.activeElement === section.querySelector("h1"),
    listen: !!listen && shown(listen),
    unlabelled: fields.filter((f) => !nameOf(f)).map((f) => f.id || f.name || f.outerHTML),
    ticked: [...section.querySelectorAll("input:checked")].filter(shown)
      .map((f) => f.id || `${f.name}=${f.value}`),
    selected: [...section.querySelectorAll("select")].filter(shown)
      .filter((s) => s.value !== "").map((s) => `${s.id}=${s.value}`),
    dir: document.documentElement.dir,
    texts,
  };
}"""


class Review:
    """The checks every new screen passes; `ticked_by_person` names what the person
    ticked or selected themselves on it (anything else ticked was chosen for them);
    `arrived`: the screen was just shown (else it is checked again after the person
    acted on it); `listen`: its "Écouter" button is checked."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.seen: list[str] = []
        self.words: dict[str, list[str]] = {}

    def __call__(
        self,
        name: str,
        *,
        ticked_by_person: tuple[str, ...] = (),
        label: str | None = None,
        arrived: bool = True,
        listen: bool = True,
    ) -> Locator:
        screen = self.page.locator(f'[data-screen="{name}"]')
        expect(screen).to_be_visible(timeout=30_000)
        expect(screen.locator("h1")).not_to_be_empty()
        state: dict[str, Any] = screen.evaluate(READ_SCREEN)
        where = label or name
        # Just shown, the focus is on its heading; checked again after the person acted
        # on it, the focus is where they left it.
        assert state["focusedHeading"] or not arrived, (
            f"{where}: the focus is not on the screen's heading"
        )
        assert state["listen"] or not listen, f"{where}: no 'Écouter' button"
        assert state["unlabelled"] == [], f"{where}: fields without a label"
        chosen_for_them = [
            f for f in state["ticked"] + state["selected"] if f not in ticked_by_person
        ]
        assert chosen_for_them == [], f"{where}: chosen for the person"
        if self.lang == "fr":
            found = {t: plain_word_problems(t) for t in state["texts"] if plain_word_problems(t)}
            assert found == {}, f"{where}: words a person must not read"
        else:
            assert state["dir"] == "rtl", f"{where}: not right to left"
        assert_accessible(self.page, f"review-{self.lang}-{where}")
        screenshot(self.page, f"review-{self.lang}-{where}")
        self.seen.append(where)
        return screen

    def go(self, control: str, name: str, **checks: Any) -> Locator:
        """Press `control` (a selector inside the visible screens) and review `name`."""
        target = self.page.locator(f"[data-screen]:not([hidden]) {control}").first
        click_to_screen(self.page, target, name)
        return self(name, **checks)


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def log_in_by_ids(page: Page, base: str, lang: str, login: str, passphrase: str, home: str) -> None:
    page.goto(f"{base}/langue?lang={lang}")
    click_to_screen(page, page.locator('[data-screen="welcome"] [data-go=login]'), "login")
    page.locator("#login-login").fill(login)
    page.locator("#login-passphrase").fill(passphrase)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(f'[data-screen="{home}"]')).to_be_visible(timeout=30_000)


def more(page: Page) -> None:
    click_to_screen(page, page.locator("#person-nav [data-place=more]"), "more")


def sent_to_this_phone_before(
    api: TestClient, world: World, clock: FrozenClock, endpoint: PushEndpoint
) -> None:
    """Before the person opens the page: one message sent to their phone (so "Ce qui
    vous a été envoyé" has a line), and the reminders Coffre sends about a paper, a
    share and a request (so "Historique" says them)."""
    subscription = endpoint.subscribe()
    added = api.post(
        "/api/v1/notifications/push-subscriptions",
        json={"endpoint": subscription["endpoint"], "keys": subscription["keys"]},
        headers=world.person.headers,
    )
    assert added.status_code == 201, added.text
    noon = datetime.combine(clock.now().astimezone(PARIS).date(), time(12, 0), PARIS)
    clock.advance(seconds=(noon.astimezone(UTC) - clock.now()).total_seconds() + 86400)
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        for kind, data in (
            (Kind.REQUEST_WAITING, {"request_id": "0" * 32}),
            (Kind.DOCUMENT_EXPIRING, {"document_id": "1" * 32, "expires_on": "2027-02-01"}),
            (Kind.GRANT_ENDING, {"grant_id": "2" * 32, "expires_at": "2027-01-20T11:00:00Z"}),
        ):
            notify(db, world.person.account_id, kind, data, clock.now())
    coffre.outbox.deliver()
    assert endpoint.messages_for(subscription)


def the_persons_new_screens(
    page: Page, review: Review, lang: str, api: TestClient, world: World, clock: FrozenClock
) -> None:
    words = WRITTEN[lang]
    # -- Mon carnet ---------------------------------------------------------------------
    more(page)
    review.go("[data-go=organiser]", "organiser")
    review.go("[data-go=organiser-notes]", "organiser-notes", label="organiser-notes-empty")
    review.go("[data-action=organiser-note-new]", "organiser-note-edit")
    page.locator("#organiser-note-input").fill(words["note"])
    review.go("#organiser-note-form button[type=submit]", "organiser-note")
    review.go("[data-action=organiser-note-delete]", "organiser-delete")
    review.go("[data-action=organiser-cancel]", "organiser-note", label="organiser-note-kept")
    review.go("[data-go=organiser-notes]", "organiser-notes")
    review.go("[data-go=organiser]", "organiser", label="organiser-counted")

    review.go(
        "[data-go=organiser-contacts]", "organiser-contacts", label="organiser-contacts-empty"
    )
    review.go("[data-action=organiser-contact-new]", "organiser-contact-edit")
    page.locator("#organiser-contact-name").fill(words["contact"])
    page.locator('label[for="organiser-relation-family"]').click()
    page.locator("#organiser-contact-phone").fill("06 12 34 56 78")
    review.go("#organiser-contact-form button[type=submit]", "organiser-contacts")
    review.go("[data-go=organiser]", "organiser", label="organiser-after-contact")

    review.go(
        "[data-go=organiser-appointments]",
        "organiser-appointments",
        label="organiser-appointments-empty",
    )
    edit = review.go("[data-action=organiser-appointment-new]", "organiser-appointment-edit")
    day = datetime.now(PARIS).date() + timedelta(days=10)
    edit.locator("#organiser-appointment-date").fill(day.isoformat())
    edit.locator("#organiser-appointment-time").fill("14:30")
    edit.locator("#organiser-appointment-place").fill(words["place"])
    edit.locator("#organiser-appointment-with").fill(words["contact"])
    edit.locator('label[for="organiser-appointment-remind"]').click()
    review(
        "organiser-appointment-edit",
        ticked_by_person=("organiser-appointment-remind",),
        label="organiser-appointment-filled",
        arrived=False,
    )
    review.go("#organiser-appointment-form button[type=submit]", "organiser-appointments")

    # -- Mes rappels (the appointment's reminder is there, its text opened) -------------
    more(page)
    reminders = review.go("[data-go=reminders]", "reminders", label="reminders-appointment")
    expect(reminders.locator("#reminders-list")).to_contain_text(words["place"])
    review.go("[data-go=reminder-add]", "reminder-add")
    form = review.go("[data-action=reminder-own]", "reminder-form")
    form.locator("#reminder-text").fill(words["reminder"])
    form.locator("#reminder-date").fill((day + timedelta(days=3)).isoformat())
    form.locator('label[for="reminder-repeat-yearly"]').click()
    review.go("#reminder-form button[type=submit]", "reminders", label="reminders-two")
    review.go("[data-go=reminder-add]", "reminder-add", label="reminder-add-again")
    # The preset the person pressed ticks its repeat: their choice.
    review.go(
        "[data-action=reminder-caf]",
        "reminder-form",
        ticked_by_person=("reminder-repeat-quarterly",),
        label="reminder-form-caf",
    )
    review.go("[data-go=reminders]", "reminders", label="reminders-back")
    delete = page.locator('[data-screen="reminders"] #reminders-list button.danger').first
    click_to_screen(page, delete, "reminder-delete")
    review("reminder-delete")
    review.go("[data-go=reminders]", "reminders", label="reminders-kept")

    # -- Être prévenu -----------------------------------------------------------------
    more(page)
    review.go("[data-go=alerts]", "alerts")
    review.go("[data-go=alerts-phone]", "alerts-phone")
    review.go("[data-go=alerts]", "alerts", label="alerts-again")
    quiet = review.go("[data-go=alerts-quiet]", "alerts-quiet")
    # "Je choisis les heures": the two hours are the person's to choose, none given.
    quiet.locator('label[for="alerts-quiet-own"]').click()
    expect(quiet.locator("#alerts-quiet-hours")).to_be_visible()
    review(
        "alerts-quiet",
        ticked_by_person=("alerts-quiet-own",),
        label="alerts-quiet-own",
        arrived=False,
    )
    # Saved without both hours: refused, the screen stays.
    quiet.locator("#alerts-quiet-form button[type=submit]").click()
    expect(quiet.locator("#alerts-quiet-error")).to_be_visible()
    expect(quiet.locator("#alerts-quiet-error")).not_to_be_empty()
    expect(quiet).to_be_visible()
    review.go("[data-go=alerts]", "alerts", label="alerts-third")
    review.go("[data-go=alerts-reminders]", "alerts-reminders")
    review.go("[data-go=alerts]", "alerts", label="alerts-fourth")
    log = review.go("[data-go=alerts-log]", "alerts-log")
    expect(log.locator("#alerts-log-list li")).to_have_count(3)

    # -- Historique: the reminders Coffre sent, said in words -------------------------
    # The appointment's reminder is due (its text opened by the page), and one deleted since.
    with coffre_of(api).db.unit_of_work() as db:
        due = db.scalars(
            select(Reminder.id).where(Reminder.account_id == world.person.account_id)
        ).all()
        for reminder_id in (*due, "f" * 32):
            notify(
                db,
                world.person.account_id,
                Kind.REMINDER_DUE,
                {"reminder_id": reminder_id},
                clock.now(),
            )
    history = page.locator("#person-nav [data-place=history]")
    click_to_screen(page, history, "history")
    notices = page.locator("#notification-list")
    expect(notices).to_contain_text("2027")
    expect(notices).to_contain_text(words["place"])
    expect(notices).to_contain_text(words["reminder"])
    review("history", label="history-reminders")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_new_screen_of_the_person_is_accessible_plain_and_chooses_nothing_for_them(
    world: World,
    page: Page,
    live_server: str,
    api: TestClient,
    clock: FrozenClock,
    push_endpoint: PushEndpoint,  # noqa: F811 - the fixture imported above
    lang: str,
) -> None:
    fake_voices(page, ["fr-FR", "ar-SA"])
    sent_to_this_phone_before(api, world, clock, push_endpoint)
    log_in_by_ids(page, live_server, lang, world.person.login, PERSON_PASSPHRASE, "documents")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    review = Review(page, lang)
    the_persons_new_screens(page, review, lang, api, world, clock)
    assert len(review.seen) >= 30, review.seen


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_carnets_contact_from_a_professional_and_a_note_changed_elsewhere(
    world: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    api: TestClient,
    problems: dict[str, PageProblems],
    lang: str,
) -> None:
    """The carnet's screens the first journey does not reach: the professionals of the
    person's links offered as contacts, a note changed and the two texts shown when
    another phone changed it meanwhile."""
    problems["page"].allow("409 (Conflict)")  # the server's refusal the page explains
    response = api.post(
        "/api/v1/referent",
        json={"professional_id": world.professional.account_id, "structure_id": world.structure_id},
        headers=world.person.headers,
    )
    assert response.status_code in (200, 201), response.text
    fake_voices(page, ["fr-FR", "ar-SA"])
    log_in_by_ids(page, live_server, lang, world.person.login, PERSON_PASSPHRASE, "documents")
    review = Review(page, lang)
    words = WRITTEN[lang]
    more(page)
    review.go("[data-go=organiser]", "organiser")
    contacts = review.go(
        "[data-go=organiser-contacts]", "organiser-contacts", label="organiser-contacts-pros"
    )
    expect(contacts.locator("#organiser-pros")).to_be_visible()
    # The person pressed "Ajouter à mes contacts" on a professional's card: that says who.
    review.go(
        "#organiser-pro-list li.card button",
        "organiser-contact-edit",
        ticked_by_person=("organiser-relation-professional",),
        label="organiser-contact-from-pro",
    )
    review.go("#organiser-contact-form button[type=submit]", "organiser-contacts")
    review.go("[data-go=organiser]", "organiser", label="organiser-again")

    review.go("[data-go=organiser-notes]", "organiser-notes")
    review.go("[data-action=organiser-note-new]", "organiser-note-edit")
    page.locator("#organiser-note-input").fill(words["note"])
    review.go("#organiser-note-form button[type=submit]", "organiser-note")
    review.go("[data-action=organiser-note-change]", "organiser-note-edit", label="note-change")
    page.locator("#organiser-note-input").fill(words["note"] + " 2")

    other = second_phone.new_page()
    log_in_by_ids(other, live_server, lang, world.person.login, PERSON_PASSPHRASE, "documents")
    click_to_screen(other, other.locator("#person-nav [data-place=more]"), "more")
    click_to_screen(other, other.locator('[data-screen="more"] [data-go=organiser]'), "organiser")
    click_to_screen(
        other,
        other.locator('[data-screen="organiser"] [data-go=organiser-notes]'),
        "organiser-notes",
    )
    click_to_screen(other, other.locator("#organiser-note-list button").first, "organiser-note")
    click_to_screen(
        other, other.locator("[data-action=organiser-note-change]"), "organiser-note-edit"
    )
    other.locator("#organiser-note-input").fill(words["reminder"])
    click_to_screen(
        other, other.locator("#organiser-note-form button[type=submit]"), "organiser-note"
    )
    other.close()

    conflict = review.go("#organiser-note-form button[type=submit]", "organiser-conflict")
    expect(conflict.locator("#organiser-conflict-theirs")).to_have_text(words["reminder"])
    review.go("[data-action=organiser-keep-both]", "organiser-note", label="note-both-kept")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_installed_apps_notes_and_its_log_out_question_offline(
    world: World,
    phone: BrowserContext,
    page: Page,
    problems: dict[str, PageProblems],
    live_server: str,
    tmp_path: Path,
    lang: str,
) -> None:
    """Offline, a document waiting: the notes saying so on every screen, and the question
    asked at log-out, reviewed like the other new screens."""
    problems["page"].allow(OFFLINE_LOG)
    fake_voices(page, ["fr-FR", "ar-SA"])
    log_in_by_ids(page, live_server, lang, world.person.login, PERSON_PASSPHRASE, "documents")
    review = Review(page, lang)
    phone.set_offline(True)
    click_to_screen(page, page.locator('[data-screen="documents"] [data-action=add]'), "add-kind")
    page.locator('label[for="category-impots"]').click()
    page.locator("#add-title").fill("Avis 2025")
    click_to_screen(page, page.locator("#kind-form button[type=submit]"), "add-pages")
    pick_pages(page, [small_pdf(tmp_path / "avis.pdf")])
    page.locator("#send-button").click()
    expect(page.locator("#connection-note")).to_be_visible(timeout=30_000)
    more(page)
    expect(page.locator("#queue-note")).to_be_visible()
    assert len(waiting_records(page)) == 1
    review("more", label="more-offline-waiting")
    review.go("[data-action=logout]", "logout-waiting")
    review.go("[data-go=more]", "more", label="more-still-waiting")
    assert len(waiting_records(page)) == 1
    phone.set_offline(False)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_person_on_a_phone_number_sees_the_sms_choice_reviewed_like_the_others(
    world: World, page: Page, live_server: str, api: TestClient, lang: str
) -> None:
    person = material(15, "0612345678")
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    fake_voices(page, ["fr-FR", "ar-SA"])
    log_in_by_ids(page, live_server, lang, person.login, f"{PASSPHRASE} 15", "documents")
    review = Review(page, lang)
    more(page)
    alerts = review.go("[data-go=alerts]", "alerts", label="alerts-phone-number")
    expect(alerts.locator("#alerts-sms-item")).to_be_visible()
    phone = review.go("[data-go=alerts-phone]", "alerts-phone", label="alerts-phone-refused")
    # This browser refuses notifications: what the page says then, reviewed too.
    phone.locator("#alerts-phone-on").click()
    expect(phone.locator("#alerts-phone-on")).to_be_hidden()
    review("alerts-phone", label="alerts-phone-refused-said", arrived=False)
    review.go("[data-go=alerts]", "alerts", label="alerts-phone-number-again")
    review.go("[data-go=alerts-sms]", "alerts-sms")


def test_the_professionals_e_mail_settings_screen_at_360_px(
    world: World, page: Page, live_server: str
) -> None:
    """A professional's screens come with their modules once their vault opens (app.js
    insertProScreens), after the page showed its "Écouter" buttons: they need theirs too."""
    fake_voices(page, ["fr-FR"])
    log_in_by_ids(page, live_server, "fr", PRO_LOGIN, PRO_PASSPHRASE, "shared")
    review = Review(page, "fr")
    click_to_screen(page, page.locator("#menu [data-go=pro-notifications]"), "pro-notifications")
    screen = review.go("[data-go=pro-alerts]", "pro-alerts")
    screen.locator('label[for="pro-alerts-quiet-own"]').click()
    expect(screen.locator("#pro-alerts-hours")).to_be_visible()
    review(
        "pro-alerts",
        ticked_by_person=("pro-alerts-quiet-own",),
        label="pro-alerts-own-hours",
        arrived=False,
    )
