""" "Mon carnet" (issue 19), the person's organiser, in a phone-sized Chromium.

A note, a contact (tap-to-call) and an appointment with "Me le rappeler la veille" are
written through the page, found again after a reload, and the server holds only what it
cannot read: the raw API answer carries none of the words, the items open with the
person's keys in Python (SPEC §30), the reminder is due the day before at 10:00 on the
territory's clock and its sealed text opens to the appointment's (SPEC §31). Moving the
appointment moves its reminder; deleting it deletes the reminder. Nothing is lost: a save
that fails keeps the text (in the page's memory only: nothing in localStorage,
sessionStorage or IndexedDB), and a note changed on another phone meanwhile shows both
texts and keeps both. The full export ("Tout récupérer") carries the carnet.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from crypto.organiser import open_item, open_reminder_text
from tests.relays.world import build_relay_world
from tests.structures.world import World
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    download,
    go,
    go_more,
    log_in,
    log_in_person,
    pin_root,
    root_pin,
    visible_screen,
)

PARIS = ZoneInfo("Europe/Paris")
NOTE = "Apporter la quittance de loyer\net le RIB pour la CAF"
CONTACT = "Amina Benali"
PHONE = "06 12 34 56 78"
PLACE = "CCAS de Clermont, 2e étage"
WITH = "Mme Dupont"


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def open_carnet(page: Page) -> Locator:
    """ "Plus" → "Mon carnet"; returns its first screen."""
    return go_more(page, "Mon carnet", "organiser")


def carnet_part(page: Page, name: str, screen: str) -> Locator:
    """From "Mon carnet", one of its parts ("Mes notes", "Mes contacts", "Mes rendez-vous")."""
    carnet = open_carnet(page)
    carnet.get_by_role("button", name=re.compile(f"^{name}")).click()
    return visible_screen(page, screen)


def write_note(page: Page, text: str) -> Locator:
    notes = carnet_part(page, "Mes notes", "organiser-notes")
    notes.get_by_role("button", name="Écrire une note").click()
    edit = visible_screen(page, "organiser-note-edit")
    edit.get_by_label("Votre note").fill(text)
    return edit


def add_contact(page: Page) -> Locator:
    contacts = carnet_part(page, "Mes contacts", "organiser-contacts")
    contacts.get_by_role("button", name="Ajouter un contact").click()
    edit = visible_screen(page, "organiser-contact-edit")
    # Nothing is chosen for the person.
    expect(edit.locator("input[name=relation]:checked")).to_have_count(0)
    edit.get_by_label("Nom").fill(CONTACT)
    edit.get_by_role("button", name="Enregistrer").click()
    expect(edit.locator("#organiser-contact-error")).to_have_text("Dites qui est cette personne.")
    edit.get_by_text("Ma famille").click()
    edit.get_by_label("Téléphone (facultatif)").fill(PHONE)
    assert_accessible(page, "organiser-contact-edit")
    edit.get_by_role("button", name="Enregistrer").click()
    return visible_screen(page, "organiser-contacts")


def fill_appointment(edit: Locator, day: date, at: str) -> None:
    edit.get_by_label("Quel jour ?").fill(day.isoformat())
    edit.get_by_label("À quelle heure ?").fill(at)


def add_appointment(page: Page, day: date) -> Locator:
    screen = carnet_part(page, "Mes rendez-vous", "organiser-appointments")
    screen.get_by_role("button", name="Ajouter un rendez-vous").click()
    edit = visible_screen(page, "organiser-appointment-edit")
    fill_appointment(edit, day, "14:30")
    edit.get_by_label("Où ? (facultatif)").fill(PLACE)
    edit.get_by_label("Avec qui ? (facultatif)").fill(WITH)
    edit.get_by_label("Me le rappeler la veille").check()
    assert_accessible(page, "organiser-appointment-edit")
    edit.get_by_role("button", name="Enregistrer").click()
    return visible_screen(page, "organiser-appointments")


def raw_items(api: TestClient, world: World) -> dict[str, Any]:
    response = api.get("/api/v1/organiser/items", headers=world.person.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def opened_items(api: TestClient, world: World) -> list[dict[str, Any]]:
    """The person's items, opened in Python with their keys (SPEC §30.4)."""
    keys = world.person.keys
    return [
        open_item(
            b64(item["ciphertext"]),
            owner_id=world.person.account_id,
            item_id=item["id"],
            sign_public=keys.sign_public,
            box_public=keys.box_public,
            box_secret=keys.box_secret,
        )
        for item in raw_items(api, world)["items"]
    ]


def reminders(api: TestClient, world: World) -> list[dict[str, Any]]:
    response = api.get("/api/v1/reminders", headers=world.person.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def reminder_text(world: World, reminder: dict[str, Any]) -> str:
    keys = world.person.keys
    return open_reminder_text(
        b64(reminder["sealed"]),
        box_public=keys.box_public,
        box_secret=keys.box_secret,
        sign_public=keys.sign_public,
    )


def due_the_day_before(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=1), time(10, 0), PARIS).astimezone(UTC)


def unlock_again(page: Page) -> None:
    page.reload()
    unlock = visible_screen(page, "unlock")
    unlock.get_by_label("Phrase secrète").fill(PERSON_PASSPHRASE)
    unlock.get_by_role("button", name="Déverrouiller").click()
    visible_screen(page, "documents")


def nothing_kept_on_the_phone(page: Page) -> None:
    """No word of the carnet in the phone's storage (a shared phone keeps nothing)."""
    kept = page.evaluate(
        """async () => {
            const stores = [JSON.stringify(localStorage), JSON.stringify(sessionStorage)];
            const bases = indexedDB.databases ? await indexedDB.databases() : [];
            return {stores, bases: bases.map((b) => b.name)};
        }"""
    )
    for store in kept["stores"]:
        for word in ("quittance", "Amina", "CCAS", "Dupont"):
            assert word not in store
    assert kept["bases"] == [] or all("organiser" not in str(name) for name in kept["bases"])


@pytest.mark.both_backends
def test_a_note_a_contact_and_an_appointment_with_its_reminder_are_kept_sealed_and_come_back(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    log_in_person(page, live_server, world)
    open_carnet(page)
    assert_accessible(page, "organiser")
    screenshot(page, "organiser-home")

    # A note: written, saved, read.
    edit = write_note(page, NOTE)
    assert_accessible(page, "organiser-note-edit")
    edit.get_by_role("button", name="Enregistrer").click()
    note = visible_screen(page, "organiser-note")
    expect(note.locator("#organiser-note-text")).to_have_text(NOTE)
    expect(page.locator("#status")).to_have_text("C'est enregistré.")
    assert_accessible(page, "organiser-note")

    # A contact of the person's circle, with a phone to tap.
    contacts = add_contact(page)
    call = contacts.get_by_role("link", name=f"Appeler le {PHONE}")
    expect(call).to_have_attribute("href", "tel:0612345678")
    assert_accessible(page, "organiser-contacts")
    screenshot(page, "organiser-contacts")

    # An appointment in ten days, reminded the day before.
    day = datetime.now(PARIS).date() + timedelta(days=10)
    appointments = add_appointment(page, day)
    card = appointments.locator("li.card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(f"{day.strftime('%d/%m/%Y')} à 14:30")
    expect(card).to_contain_text(f"Lieu : {PLACE}")
    expect(card).to_contain_text(f"Avec : {WITH}")
    expect(card).to_contain_text("Rappel la veille")
    assert_accessible(page, "organiser-appointments")
    screenshot(page, "organiser-appointments")
    # The bottom bar stays, "Plus" marked.
    expect(page.locator('#person-nav [data-place="more"]')).to_have_attribute(
        "aria-current", "page"
    )

    # The server holds ciphertext only: no word of the carnet, nor its kinds, in its
    # answer (outside the ciphertext, and in the ciphertext's bytes; words of 5 letters
    # or more, which random bytes do not spell by chance).
    raw = raw_items(api, world)
    assert len(raw["items"]) == 3
    around = json.dumps(
        [{k: v for k, v in item.items() if k != "ciphertext"} for item in raw["items"]]
    )
    words = (
        "quittance",
        "Amina",
        "Benali",
        "12 34 56",
        "CCAS de",
        "Dupont",
        "appointment",
        "contact",
    )
    for word in (*words, "note", "kind"):
        assert word not in around
    for item in raw["items"]:
        sealed = b64(item["ciphertext"])
        for word in words:
            assert word.encode() not in sealed
    # ...and what it holds opens with the person's keys to exactly what was written.
    items = {item["kind"]: item for item in opened_items(api, world)}
    assert items["note"]["text"] == NOTE
    assert items["contact"]["name"] == CONTACT
    assert items["contact"]["relation"] == "family"
    assert items["contact"]["phone"] == PHONE
    appointment = items["appointment"]
    starts = datetime.combine(day, time(14, 30), PARIS).astimezone(UTC)
    assert appointment["starts_at"] == starts.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert appointment["place"] == PLACE and appointment["with_whom"] == WITH

    # The reminder: due the day before at 10:00 in Paris, its text sealed to the person.
    [reminder] = reminders(api, world)
    assert reminder["id"] == appointment["reminder_id"]
    assert datetime.fromisoformat(reminder["due_at"]) == due_the_day_before(day)
    assert "CCAS" not in json.dumps(reminder)
    said = reminder_text(world, reminder)
    assert f"{day.strftime('%d/%m/%Y')} à 14:30" in said and PLACE in said and WITH in said

    # "Mes rappels" (H8's screen) opens it in the page too.
    own = go_more(page, "Mes rappels", "reminders")
    expect(own).to_contain_text(f"Lieu : {PLACE}")

    nothing_kept_on_the_phone(page)

    # Reloaded (the keys are gone): everything comes back after the passphrase.
    unlock_again(page)
    notes = carnet_part(page, "Mes notes", "organiser-notes")
    expect(notes.locator("#organiser-note-list")).to_contain_text("Apporter la quittance de loyer")
    contacts = carnet_part(page, "Mes contacts", "organiser-contacts")
    expect(contacts.get_by_role("link", name=f"Appeler le {PHONE}")).to_be_visible()
    appointments = carnet_part(page, "Mes rendez-vous", "organiser-appointments")
    expect(appointments.locator("li.card")).to_contain_text(PLACE)

    # Moved two days later: the reminder moves with it.
    appointments.locator("li.card").get_by_role("button", name="Modifier").click()
    edit = visible_screen(page, "organiser-appointment-edit")
    expect(edit.get_by_label("Me le rappeler la veille")).to_be_checked()
    later = day + timedelta(days=2)
    fill_appointment(edit, later, "09:15")
    edit.get_by_role("button", name="Enregistrer").click()
    appointments = visible_screen(page, "organiser-appointments")
    expect(appointments.locator("li.card")).to_contain_text(f"{later.strftime('%d/%m/%Y')} à 09:15")
    [moved] = reminders(api, world)
    assert moved["id"] == reminder["id"]
    assert datetime.fromisoformat(moved["due_at"]) == due_the_day_before(later)
    assert f"{later.strftime('%d/%m/%Y')} à 09:15" in reminder_text(world, moved)

    # Deleted: the reminder goes too.
    appointments.locator("li.card").get_by_role("button", name="Supprimer").click()
    confirm = visible_screen(page, "organiser-delete")
    expect(confirm).to_contain_text(PLACE)
    assert_accessible(page, "organiser-delete")
    confirm.get_by_role("button", name="Oui, supprimer").click()
    appointments = visible_screen(page, "organiser-appointments")
    expect(appointments).to_contain_text("Vous n'avez pas de rendez-vous à venir.")
    assert reminders(api, world) == []
    assert {item["kind"] for item in opened_items(api, world)} == {"note", "contact"}


def test_a_note_whose_save_fails_is_kept_in_the_page_and_saved_later(
    world: World, page: Page, live_server: str, api: TestClient, problems: dict[str, PageProblems]
) -> None:
    problems["page"].allow("ERR_CONNECTION_REFUSED")  # the refused save, on purpose
    log_in_person(page, live_server, world)

    def refuse(route: Route) -> None:
        if route.request.method == "POST":
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route("**/api/v1/organiser/items", refuse)
    edit = write_note(page, NOTE)
    edit.get_by_role("button", name="Enregistrer").click()
    error = edit.locator("#organiser-note-error")
    expect(error).to_contain_text("Ce n'est pas enregistré")
    expect(error).to_contain_text("Votre texte est toujours là.")
    expect(edit.get_by_label("Votre note")).to_have_value(NOTE)
    assert_accessible(page, "organiser-note-failed")
    nothing_kept_on_the_phone(page)

    # The person goes elsewhere and comes back: the text is there again.
    go(page, "Documents")
    notes = carnet_part(page, "Mes notes", "organiser-notes")
    notes.get_by_role("button", name="Écrire une note").click()
    edit = visible_screen(page, "organiser-note-edit")
    expect(edit.get_by_label("Votre note")).to_have_value(NOTE)
    expect(page.locator("#status")).to_have_text("Votre texte pas encore enregistré est revenu.")

    page.unroute("**/api/v1/organiser/items")
    edit.get_by_role("button", name="Enregistrer").click()
    expect(visible_screen(page, "organiser-note").locator("#organiser-note-text")).to_have_text(
        NOTE
    )
    assert [item["text"] for item in opened_items(api, world)] == [NOTE]


def test_a_note_changed_on_another_phone_meanwhile_keeps_both_texts(
    world: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    api: TestClient,
    problems: dict[str, PageProblems],
) -> None:
    problems["page"].allow("409 (Conflict)")  # the server's refusal the page explains
    log_in_person(page, live_server, world)
    edit = write_note(page, "Rendez-vous CAF : apporter les fiches de paie")
    edit.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "organiser-note")
    # This phone starts changing it...
    page.get_by_role("button", name="Modifier").click()
    edit = visible_screen(page, "organiser-note-edit")
    edit.get_by_label("Votre note").fill("Rendez-vous CAF : apporter les fiches de paie et le RIB")

    # ...while another phone changes it first.
    other = second_phone.new_page()
    log_in_person(other, live_server, world)
    notes = carnet_part(other, "Mes notes", "organiser-notes")
    notes.locator("#organiser-note-list button").first.click()
    visible_screen(other, "organiser-note").get_by_role("button", name="Modifier").click()
    other_edit = visible_screen(other, "organiser-note-edit")
    other_edit.get_by_label("Votre note").fill("Rendez-vous CAF annulé")
    other_edit.get_by_role("button", name="Enregistrer").click()
    visible_screen(other, "organiser-note")
    other.close()

    edit.get_by_role("button", name="Enregistrer").click()
    conflict = visible_screen(page, "organiser-conflict")
    expect(conflict.locator("#organiser-conflict-mine")).to_have_text(
        "Rendez-vous CAF : apporter les fiches de paie et le RIB"
    )
    expect(conflict.locator("#organiser-conflict-theirs")).to_have_text("Rendez-vous CAF annulé")
    assert_accessible(page, "organiser-conflict")
    screenshot(page, "organiser-conflict")
    conflict.get_by_role("button", name="Garder les deux").click()
    visible_screen(page, "organiser-note")
    expect(page.locator("#status")).to_have_text("Les deux textes sont gardés.")
    texts = sorted(item["text"] for item in opened_items(api, world))
    assert texts == [
        "Rendez-vous CAF : apporter les fiches de paie et le RIB",
        "Rendez-vous CAF annulé",
    ]


def test_the_professionals_of_the_persons_links_are_offered_as_contacts(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    # The person chose Mme Dupont as référent (the API, as "Mon référent" does).
    response = api.post(
        "/api/v1/referent",
        json={"professional_id": world.professional.account_id, "structure_id": world.structure_id},
        headers=world.person.headers,
    )
    assert response.status_code in (200, 201), response.text
    log_in_person(page, live_server, world)
    contacts = carnet_part(page, "Mes contacts", "organiser-contacts")
    pros = contacts.locator("#organiser-pros")
    expect(pros).to_be_visible()
    card = pros.locator("li.card", has_text="Dupont")
    expect(card).to_contain_text("Votre référent")
    card.get_by_role("button", name="Ajouter à mes contacts").click()
    edit = visible_screen(page, "organiser-contact-edit")
    expect(edit.get_by_label("Un professionnel")).to_be_checked()
    edit.get_by_label("Téléphone (facultatif)").fill("04 73 00 00 00")
    edit.get_by_role("button", name="Enregistrer").click()
    contacts = visible_screen(page, "organiser-contacts")
    expect(contacts.locator("#organiser-contact-list")).to_contain_text("Dupont")
    call = contacts.locator("li.card", has_text="Dupont").get_by_role(
        "link", name="Appeler le 04 73 00 00 00"
    )
    expect(call).to_have_attribute("href", "tel:0473000000")
    # Once in the contacts, no longer offered.
    expect(contacts.locator("#organiser-pros")).to_be_hidden()
    [item] = opened_items(api, world)
    assert item["relation"] == "professional" and item["phone"] == "04 73 00 00 00"


@pytest.mark.both_backends
def test_the_full_export_carries_the_carnet(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    log_in_person(page, live_server, world)
    write_note(page, NOTE).get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "organiser-note")
    day = datetime.now(PARIS).date() + timedelta(days=10)
    add_appointment(page, day)

    screen = go_more(page, "Tout récupérer", "export")
    screen.get_by_role("button", name="Tout récupérer").click()
    save = screen.get_by_role("link", name="Enregistrer le fichier")
    expect(save).to_be_visible(timeout=30_000)
    _, raw = download(page, save)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        carnet = json.loads(archive.read("organiser.json"))
        ics = archive.read("rendez-vous.ics").decode("utf-8")
    # Everything written in the page, opened, beside its id and version.
    items = {entry["item"]["kind"]: entry["item"] for entry in carnet["items"]}
    assert carnet["unreadable"] == []
    assert items["note"]["text"] == NOTE
    appointment = items["appointment"]
    starts = datetime.combine(day, time(14, 30), PARIS).astimezone(UTC)
    assert appointment["starts_at"] == starts.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert appointment["place"] == PLACE and appointment["with_whom"] == WITH
    # The calendar has the appointment at its time, with its place.
    unfolded = ics.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert f"DTSTART:{starts.strftime('%Y%m%dT%H%M%SZ')}" in unfolded
    assert "CCAS de Clermont" in unfolded


def test_a_reminder_refused_when_an_appointment_is_changed_is_said_and_the_change_kept(
    world: World, page: Page, live_server: str, api: TestClient, problems: dict[str, PageProblems]
) -> None:
    problems["page"].allow("409 (Conflict)")  # the refused reminder, on purpose
    log_in_person(page, live_server, world)
    day = datetime.now(PARIS).date() + timedelta(days=10)
    screen = carnet_part(page, "Mes rendez-vous", "organiser-appointments")
    screen.get_by_role("button", name="Ajouter un rendez-vous").click()
    edit = visible_screen(page, "organiser-appointment-edit")
    fill_appointment(edit, day, "14:30")
    edit.get_by_role("button", name="Enregistrer").click()
    screen = visible_screen(page, "organiser-appointments")

    # The server refuses one more reminder (a 409 that is not "changed elsewhere").
    refusal = "Vous avez déjà le nombre de rappels le plus grand. Supprimez-en un."

    def full(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        body = {"error": {"code": "reminder_limit_reached", "message": refusal}}
        route.fulfill(status=409, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/reminders", full)
    screen.locator("li.card").get_by_role("button", name="Modifier").click()
    edit = visible_screen(page, "organiser-appointment-edit")
    edit.get_by_label("Où ? (facultatif)").fill(PLACE)
    edit.get_by_label("Me le rappeler la veille").check()
    edit.get_by_role("button", name="Enregistrer").click()
    # Said as the server says it, the change still in the form; nothing half-saved.
    expect(edit.locator("#organiser-appointment-error")).to_contain_text(refusal)
    expect(edit.get_by_label("Où ? (facultatif)")).to_have_value(PLACE)
    expect(page.locator('[data-screen="organiser-conflict"]')).to_be_hidden()
    [item] = opened_items(api, world)
    assert item["place"] == "" and item["reminder_id"] is None
    # Once the server takes it, the change and its reminder are saved together.
    page.unroute("**/api/v1/reminders")
    edit.get_by_role("button", name="Enregistrer").click()
    appointments = visible_screen(page, "organiser-appointments")
    expect(appointments.locator("li.card")).to_contain_text("Rappel la veille")
    [item] = opened_items(api, world)
    [reminder] = reminders(api, world)
    assert item["place"] == PLACE and item["reminder_id"] == reminder["id"]


def test_the_phones_back_button_after_a_save_shows_the_list_not_the_form_again(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    log_in_person(page, live_server, world)
    write_note(page, NOTE).get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "organiser-note")
    page.go_back()  # to the form's moment: the notes as they are now
    notes = visible_screen(page, "organiser-notes")
    expect(notes.locator("#organiser-note-list li")).to_have_count(1)
    expect(page.locator('[data-screen="organiser-note-edit"]')).to_be_hidden()
    page.go_forward()  # the note itself, as it is now
    expect(visible_screen(page, "organiser-note").locator("#organiser-note-text")).to_have_text(
        NOTE
    )
    assert len(opened_items(api, world)) == 1


def test_a_reminder_deleted_elsewhere_is_no_longer_shown_and_ticking_it_again_makes_one(
    world: World, page: Page, live_server: str, api: TestClient, problems: dict[str, PageProblems]
) -> None:
    problems["page"].allow("404 (Not Found)")  # the gone reminder, asked once
    log_in_person(page, live_server, world)
    day = datetime.now(PARIS).date() + timedelta(days=10)
    add_appointment(page, day)
    [first] = reminders(api, world)
    # The person deletes it in "Mes rappels" (through the API here).
    gone = api.delete(f"/api/v1/reminders/{first['id']}", headers=world.person.headers)
    assert gone.status_code == 204, gone.text
    screen = carnet_part(page, "Mes rendez-vous", "organiser-appointments")
    expect(screen.locator("li.card")).to_contain_text(PLACE)
    expect(screen.locator("li.card")).not_to_contain_text("Rappel la veille")
    screen.locator("li.card").get_by_role("button", name="Modifier").click()
    edit = visible_screen(page, "organiser-appointment-edit")
    expect(edit.get_by_label("Me le rappeler la veille")).not_to_be_checked()
    edit.get_by_label("Me le rappeler la veille").check()
    edit.get_by_role("button", name="Enregistrer").click()
    screen = visible_screen(page, "organiser-appointments")
    expect(screen.locator("li.card")).to_contain_text("Rappel la veille")
    expect(page.locator("#status")).to_have_text("C'est enregistré.")
    [again] = reminders(api, world)
    [item] = opened_items(api, world)
    assert again["id"] != first["id"] and item["reminder_id"] == again["id"]
    assert datetime.fromisoformat(again["due_at"]) == due_the_day_before(day)


def test_the_orienting_professional_of_a_relay_under_way_is_offered_as_a_contact(
    page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    rw = build_relay_world(api, tmp_path)
    rw.propose(text="Besoin : RSA.")
    page.goto(live_server)
    pin_root(page, root_pin(rw.cw.world.admin))
    # The vault opens on the relay to agree to (person-relays.js), then the carnet.
    log_in(page, live_server, rw.person.login, PERSON_PASSPHRASE, "relay-agree")
    contacts = carnet_part(page, "Mes contacts", "organiser-contacts")
    pros = contacts.locator("#organiser-pro-list")
    expect(pros.locator("li.card", has_text="Dupont")).to_contain_text("CCAS de Clermont-Ferrand")
    assert_accessible(page, "organiser-contacts-relay")


def test_a_note_whose_answer_was_lost_is_not_written_twice_when_saved_again(
    world: World, page: Page, live_server: str, api: TestClient, problems: dict[str, PageProblems]
) -> None:
    # The lost answer and the server's "already there": on purpose.
    for expected in ("ERR_", "409 (Conflict)"):
        problems["page"].allow(expected)
    log_in_person(page, live_server, world)
    lost: list[int] = []

    def lose_answer(route: Route) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server writes the note...
            lost.append(1)
            route.abort("connectionreset")  # ...and its answer never reaches the phone
        else:
            route.continue_()

    page.route("**/api/v1/organiser/items", lose_answer)
    edit = write_note(page, NOTE)
    edit.get_by_role("button", name="Enregistrer").click()
    expect(edit.locator("#organiser-note-error")).to_contain_text("Ce n'est pas enregistré")
    assert [item["text"] for item in opened_items(api, world)] == [NOTE]  # it was, though
    edit.get_by_label("Votre note").fill(f"{NOTE}\net la carte Vitale")
    edit.get_by_role("button", name="Enregistrer").click()
    expect(visible_screen(page, "organiser-note").locator("#organiser-note-text")).to_have_text(
        f"{NOTE}\net la carte Vitale"
    )
    # One note, with the last text.
    assert [item["text"] for item in opened_items(api, world)] == [f"{NOTE}\net la carte Vitale"]
