"""Being told outside the app (issue 19), in a 360 px wide browser: the person's
"Être prévenu" (hours without message, which reminders: nothing ticked until chosen,
saved and shown again after the vault is opened anew; what Coffre sent them) and
"Mes rappels" (the CAF declaration every three months, its text sealed in the page so
the server cannot read it, opened again in the notice of "Historique"); a professional
chooses a daily summary by e-mail. Bad input is refused with a plain French sentence.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.service import Kind, notify
from coffre.reminders.models import Reminder
from crypto import b64encode
from tests.factories import PASSPHRASE
from tests.notifications.servers import PushEndpoint, push_endpoint  # noqa: F401
from tests.structures.world import World, material
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import (
    PERSON_PASSPHRASE,
    go,
    go_more,
    log_in,
    log_in_person,
    log_in_professional,
    visible_screen,
)

PARIS = ZoneInfo("Europe/Paris")
CAF = "Faire ma déclaration de ressources à la CAF"


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def open_again(page: Page, base: str, world: World) -> None:
    """The page loaded again and the vault opened anew: unlocked with the passphrase
    while the session lasts, else logged in (a session ends when the clock moves on)."""
    page.reload()
    page.locator('[data-screen="unlock"]:visible, [data-screen="welcome"]:visible').wait_for()
    unlock = page.locator('[data-screen="unlock"]')
    if unlock.is_visible():
        unlock.get_by_label("Phrase secrète").fill(PERSON_PASSPHRASE)
        unlock.get_by_role("button", name="Déverrouiller").click()
        visible_screen(page, "documents")
    else:
        log_in_person(page, base, world)


def stored_reminders(api: TestClient, account_id: str) -> list[Reminder]:
    """The person's reminders as the database holds them (the sessions of the test's
    API client end when the clock moves on; the page logged in again)."""
    with coffre_of(api).db.unit_of_work() as db:
        rows = db.scalars(select(Reminder).where(Reminder.account_id == account_id)).all()
        db.expunge_all()
    return list(rows)


def refused(screen: Locator, error: str, message: str) -> None:
    """The screen stays, and says `message` on its error line."""
    expect(screen.locator(f"#{error}")).to_have_text(message)
    expect(screen).to_be_visible()


# -- Mes rappels -----------------------------------------------------------------------


@pytest.mark.both_backends
def test_a_quarterly_caf_reminder_is_sealed_in_the_page_and_its_notice_opens_the_text(
    world: World, page: Page, live_server: str, api: TestClient, clock: FrozenClock
) -> None:
    log_in_person(page, live_server, world)
    reminders = go_more(page, "Mes rappels", "reminders")
    expect(reminders.locator("#reminders-list")).to_have_text("Vous n'avez pas encore de rappel.")
    reminders.get_by_role("button", name="Ajouter un rappel").click()
    add = visible_screen(page, "reminder-add")
    add.get_by_role("button", name="Déclaration CAF tous les 3 mois").click()

    # The preset the person pressed fills the text and the repeat; the day is theirs.
    form = visible_screen(page, "reminder-form")
    expect(form.get_by_label("De quoi voulez-vous vous souvenir ?")).to_have_value(CAF)
    expect(form.get_by_label("Tous les 3 mois")).to_be_checked()
    expect(form.get_by_label("Quel jour ?")).to_have_value("")
    save = form.get_by_role("button", name="Enregistrer le rappel")
    save.click()
    refused(form, "reminder-form-error", "Choisissez le jour du rappel.")
    expect(form.get_by_label("Quel jour ?")).to_have_attribute("aria-invalid", "true")
    today = clock.now().astimezone(PARIS).date()
    form.get_by_label("Quel jour ?").fill((today - timedelta(days=1)).isoformat())
    save.click()
    refused(form, "reminder-form-error", "Choisissez un jour à partir de demain.")
    assert_accessible(page, "reminder-form-refused")
    screenshot(page, "alerts-reminder-form")

    due_day = today + timedelta(days=1)
    form.get_by_label("Quel jour ?").fill(due_day.isoformat())
    save.click()
    listed = visible_screen(page, "reminders")
    shown_day = due_day.strftime("%d/%m/%Y")
    expect(page.locator("#status")).to_have_text(
        f"C'est fait : Coffre vous préviendra le {shown_day}."
    )
    expect(listed.locator("#reminders-list")).to_contain_text(CAF)
    expect(listed.locator("#reminders-list")).to_contain_text(f"Le {shown_day}. Tous les 3 mois.")
    assert_accessible(page, "reminders-list")
    screenshot(page, "alerts-reminders")

    # The server keeps the day (9:00 in Paris), the repeat, and bytes it cannot read.
    person = world.person
    items = api.get("/api/v1/reminders", headers=person.headers).json()["items"]
    assert len(items) == 1
    (reminder,) = items
    assert reminder["repeat"] == "quarterly" and reminder["active"]
    due = datetime.combine(due_day, time(9, 0), PARIS)
    assert datetime.fromisoformat(reminder["due_at"]) == due
    sealed = b64url_decode(reminder["sealed"])
    for word in ("CAF", "déclaration", "ressources"):
        assert word.encode() not in sealed and word.lower().encode() not in sealed.lower()

    # The day comes: the phone said "vous avez un rappel"; the page says what about.
    clock.advance(seconds=(due.astimezone(UTC) - clock.now()).total_seconds() + 60)
    assert coffre_of(api).reminders.run().own == 1
    open_again(page, live_server, world)
    history = go(page, "Historique")
    expect(history.locator("#notification-list")).to_contain_text(f"votre rappel : « {CAF} »")
    screenshot(page, "alerts-reminder-notice")

    # It comes back three months later; it can be stopped, then deleted.
    reminders = go_more(page, "Mes rappels", "reminders")
    next_day = reminders.locator("#reminders-list")
    expect(next_day).not_to_contain_text(f"Le {shown_day}.")
    reminders.get_by_role("button", name="Arrêter ce rappel").click()
    expect(page.locator("#status")).to_have_text("C'est fait : ce rappel est arrêté.")
    expect(reminders.locator("#reminders-list")).to_contain_text(
        "Arrêté : Coffre ne vous préviendra pas."
    )
    open_again(page, live_server, world)
    reminders = go_more(page, "Mes rappels", "reminders")
    expect(reminders.locator("#reminders-list")).to_contain_text(
        "Arrêté : Coffre ne vous préviendra pas."
    )
    assert [r.active for r in stored_reminders(api, person.account_id)] == [False]
    reminders.get_by_role("button", name="Supprimer").click()
    delete = visible_screen(page, "reminder-delete")
    expect(delete).to_contain_text(f"Le rappel « {CAF} » sera supprimé.")
    delete.get_by_role("button", name="Oui, supprimer").click()
    reminders = visible_screen(page, "reminders")
    expect(page.locator("#status")).to_have_text("C'est fait : le rappel est supprimé.")
    expect(reminders.locator("#reminders-list")).to_have_text("Vous n'avez pas encore de rappel.")
    assert stored_reminders(api, person.account_id) == []


# -- Être prévenu ----------------------------------------------------------------------


def radios(screen: Locator, name: str) -> Locator:
    return screen.locator(f"input[name={name}]")


def test_the_person_chooses_hours_and_reminders_nothing_ticked_before_and_sees_what_was_sent(
    world: World,
    page: Page,
    live_server: str,
    api: TestClient,
    clock: FrozenClock,
    push_endpoint: PushEndpoint,  # noqa: F811 - the fixture imported above
) -> None:
    log_in_person(page, live_server, world)
    alerts = go_more(page, "Être prévenu", "alerts")
    summary = alerts.locator("#alerts-summary")
    expect(summary).to_contain_text("Heures sans message : pas encore choisi.")
    expect(summary).to_contain_text("Langue des messages : Français, la langue de cette page.")
    # A pseudonym is no phone number: no SMS offered.
    expect(alerts.get_by_role("button", name="Par SMS")).to_be_hidden()
    assert_accessible(page, "alerts")
    screenshot(page, "alerts")

    # The hours without message: nothing ticked, and a question left unanswered says so.
    alerts.get_by_role("button", name="Les heures sans message").click()
    quiet = visible_screen(page, "alerts-quiet")
    expect(quiet.locator("input[name=quiet]:checked")).to_have_count(0)
    expect(quiet.locator("#alerts-quiet-hours")).to_be_hidden()
    save = quiet.get_by_role("button", name="Enregistrer")
    save.click()
    refused(
        quiet,
        "alerts-quiet-error",
        "Choisissez quand vous ne voulez pas de message, puis « Enregistrer ».",
    )
    quiet.get_by_text("Je choisis les heures").click()
    expect(quiet.locator("#alerts-quiet-hours")).to_be_visible()
    quiet.get_by_label("Pas de message à partir de").select_option("22")
    quiet.get_by_label("Jusqu'à").select_option("22")
    save.click()
    refused(quiet, "alerts-quiet-error", "Choisissez deux heures différentes.")
    assert_accessible(page, "alerts-quiet-refused")
    quiet.get_by_text("Pas de message entre 21 h et 8 h").click()
    expect(quiet.locator("#alerts-quiet-hours")).to_be_hidden()
    save.click()
    alerts = visible_screen(page, "alerts")
    expect(page.locator("#status")).to_have_text("C'est enregistré.")
    expect(alerts.locator("#alerts-summary")).to_contain_text("Pas de message entre 21 h et 8 h.")

    # Which reminders: one yes/no question each, none answered for the person.
    alerts.get_by_role("button", name="Les rappels que je veux").click()
    wanted = visible_screen(page, "alerts-reminders")
    expect(wanted.locator("input[type=radio]:checked")).to_have_count(0)
    wanted.get_by_role("button", name="Enregistrer").click()
    refused(
        wanted,
        "alerts-reminders-error",
        "Répondez oui ou non pour au moins un rappel, puis « Enregistrer ».",
    )
    wanted.locator('label[for="alerts-rem-documents_expiring-no"]').click()
    wanted.locator('label[for="alerts-rem-own-yes"]').click()
    assert_accessible(page, "alerts-reminders")
    screenshot(page, "alerts-reminders-chosen")
    wanted.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "alerts")
    expect(page.locator("#status")).to_have_text("C'est enregistré.")

    # Saved on the server, in the page's language, only what was answered.
    settings = api.get("/api/v1/notifications/settings", headers=world.person.headers).json()
    assert (settings["quiet_start"], settings["quiet_end"]) == ("21:00", "08:00")
    assert settings["language"] == "fr"
    assert settings["reminders"]["documents_expiring"] is False
    assert settings["reminders"]["own"] is True
    assert "grants_ending" not in settings["chosen"]
    assert "requests_waiting" not in settings["chosen"]

    # The vault opened again: the answers are there, the unanswered still unanswered.
    open_again(page, live_server, world)
    alerts = go_more(page, "Être prévenu", "alerts")
    expect(alerts.locator("#alerts-summary")).to_contain_text("Pas de message entre 21 h et 8 h.")
    alerts.get_by_role("button", name="Les heures sans message").click()
    quiet = visible_screen(page, "alerts-quiet")
    expect(quiet.get_by_label("Pas de message entre 21 h et 8 h")).to_be_checked()
    quiet.get_by_role("button", name="Retour").click()
    visible_screen(page, "alerts").get_by_role("button", name="Les rappels que je veux").click()
    wanted = visible_screen(page, "alerts-reminders")
    expect(wanted.locator("#alerts-rem-documents_expiring-no")).to_be_checked()
    expect(wanted.locator("#alerts-rem-own-yes")).to_be_checked()
    for which in ("grants_ending", "requests_waiting"):
        expect(radios(wanted, which).and_(wanted.locator(":checked"))).to_have_count(0)

    # What Coffre sent: one message to this phone's subscription, at a time not quiet.
    subscription = push_endpoint.subscribe()
    added = api.post(
        "/api/v1/notifications/push-subscriptions",
        json={"endpoint": subscription["endpoint"], "keys": subscription["keys"]},
        headers=world.person.headers,
    )
    assert added.status_code == 201, added.text
    noon = datetime.combine(
        clock.now().astimezone(PARIS).date() + timedelta(days=1), time(12, 0), PARIS
    )
    clock.advance(seconds=(noon.astimezone(UTC) - clock.now()).total_seconds())
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        notify(
            db, world.person.account_id, Kind.REQUEST_WAITING, {"request_id": "0" * 32}, clock.now()
        )
    coffre.outbox.deliver()
    assert len(push_endpoint.messages_for(subscription)) == 1
    open_again(page, live_server, world)
    alerts = go_more(page, "Être prévenu", "alerts")
    alerts.get_by_role("button", name="Ce qui vous a été envoyé").click()
    log = visible_screen(page, "alerts-log")
    at = noon.strftime("%d/%m/%Y")
    expect(log.locator("#alerts-log-list")).to_have_text(
        f"Le {at} à 12:00 : une demande qui attend, sur le téléphone. Envoyé."
    )
    assert_accessible(page, "alerts-log")
    screenshot(page, "alerts-log")

    # In "Historique", the reminders the server sends are said in plain words (the page
    # names what the phone's message could not).
    with coffre.db.unit_of_work() as db:
        for kind, data in (
            (Kind.DOCUMENT_EXPIRING, {"document_id": "1" * 32, "expires_on": "2027-02-01"}),
            (Kind.GRANT_ENDING, {"grant_id": "2" * 32, "expires_at": "2027-01-20T11:00:00Z"}),
        ):
            notify(db, world.person.account_id, kind, data, clock.now())
    history = go(page, "Historique")
    notices = history.locator("#notification-list")
    expect(notices).to_contain_text(
        "une demande de document attend votre réponse, dans « Partages »."
    )
    expect(notices).to_contain_text(
        "un de vos papiers ne sera plus valable le 01/02/2027. Pensez à le refaire."
    )
    expect(notices).to_contain_text(
        "un de vos partages finit le 20/01/2027. Vous le voyez dans « Partages »."
    )


# -- a professional --------------------------------------------------------------------


def test_a_professional_chooses_a_daily_summary_by_e_mail(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    log_in_professional(page, live_server)
    page.locator("#menu").get_by_role("button", name=re.compile("^Mes notifications")).click()
    notices = visible_screen(page, "pro-notifications")
    notices.get_by_role("button", name="Être prévenu par e-mail").click()
    form = visible_screen(page, "pro-alerts")
    expect(form.locator("input[type=radio]:checked")).to_have_count(0)
    save = form.get_by_role("button", name="Enregistrer")
    save.click()
    refused(
        form,
        "pro-alerts-error",
        "Écrivez votre adresse e-mail, par exemple nom@structure.fr.",
    )
    email = form.get_by_label("Votre adresse e-mail")
    email.fill("dupont@ccas")
    save.click()
    refused(
        form,
        "pro-alerts-error",
        "Cette adresse e-mail n'est pas complète. Exemple : nom@structure.fr.",
    )
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill("dupont@ccas-clermont.fr")
    save.click()
    refused(
        form,
        "pro-alerts-error",
        "Choisissez : un e-mail à chaque nouvelle, ou un résumé par jour.",
    )
    form.get_by_text("Un résumé par jour", exact=True).click()
    form.get_by_text("Pas d'e-mail entre 21 h et 8 h", exact=True).click()
    assert_accessible(page, "pro-alerts")
    save.click()
    expect(page.locator("#status")).to_have_text(
        "C'est enregistré : un résumé par jour, à dupont@ccas-clermont.fr."
    )
    expect(form.get_by_label("Un résumé par jour")).to_be_checked()
    expect(form.locator("#pro-alerts-log")).to_have_text("Coffre ne vous a encore rien envoyé.")
    screenshot(page, "pro-alerts")
    settings = api.get("/api/v1/notifications/settings", headers=world.professional.headers).json()
    assert settings["email"] == "dupont@ccas-clermont.fr" and settings["email_on"]
    assert settings["digest"] == "daily"
    assert (settings["quiet_start"], settings["quiet_end"]) == ("21:00", "08:00")


def test_a_person_whose_login_is_a_phone_number_chooses_sms_and_reads_what_the_phone_shows(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    person = material(15, "0612345678")
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    # A session for the checks below (the page may change the login's key at its unlock).
    token = api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    ).json()["token"]
    log_in(page, live_server, person.login, f"{PASSPHRASE} 15", "documents")
    alerts = go_more(page, "Être prévenu", "alerts")
    summary = alerts.locator("#alerts-summary")
    expect(summary).to_contain_text("Par SMS au 06 12 34 56 78 : pas encore choisi.")

    # What a locked phone will show is said before the person agrees to anything.
    alerts.get_by_role("button", name="Sur ce téléphone").click()
    phone = visible_screen(page, "alerts-phone")
    expect(phone).to_contain_text("Jamais le nom d'un document. Jamais le nom d'une personne.")
    assert_accessible(page, "alerts-phone")
    # This browser refuses notifications (as a person may have): the page says so and
    # where to change it, and offers nothing that cannot work.
    expect(phone.locator("#alerts-phone-state")).to_have_text("Sur ce téléphone : non.")
    phone.get_by_role("button", name="Recevoir les messages sur ce téléphone").click()
    expect(phone.locator("#alerts-phone-state")).to_have_text(
        "Sur ce téléphone : non. Le téléphone refuse les messages de Coffre. Vous pouvez "
        "changer cela dans les réglages du navigateur."
    )
    expect(
        phone.get_by_role("button", name="Recevoir les messages sur ce téléphone")
    ).to_be_hidden()
    phone.get_by_role("button", name="Retour").click()

    visible_screen(page, "alerts").get_by_role("button", name="Par SMS").click()
    sms = visible_screen(page, "alerts-sms")
    expect(sms.locator("#alerts-sms-number")).to_have_text("Votre numéro : 06 12 34 56 78.")
    expect(sms.locator("input[name=sms]:checked")).to_have_count(0)
    sms.get_by_role("button", name="Enregistrer").click()
    refused(sms, "alerts-sms-error", "Choisissez oui ou non, puis « Enregistrer ».")
    sms.get_by_text("Oui, m'envoyer un SMS").click()
    expect(sms.locator("#alerts-sms-error")).to_be_hidden()
    assert_accessible(page, "alerts-sms")
    screenshot(page, "alerts-sms")
    sms.get_by_role("button", name="Enregistrer").click()
    alerts = visible_screen(page, "alerts")
    expect(alerts.locator("#alerts-summary")).to_contain_text("Par SMS au 06 12 34 56 78 : oui.")
    settings = api.get(
        "/api/v1/notifications/settings", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert settings["sms"] is True and "sms" in settings["chosen"]


def test_the_messages_follow_the_language_the_person_reads_coffre_in(
    world: World, page: Page, live_server: str, api: TestClient
) -> None:
    headers = world.person.headers
    moved = api.put("/api/v1/notifications/settings", json={"language": "uk"}, headers=headers)
    assert moved.status_code == 200 and moved.json()["language"] == "uk"
    log_in_person(page, live_server, world)  # the page in French
    language = ""
    for _ in range(50):
        language = api.get("/api/v1/notifications/settings", headers=headers).json()["language"]
        if language == "fr":
            break
        page.wait_for_timeout(100)
    assert language == "fr"
