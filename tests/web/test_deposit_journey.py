"""Deposits in two phone-sized browsers against the real server.

A person shares a document with Mme Dupont (through the Python client), which links
them. In her page Mme Dupont deposits an attestation into the person's vault: the
person chosen among those who share with her, the type, a photo, "Déposer le
document". The person then sees "Déposé par Mme Dupont (CCAS de Clermont-Ferrand)"
and, once the territory's key is compared, "Signature vérifiée"; with another
territory key pinned, a plain warning instead. The bytes the person gets back are the
ones deposited; the depositor cannot read them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page, expect

from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    OTHER_ROOT,
    check_territory_key,
    describe_document,
    document_button,
    log_in_person,
    log_in_professional,
    next_step,
    open_document,
    person_client,
    pick_pages,
    pin_root,
    root_pin,
    share,
    visible_screen,
)

CHECKED = (
    "C'est vérifié : ce document vient bien de Mme Dupont (CCAS de Clermont-Ferrand). "
    "Personne ne l'a changé."
)


@pytest.fixture
def linked(world: World, live_server: str, tmp_path: Path) -> World:
    """The person shares one document with Mme Dupont: she may now deposit."""
    with person_client(live_server, world) as (client, keys):
        photo = png(tmp_path / "cni.png", 300, 200, seed=1)
        doc_id = client.upload(photo, "identite", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, RSA, [doc_id], days=7)
    return world


def deposit_in_page(pro: Page, live_server: str, photo: Path) -> None:
    log_in_professional(pro, live_server)
    pro.get_by_role("button", name="Déposer un document", exact=True).click()
    who = visible_screen(pro, "deposit-person")
    assert_accessible(pro, "deposit-person")
    screenshot(pro, "40-deposit-person")
    expect(who.locator("input[name=person]")).to_have_count(1)
    next_step(pro, "deposit-person", "amina")

    kind = visible_screen(pro, "add-kind")
    expect(pro.locator("#add-kind-for")).to_have_text("Pour le coffre de amina")
    describe_document(kind, "domicile", "Attestation de domiciliation")
    assert_accessible(pro, "deposit-kind")
    kind.get_by_role("button", name="Suivant").click()

    visible_screen(pro, "add-pages")
    expect(pro.locator("#add-pages-for")).to_have_text("Pour le coffre de amina")
    pick_pages(pro, [photo])
    assert_accessible(pro, "deposit-pages")
    screenshot(pro, "41-deposit-pages")
    pro.get_by_role("button", name="Déposer le document").click()

    visible_screen(pro, "shared")
    expect(pro.locator("#status")).to_have_text(
        "C'est fait : le document est dans le coffre de amina. Vous ne pourrez pas le rouvrir."
    )


def test_a_professional_deposits_a_document_the_person_sees_its_verified_origin(
    linked: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    tmp_path: Path,
    api: TestClient,
) -> None:
    world = linked
    pro = second_phone.new_page()
    pro_problems = PageProblems(pro)
    photo = png(tmp_path / "attestation.png", 500, 700, seed=3)
    deposit_in_page(pro, live_server, photo)
    assert pro_problems.items == []

    # -- the person sees who deposited it, and checks the signature ----------------------
    log_in_person(page, live_server, world)
    item = document_button(page, "Attestation de domiciliation.jpg")
    expect(item).to_contain_text("Déposé par Mme Dupont (CCAS de Clermont-Ferrand)")
    assert_accessible(page, "documents-with-deposit")
    item.click()
    visible_screen(page, "document")
    expect(page.locator("#doc-origin-who")).to_have_text(
        "Déposé par Mme Dupont (CCAS de Clermont-Ferrand)"
    )
    # No territory key compared yet on this phone: the person is asked to.
    expect(page.locator("#doc-origin-check")).to_have_text(
        "Pour savoir d'où vient ce document, vérifiez d'abord le code de votre territoire."
    )
    assert_accessible(page, "deposit-check-first")
    page.get_by_role("button", name="Vérifier d'où vient ce document").click()
    visible_screen(page, "share-trust")
    expect(page.locator("#share-trust-fingerprint")).to_have_text(root_pin(world.admin))
    check_territory_key(page)
    visible_screen(page, "document")
    expect(page.locator("#doc-origin-check")).to_have_text(CHECKED, timeout=30_000)
    expect(page.locator("#doc-preview img")).to_be_visible()
    assert_accessible(page, "deposit-verified")
    screenshot(page, "42-deposit-verified")

    # -- what the person holds is what was deposited; the depositor cannot read it -------
    with person_client(live_server, world) as (client, keys):
        docs = client.call("GET", "/documents").json()["documents"]
        [deposited] = [d for d in docs if d["deposit"]]
        assert deposited["category"] == "domicile"
        # The page deposits in format v2 (SPEC §24.3): the deposit is the binding.
        statement = deposited["deposit"]["envelope"]["statement"]
        assert (statement["v"], statement["type"]) == (2, "coffre/deposit")
        assert deposited["format"] == 2
        assert deposited["binding"] is not None
        assert statement["depositor"] == world.professional.account_id
        assert statement["owner"] == world.person.account_id
        assert statement["document"] == deposited["id"]
        assert statement["ciphertext_sha256"] == deposited["ciphertext_sha256"]
        target = tmp_path / "back.jpg"
        client.download(deposited["id"], target, keys)
    assert target.read_bytes()[:3] == b"\xff\xd8\xff"  # the page re-encoded the photo as JPEG
    seen = api.get(f"/api/v1/documents/{deposited['id']}", headers=world.professional.headers)
    assert seen.status_code == 404


def test_with_another_territory_key_pinned_the_deposit_is_not_called_verified(
    linked: World,
    page: Page,
    second_phone: BrowserContext,
    live_server: str,
    tmp_path: Path,
) -> None:
    world = linked
    pro = second_phone.new_page()
    deposit_in_page(pro, live_server, png(tmp_path / "attestation.png", 300, 400, seed=2))

    log_in_person(page, live_server, world)
    pin_root(page, OTHER_ROOT)
    open_document(page, "Attestation de domiciliation.jpg")
    expect(page.locator("#doc-origin-check")).to_have_text(
        "Le code de votre territoire a changé depuis votre vérification. On ne peut pas "
        "vérifier d'où vient ce document. Prévenez la personne responsable de la charte."
    )
    expect(page.locator("#doc-origin-check")).to_have_class("warning")
    expect(page.get_by_role("button", name="Vérifier d'où vient ce document")).to_be_hidden()
    assert_accessible(page, "deposit-warning")
    screenshot(page, "43-deposit-warning")
