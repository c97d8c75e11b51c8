"""Certificates with a life, in the person's page at 360 px (issue 17; crypto/SPEC.md
§26.4, §26.5; web/static/js/trust-v2.js, grant-send.js, person-held.js).

The territory moves to v2 certificates (the root certifies the structure admin, who
certifies Mme Dupont; the root signs the revocation list). Then, in the page: a share
to a professional revoked while the person was choosing is refused at the last step,
nothing sent; a share to an expired professional is refused; a root rotated by the old
key is accepted and shown to the person in plain words, the pin updated; a root the
pinned one does not lead to is refused with a warning, nothing sealed; "Mes partages"
says which shares a professional whose access was withdrawn can no longer open.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, Request, expect

import crypto
from client.network import (
    publish_root_v2,
    revoke,
    rotate_root,
    sign_revocations,
)
from coffre.accounts.models import Account
from coffre.clock import FrozenClock
from coffre.structures.models import Membership, TrustRootV2
from crypto.certificates_v2 import certificate_statement_v2, root_statement_v2
from crypto.pins import pin_spoken
from crypto.root_rotation import root_rotation_statement
from crypto.statements_v2 import sign_statement_v2, statement_id
from tests.consent.world import RSA
from tests.structures.world import TERRITORY, World, go_v2, member_row
from tests.web.conftest import assert_accessible, png
from tests.web.journeys import (
    PIN_KEY,
    add_identity_card,
    confirm_share,
    go,
    log_in_person,
    log_in_professional,
    my_shares,
    next_step,
    person_client,
    pin_root,
    root_pin,
    share,
    start_sharing,
    visible_screen,
)

REVOKED = "n'a plus accès au coffre. Sa structure ou le territoire le lui a retiré"
EXPIRED = "est fini. Sa structure ne l'a pas encore renouvelé"
UNCHAINED = "ce changement n'est pas validé"
ROTATED = "Le code de votre territoire a changé"
# The person's screens about a professional say what it means, never these words.
TECHNICAL = ("clé", "certificat", "empreinte")


def _v2_territory(api: TestClient, world: World, clock: FrozenClock, days: int = 365) -> None:
    publish_root_v2(world.admin.client(api), world.admin.keys, TERRITORY, clock.now())
    go_v2(api, world, clock.now(), days=days)


def _choose_share(page: Page, tmp_path: Path) -> None:
    """The person picks the identity card, the purpose, Mme Dupont and a week."""
    add_identity_card(page, tmp_path)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")


def _grant_posts(page: Page) -> list[str]:
    """Every POST /grants the page makes from now on."""
    posts: list[str] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/v1/grants"):
            posts.append(request.url)

    page.on("request", seen)
    return posts


def _grants(api: TestClient, world: World) -> list[dict[str, Any]]:
    grants: list[dict[str, Any]] = world.person.client(api).call("GET", "/grants").json()["grants"]
    return grants


def _plain(text: str) -> None:
    for word in TECHNICAL:
        assert word not in text.lower(), (word, text)


def test_a_professional_revoked_while_the_person_chooses_is_refused_nothing_sent(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    _choose_share(page, tmp_path)
    confirm = visible_screen(page, "share-confirm")
    # Mme Dupont's phone is stolen: her structure revokes her, the root signs the list.
    member = member_row(api, world.structure_admin, world.structure_id, world.professional)
    revoke(world.structure_admin.client(api), member["membership_id"], "device_stolen")
    sign_revocations(world.admin.client(api), world.admin.keys, now=clock.now())
    posts = _grant_posts(page)
    confirm.get_by_role("button", name="Oui, partager").click()
    error = page.locator("#share-confirm-error")
    expect(error).to_contain_text(REVOKED)
    expect(error).to_contain_text("rien n'a été partagé")
    _plain(error.inner_text())
    assert posts == [] and _grants(api, world) == []
    assert_accessible(page, "share refused, professional revoked")
    # The list's sequence is kept on the device (SPEC §26.4 min_sequence).
    listing = world.person.client(api).call("GET", "/trust/revocations").json()
    assert page.evaluate("localStorage.getItem('coffre.revocationSequence')") == str(
        listing["sequence"]
    )


def test_a_share_to_an_expired_professional_is_refused(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock, days=1)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    add_identity_card(page, tmp_path)
    # Two days later on the person's device: Mme Dupont's certificate ended yesterday
    # (the list, valid 31 days, still is).
    page.clock.set_fixed_time(clock.now() + timedelta(days=2))
    posts = _grant_posts(page)
    start_sharing(page, "Carte d'identité.jpg")
    next_step(page, "share-purpose", "Ouverture de droits au RSA")
    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    stop = visible_screen(page, "share-stop")
    expect(stop.locator("#share-stop-text")).to_contain_text(EXPIRED)
    _plain(stop.locator("#share-stop-text").inner_text())
    assert posts == [] and _grants(api, world) == []
    assert_accessible(page, "share refused, professional expired")


def test_a_root_rotated_by_the_old_key_is_shown_to_the_person_and_pinned(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock)
    new_root = crypto.generate_account_keys()
    rotate_root(world.admin.client(api), world.admin.keys, new_root, now=clock.now())
    go_v2(api, world, clock.now(), root_keys=new_root)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))  # the person checked the old root
    _choose_share(page, tmp_path)
    rotated = visible_screen(page, "trust-rotated")
    expect(rotated.get_by_role("heading")).to_have_text(ROTATED)
    expect(rotated).to_contain_text("Vous n'avez rien à faire")
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == pin_spoken(new_root.sign_public)
    assert page.evaluate("localStorage.getItem('coffre.rotationSequence')") == "1"
    assert_accessible(page, "root rotated")
    rotated.get_by_role("button", name="Continuer").click()
    visible_screen(page, "share-confirm")
    confirm_share(page)
    [grant] = _grants(api, world)
    assert grant["professional_id"] == world.professional.account_id


def test_a_root_the_pinned_one_does_not_lead_to_is_refused_nothing_sealed(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock)
    # A hostile server serves a "rotation" signed by a key of its own, not the root's.
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    intruder = crypto.generate_account_keys()
    chain = world.admin.client(api).call("GET", "/trust/root/v2").json()
    forged_statement = root_statement_v2(
        territory=TERRITORY,
        box_public=intruder.box_public,
        sign_public=intruder.sign_public,
        issued_at=clock.now(),
    )
    forged_root = sign_statement_v2(forged_statement, intruder.sign_seed)
    rotation = root_rotation_statement(
        previous_root=chain["root"]["statement"],
        next_root=forged_statement,
        sequence=1,
        issued_at=clock.now(),
    )
    link = {"rotation": sign_statement_v2(rotation, intruder.sign_seed), "root": forged_root}
    with coffre.db.unit_of_work() as db:
        db.add(
            TrustRootV2(
                sequence=1,
                territory=TERRITORY,
                root=json.dumps(forged_root),
                link=json.dumps(link),
                sign_public_key=intruder.sign_public,
                created_at=clock.now(),
            )
        )
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    posts = _grant_posts(page)
    _choose_share(page, tmp_path)
    stop = visible_screen(page, "share-stop")
    expect(stop.locator("#share-stop-text")).to_contain_text(UNCHAINED)
    expect(stop.locator("#share-stop-text")).to_contain_text("Ne confiez rien")
    # The pin is kept: the person is never moved onto a root the old one did not sign.
    assert page.evaluate(f"localStorage.getItem('{PIN_KEY}')") == root_pin(world.admin)
    assert posts == [] and _grants(api, world) == []
    assert_accessible(page, "root unchained")


def test_my_shares_say_which_professional_no_longer_has_access(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    _choose_share(page, tmp_path)
    confirm_share(page)
    member = member_row(api, world.structure_admin, world.structure_id, world.professional)
    revoke(world.structure_admin.client(api), member["membership_id"], "left")
    sign_revocations(world.admin.client(api), world.admin.keys, now=clock.now())
    go(page, "Documents")
    shares = my_shares(page)
    notice = shares.locator("#grant-held li")
    expect(notice).to_have_count(1)
    expect(notice.get_by_role("heading")).to_contain_text("Mme Dupont")
    expect(notice.get_by_role("heading")).to_contain_text("n'a plus accès au coffre")
    expect(notice).to_contain_text("ne peut plus ouvrir ce que vous lui aviez partagé")
    _plain(notice.inner_text())
    assert_accessible(page, "my shares, access withdrawn")
    notice.get_by_role("button", name="Arrêter ce partage").click()
    expect(page.locator("#grant-held")).to_have_count(0)
    [grant] = _grants(api, world)
    assert grant["state"] == "revoked"
    # The notification says it too, in plain words, and where to look.
    told = go(page, "Historique").locator("#notification-list")
    expect(told).to_contain_text("a perdu son accès au coffre. Cela touche 1 partage(s)")
    _plain(told.inner_text())


def _rotate_professional_keys(api: TestClient, world: World, clock: FrozenClock) -> Any:
    """Mme Dupont's key rotation as the server will record it (issue 17; the server
    path is helper D's): her old certificate revoked ("key_rotated"), her account's new
    keys, a new membership certified by her structure admin over them (v2)."""
    member = member_row(api, world.structure_admin, world.structure_id, world.professional)
    revoke(world.structure_admin.client(api), member["membership_id"], "key_rotated")
    sign_revocations(world.admin.client(api), world.admin.keys, now=clock.now())
    new_keys = crypto.generate_account_keys()
    now = clock.now()
    statement = certificate_statement_v2(
        territory=TERRITORY,
        subject=world.professional.account_id,
        role="professional",
        structure=world.structure_id,
        display_name=member["display_name"],
        profession=member["profession"],
        box_public=new_keys.box_public,
        sign_public=new_keys.sign_public,
        issuer=world.structure_admin.account_id,
        issued_at=now,
        not_after=now + timedelta(days=365),
    )
    envelope = sign_statement_v2(statement, world.structure_admin.keys.sign_seed)
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        account = db.get(Account, world.professional.account_id)
        account.box_public_key = new_keys.box_public
        account.sign_public_key = new_keys.sign_public
        old = db.get(Membership, member["membership_id"])
        old.left_at = now
        db.add(
            Membership(
                id=uuid.uuid4().hex,
                structure_id=world.structure_id,
                account_id=world.professional.account_id,
                role="professional",
                joined_at=now,
                certificate=json.dumps(envelope),
                certified_by=world.structure_admin.account_id,
                certified_at=now + timedelta(seconds=1),
                not_after=now + timedelta(days=365),
                certificate_id=statement_id(statement),
            )
        )
    return new_keys


def test_after_a_professional_s_key_rotation_the_person_is_asked_to_share_again(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    _choose_share(page, tmp_path)
    confirm_share(page)
    [old] = _grants(api, world)
    clock.advance(seconds=60)  # a minute later, Mme Dupont gets new keys
    _rotate_professional_keys(api, world, clock)
    go(page, "Documents")
    shares = my_shares(page)
    prompt = shares.locator("#grant-held li")
    expect(prompt).to_have_count(1)
    expect(prompt.get_by_role("heading")).to_contain_text("Mme Dupont")
    expect(prompt.get_by_role("heading")).to_contain_text("a un nouvel accès au coffre")
    expect(prompt).to_contain_text("partagez-le à nouveau")
    _plain(prompt.inner_text())
    assert_accessible(page, "my shares, share again after a key rotation")
    prompt.get_by_role("button", name="Partager à nouveau").click()
    expect(page.locator("#status")).to_contain_text("peut de nouveau voir")
    expect(page.locator("#grant-held")).to_have_count(0)
    grants = {g["id"]: g for g in _grants(api, world)}
    assert grants[old["id"]]["state"] == "revoked"
    [new] = [g for g in grants.values() if g["id"] != old["id"]]
    assert new["state"] == "active" and new["not_after"] == old["not_after"]
    assert [d["id"] for d in new["documents"]] == [d["id"] for d in old["documents"]]


def test_a_professional_whose_certificate_ended_cannot_deposit_nothing_sent(
    api: TestClient, world: World, clock: FrozenClock, page: Page, live_server: str, tmp_path: Path
) -> None:
    _v2_territory(api, world, clock, days=1)
    with person_client(live_server, world) as (client, keys):
        photo = png(tmp_path / "cni.png", 300, 200, seed=1)
        doc_id = client.upload(photo, "identite", box_public_key=keys.box_public, keys=keys)
        share(client, keys, world, RSA, [doc_id], days=7)
    log_in_professional(page, live_server)
    # Two days later on her device: her certificate (one day) has ended.
    page.clock.set_fixed_time(clock.now() + timedelta(days=2))
    deposits: list[str] = []
    page.on(
        "request",
        lambda r: deposits.append(r.url) if r.method == "POST" and "/deposits" in r.url else None,
    )
    page.get_by_role("button", name="Déposer un document", exact=True).click()
    next_step(page, "deposit-person", "amina")
    error = page.locator("#deposit-person-error")
    expect(error).to_contain_text("Votre certificat a pris fin")
    expect(error).to_contain_text("Rien n'a été envoyé")
    visible_screen(page, "deposit-person")
    assert_accessible(page, "deposit refused, own certificate ended")
    assert deposits == []
