"""Regaining access in a phone-sized Chromium: with the recovery kit (every document
still opens), and without it (a reset code, an empty vault, a new kit); axe on each
screen."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from client import CoffreClient
from coffre.container import Coffre
from coffre.settings import Settings
from tests.factories import typo_caught_by_the_check_character
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import go, keep_recovery_kit, log_in, open_login, visible_screen
from tests.web.test_person_journey import downloaded_bytes

OLD_PASSPHRASE = "lanterne cerise galet moulin"
NEW_PASSPHRASE = "prairie sucre boussole hibou"


def _forgot_screen(page: Page, base: str) -> None:
    open_login(page, base)
    page.get_by_role("button", name="J'ai oublié ma phrase secrète").click()
    visible_screen(page, "forgot")


def test_a_person_with_the_kit_chooses_a_new_passphrase_and_finds_every_document(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    with CoffreClient(live_server) as client:
        kit = client.signup("leila", OLD_PASSPHRASE).recovery_code
        logged = client.login("leila", OLD_PASSPHRASE)
        photo = png(tmp_path / "avis-caf.png", 320, 200, seed=4)
        client.upload(photo, "caf", box_public_key=logged.keys.box_public, keys=logged.keys)

    _forgot_screen(page, live_server)
    assert_accessible(page, "forgot")
    screenshot(page, "20-forgot")
    form = visible_screen(page, "forgot")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("leila")
    # Typed as people do: lower case, spaces instead of dashes.
    form.get_by_label("Code de récupération").fill(kit.replace("-", " ").lower())
    form.get_by_label("Nouvelle phrase secrète").fill(NEW_PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(NEW_PASSPHRASE)
    form.get_by_role("button", name="Choisir ma nouvelle phrase secrète").click()

    visible_screen(page, "documents")
    expect(page.get_by_text("Votre nouvelle phrase secrète est enregistrée.")).to_be_visible()
    page.get_by_role("button", name=re.compile("avis-caf")).click()  # shown without ".png"
    visible_screen(page, "document")
    assert downloaded_bytes(page) == photo.read_bytes()
    # Only what format v2 keeps (the vault migrated, the versions seen): no secret.
    assert page.evaluate("sessionStorage.length") == 0
    assert [key.rsplit(".", 1)[0] for key in page.evaluate("Object.keys(localStorage)")] == [
        "coffre.v2.versions"
    ]

    with CoffreClient(live_server) as client:
        assert client.login("leila", NEW_PASSPHRASE).login == "leila"


def test_a_mistyped_recovery_code_is_caught_in_the_page(page: Page, live_server: str) -> None:
    with CoffreClient(live_server) as client:
        kit = client.signup("hugo", OLD_PASSPHRASE).recovery_code
    _forgot_screen(page, live_server)
    form = visible_screen(page, "forgot")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("hugo")
    typo = typo_caught_by_the_check_character(kit)
    form.get_by_label("Code de récupération").fill(typo)
    form.get_by_label("Nouvelle phrase secrète").fill(NEW_PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(NEW_PASSPHRASE)
    form.get_by_role("button", name="Choisir ma nouvelle phrase secrète").click()
    expect(page.locator("#forgot-error")).to_contain_text("code de récupération n'est pas bon")


def test_without_the_kit_a_reset_code_gives_a_new_kit_and_the_empty_vault_waits(
    page: Page, live_server: str, settings: Settings, tmp_path: Path
) -> None:
    with CoffreClient(live_server) as client:
        kit = client.signup("karim", OLD_PASSPHRASE).recovery_code
        logged = client.login("karim", OLD_PASSPHRASE)
        client.upload(
            png(tmp_path / "old.png", 100, 100),
            "caf",
            box_public_key=logged.keys.box_public,
            keys=logged.keys,
        )
    operator = Coffre.build(settings)
    try:
        code = operator.resets.create_reset_code_as_operator("karim").code
    finally:
        operator.close()

    _forgot_screen(page, live_server)
    page.get_by_role("button", name="Je n'ai plus mon code de récupération").click()
    form = visible_screen(page, "reset")
    expect(form.get_by_text("personne d'autre que vous ne peut les lire")).to_be_visible()
    expect(form.get_by_text("il faut attendre quelques jours")).to_be_visible()
    assert_accessible(page, "reset")
    screenshot(page, "21-reset")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("karim")
    form.get_by_label("Nouvelle phrase secrète").fill(NEW_PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(NEW_PASSPHRASE)
    form.get_by_label("J'ai compris : mes anciens documents seront détruits").check()
    # The recovery code typed here is recognised, and never sent.
    form.get_by_label("Code de réinitialisation").fill(kit)
    form.get_by_role("button", name="Repartir avec un coffre vide").click()
    expect(page.locator("#reset-error")).to_contain_text("Ceci est votre code de récupération")

    form.get_by_label("Code de réinitialisation").fill(code.lower())
    form.get_by_role("button", name="Repartir avec un coffre vide").click()
    visible_screen(page, "recovery")
    expect(page.get_by_text("Votre nouveau coffre sera prêt le")).to_be_visible()
    new_kit = page.locator("#recovery-code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", new_kit) and new_kit != kit
    assert keep_recovery_kit(page) == new_kit
    # Nothing opens yet: the new vault waits, the old one is untouched.
    visible_screen(page, "welcome")
    with CoffreClient(live_server) as client:
        assert client.login("karim", OLD_PASSPHRASE).login == "karim"


def test_a_person_who_logs_in_during_the_wait_sees_the_reset_and_cancels_it(
    page: Page, live_server: str, settings: Settings, tmp_path: Path
) -> None:
    with CoffreClient(live_server) as client:
        client.signup("sofia", OLD_PASSPHRASE)
        logged = client.login("sofia", OLD_PASSPHRASE)
        photo = png(tmp_path / "quittance.png", 320, 200, seed=7)
        client.upload(photo, "domicile", box_public_key=logged.keys.box_public, keys=logged.keys)
    operator = Coffre.build(settings)
    try:
        code = operator.resets.create_reset_code_as_operator("sofia").code
    finally:
        operator.close()
    with CoffreClient(live_server) as client:
        client.reset_with_code("sofia", code, NEW_PASSPHRASE)

    log_in(page, live_server, "sofia", OLD_PASSPHRASE, "reset-pending")
    notice = visible_screen(page, "reset-pending")
    expect(notice.get_by_text("votre coffre sera remplacé par un coffre vide")).to_be_visible()
    assert_accessible(page, "reset-pending")
    screenshot(page, "22-reset-pending")
    notice.get_by_role("button", name="Annuler la réinitialisation").click()
    visible_screen(page, "documents")
    expect(page.get_by_text("C'est annulé.")).to_be_visible()
    page.get_by_role("button", name=re.compile("quittance")).click()  # shown without ".png"
    visible_screen(page, "document")
    assert downloaded_bytes(page) == photo.read_bytes()
    # The notifications say who issued the code and that it was used, in French.
    page.get_by_role("button", name="Retour").dispatch_event("click")
    notices = go(page, "Historique").locator("#notification-list")
    expect(notices.locator(".notice")).to_have_count(2)
    expect(notices).to_contain_text("l'exploitant du service a créé un code de réinitialisation")
    expect(notices).to_contain_text(
        "quelqu'un a utilisé un code de réinitialisation pour votre compte"
    )
    with CoffreClient(live_server) as client:
        client.login("sofia", OLD_PASSPHRASE)
        assert client.pending_reset() is None
