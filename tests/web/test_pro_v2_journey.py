"""Format v2 at the professional's page, in a phone-sized browser against the real server.

The person's vault is v2 (the Python client binds and shares, SPEC §24); Mme Dupont
opens what is shared with her in the page: the receipt is checked under the person's
key, which her page remembers; she compares the person's spoken pin (SPEC §25.3) with
the one the person's phone shows; a document whose stream or binding the server
swapped is refused with a plain message and nothing shown; a person's key the server
changed stops everything until the new pin is compared; her deposit is a v2 deposit
(SPEC §24.3) that opens for the person under her certified key.

The hostile server is played by writing to its database and object store directly.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nacl.signing import SigningKey
from playwright.sync_api import Page, expect

from client import CoffreClient, consent
from coffre.accounts.models import Account
from coffre.consent.models import Grant
from coffre.vault.models import Document
from crypto.binding import open_document
from crypto.pins import pin_spoken
from crypto.statements_v2 import sign_statement_v2
from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    OTHER_ROOT,
    PRO_LOGIN,
    PRO_PASSPHRASE,
    describe_document,
    log_in_professional,
    person_client,
    pick_pages,
    pin_root,
    share,
    visible_screen,
)

UNCOMPARED = "Code de vérification de amina : pas encore comparé."
COMPARED = "Code de vérification de amina : comparé, c'est le bon."
ASK = "Demandez à la personne d'ouvrir « Mon code de vérification » sur son téléphone et comparez."
MATCHED = "C'est le même code : la clé de amina est vérifiée."
MISMATCH = (
    "Ce n'est pas le même code. N'ouvrez pas les documents de cette personne et prévenez "
    "votre structure : sa clé a peut-être été remplacée."
)
INVALID = (
    "Ce code est incomplet ou contient une faute de frappe : il a 27 lettres et chiffres. "
    "Relisez-le avec la personne."
)
REFUSED = (
    "Ce document n'est pas celui que la personne a partagé : il a été modifié ou remplacé. "
    "Il n'est pas affiché. Prévenez la personne et votre structure."
)
CHANGED = (
    "Attention : la clé de amina n'est plus celle que vous connaissiez. Rien ne s'ouvre "
    "tant que vous n'avez pas comparé son nouveau code de vérification avec celui de son "
    "téléphone."
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class V2Share:
    grant: dict[str, Any]
    documents: dict[str, str]  # name → id
    person_sign_public: bytes


@pytest.fixture
def v2_share(world: World, live_server: str, tmp_path: Path) -> V2Share:
    """The person's vault turns v2; two photos, shared with Mme Dupont in one v2 receipt."""
    with person_client(live_server, world) as (client, keys):
        client.migrate_to_v2(keys)
        assert client.crypto_format(refresh=True) == 2
        documents = {
            name: client.upload(
                png(tmp_path / f"{name}.png", 300, 200, seed), "identite", keys=keys
            )
            for seed, name in enumerate(["cni", "passeport"], start=1)
        }
        grant = share(client, keys, world, RSA, list(documents.values()), days=7)
        return V2Share(grant, documents, keys.sign_public)


def remembered(page: Page, world: World) -> Any:
    name = f"coffre.v2.personKeys.{world.professional.account_id}"
    return page.evaluate(f"JSON.parse(localStorage.getItem('{name}'))")


def pulls(api: TestClient, grant_id: str) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        row = db.get(Grant, grant_id)
        assert row is not None
        return int(row.pulls)


def test_a_v2_share_opens_after_the_professional_compares_the_persons_pin(
    world: World, v2_share: V2Share, page: Page, live_server: str
) -> None:
    log_in_professional(page, live_server)
    card = page.locator('[data-screen="shared"] .card')
    expect(card).to_contain_text("Partagé par amina")
    expect(card).to_contain_text(UNCOMPARED)
    # Trusted on first use: the key that signed the receipt, remembered for this person.
    assert remembered(page, world) == {
        world.person.account_id: {"key": b64(v2_share.person_sign_public), "verified": False}
    }
    assert_accessible(page, "v2-shared")
    page.get_by_role("button", name="Comparer le code de amina").click()

    screen = visible_screen(page, "person-pin")
    expect(screen.get_by_role("heading")).to_have_text("Le code de vérification de amina")
    expect(screen).to_contain_text(ASK)
    pin = pin_spoken(v2_share.person_sign_public)
    expect(page.locator("#person-pin-code")).to_have_text(pin)
    assert_accessible(page, "person-pin")
    screenshot(page, "60-person-pin")
    typed = screen.get_by_label("Le code que la personne lit sur son téléphone")

    # Another key's pin: a plain warning, and the key is not marked verified.
    typed.fill(pin_spoken(bytes(range(32))))
    screen.get_by_role("button", name="Comparer").click()
    expect(page.locator("#person-pin-error")).to_have_text(MISMATCH)
    assert_accessible(page, "person-pin-mismatch")
    screenshot(page, "61-person-pin-mismatch")
    assert remembered(page, world)[world.person.account_id]["verified"] is False
    # A typing error the check character catches.
    typed.fill(pin[:-1] + ("A" if pin[-1] != "A" else "B"))
    screen.get_by_role("button", name="Comparer").click()
    expect(page.locator("#person-pin-error")).to_have_text(INVALID)

    # The same code, typed as people type it (small letters, no spaces).
    typed.fill(pin.lower().replace(" ", ""))
    screen.get_by_role("button", name="Comparer").click()
    visible_screen(page, "shared")
    expect(page.locator("#status")).to_have_text(MATCHED)
    expect(card).to_contain_text(COMPARED)
    assert remembered(page, world)[world.person.account_id]["verified"] is True

    page.get_by_role("button", name="Ouvrir « cni »").click()
    visible_screen(page, "shared-document")
    expect(page.locator("#shared-doc-mark")).to_contain_text("Copie transmise à Mme Dupont")
    expect(page.locator("#shared-doc-preview .pdf-view canvas").first).to_be_visible()
    assert_accessible(page, "v2-shared-document")


def swap(api: TestClient, share: V2Share, part: str) -> None:
    """The server gives "cni" the stream (or the binding) of "passeport"."""
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        target = db.get(Document, share.documents["cni"])
        source = db.get(Document, share.documents["passeport"])
        assert target is not None and source is not None and source.object_key
        if part == "stream":
            other = list(coffre.store.open_stream(source.object_key))
            coffre.store.put_stream(target.object_key, iter(other))
            target.ciphertext_size = source.ciphertext_size
            target.ciphertext_sha256 = source.ciphertext_sha256
        else:
            target.binding = source.binding


@pytest.mark.parametrize("part", ["stream", "binding"])
def test_a_document_the_server_swapped_is_refused_and_nothing_of_it_is_shown(
    world: World, v2_share: V2Share, page: Page, live_server: str, api: TestClient, part: str
) -> None:
    swap(api, v2_share, part)
    log_in_professional(page, live_server)
    with page.expect_response(re.compile(f"/documents/{v2_share.documents['cni']}/pull")):
        page.get_by_role("button", name="Ouvrir « cni »").click()
    expect(page.locator("#shared-error")).to_have_text(REFUSED)
    assert page.locator('[data-screen="shared-document"]').is_hidden()
    expect(page.locator("#shared-doc-preview")).to_be_empty()
    assert page.evaluate("document.querySelectorAll('iframe, img, a[href^=blob]').length") == 0
    assert_accessible(page, f"v2-refused-{part}")
    screenshot(page, f"62-v2-refused-{part}")
    # The other document, untouched, still opens.
    page.get_by_role("button", name="Ouvrir « passeport »").click()
    visible_screen(page, "shared-document")


def test_a_person_key_the_server_changed_opens_nothing_until_the_new_pin_is_compared(
    world: World, v2_share: V2Share, page: Page, live_server: str, api: TestClient
) -> None:
    # First visit: the person's key is remembered.
    log_in_professional(page, live_server)
    expect(page.locator('[data-screen="shared"] .card')).to_contain_text(UNCOMPARED)

    # The server swaps the person's key for one of its own and signs the receipt with it.
    forged = SigningKey.generate()
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        grant = db.get(Grant, v2_share.grant["id"])
        person = db.get(Account, world.person.account_id)
        assert grant is not None and person is not None
        statement = json.loads(grant.receipt)["statement"]
        grant.receipt = json.dumps(sign_statement_v2(statement, bytes(forged)))
        person.sign_public_key = bytes(forged.verify_key)

    page.get_by_role("button", name="Partagés avec moi").click()
    card = page.locator('[data-screen="shared"] .card')
    expect(card.locator(".warning")).to_have_text(CHANGED)
    for button in card.locator(".docs button").all():
        expect(button).to_be_disabled()
    assert_accessible(page, "v2-key-changed")
    screenshot(page, "63-v2-key-changed")

    page.get_by_role("button", name="Comparer le code de amina").click()
    screen = visible_screen(page, "person-pin")
    expect(page.locator("#person-pin-changed")).to_have_text(CHANGED)
    expect(page.locator("#person-pin-code")).to_have_text(pin_spoken(bytes(forged.verify_key)))
    # The person's phone shows the person's real key: not the same code.
    screen.get_by_label("Le code que la personne lit sur son téléphone").fill(
        pin_spoken(v2_share.person_sign_public)
    )
    screen.get_by_role("button", name="Comparer").click()
    expect(page.locator("#person-pin-error")).to_have_text(MISMATCH)
    assert_accessible(page, "v2-key-changed-pin")
    # Still the key of the first visit; nothing was pulled.
    assert remembered(page, world)[world.person.account_id]["key"] == b64(
        v2_share.person_sign_public
    )
    assert pulls(api, v2_share.grant["id"]) == 0


def deposit_in_page(page: Page, tmp_path: Path) -> None:
    """Mme Dupont, logged in, deposits an attestation (one photo) into amina's vault."""
    # From amina's card ("Déposer un document pour amina"): her vault is the target.
    expect(page.locator('[data-screen="shared"] .card')).to_contain_text("Partagé par amina")
    page.get_by_role("button", name="Déposer un document pour amina").click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "domicile", "Attestation de domiciliation")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [png(tmp_path / "attestation.png", 400, 500, seed=3)])
    page.get_by_role("button", name="Déposer le document").click()
    visible_screen(page, "shared")
    expect(page.locator("#status")).to_have_text(
        "C'est fait : le document est dans le coffre de amina. Vous ne pourrez pas le rouvrir."
    )


def test_a_deposit_from_the_professionals_page_is_a_v2_deposit_that_opens_for_the_person(
    world: World, v2_share: V2Share, page: Page, live_server: str, tmp_path: Path
) -> None:
    log_in_professional(page, live_server)
    deposit_in_page(page, tmp_path)

    # The person's side, through the Python reference (SPEC §24.4 for a deposit): the
    # deposit envelope, signed by Mme Dupont's key, binds the stream, metadata and key.
    with person_client(live_server, world) as (client, keys):
        docs = client.call("GET", "/documents").json()["documents"]
        [deposited] = [d for d in docs if d["id"] not in v2_share.documents.values()]
        assert deposited["format"] == 2
        assert deposited["version"] == 1
        envelope = json.loads(deposited["binding"])
        assert envelope["statement"]["type"] == "coffre/deposit"
        assert envelope["statement"]["depositor"] == world.professional.account_id
        pro_keys = client.call("GET", f"/professionals/{world.professional.account_id}/keys")
        signer = base64.urlsafe_b64decode(pro_keys.json()["sign_public_key"] + "==")
        assert deposited["binding_signer"] == b64(signer)
        stream = client.call("GET", f"/documents/{deposited['id']}/content").content
        opened = open_document(
            envelope=envelope,
            signer=signer,
            document=deposited["id"],
            owner=world.person.account_id,
            min_version=1,
            sealed_key=base64.urlsafe_b64decode(deposited["sealed_key"] + "=="),
            box_public=keys.box_public,
            box_secret=keys.box_secret,
            metadata_blob=base64.urlsafe_b64decode(deposited["encrypted_metadata"] + "=="),
            stream=stream,
        )
    assert opened.metadata.name == "Attestation de domiciliation.jpg"
    assert opened.plaintext[:3] == b"\xff\xd8\xff"


def test_a_receipt_the_server_altered_opens_nothing(
    world: World, v2_share: V2Share, page: Page, live_server: str, api: TestClient
) -> None:
    # The server gives the professional more than the person signed: unlimited pulls
    # became 100, for longer. The signature no longer verifies.
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        grant = db.get(Grant, v2_share.grant["id"])
        assert grant is not None
        envelope = json.loads(grant.receipt)
        envelope["statement"]["max_pulls"] = 100
        grant.receipt = json.dumps(envelope)
    log_in_professional(page, live_server)
    card = page.locator('[data-screen="shared"] .card')
    expect(card.locator(".warning")).to_have_text(
        "Le reçu que la personne a signé pour ce partage n'est pas valable : ses documents "
        "ne s'ouvrent pas. Prévenez votre structure."
    )
    for button in card.locator(".docs button").all():
        expect(button).to_be_disabled()
    # Nothing is remembered from a receipt that does not verify.
    assert remembered(page, world) is None
    assert_accessible(page, "v2-receipt-refused")
    assert pulls(api, v2_share.grant["id"]) == 0


def test_a_v2_deposit_the_person_shares_back_opens_under_the_depositors_certified_key(
    world: World, v2_share: V2Share, page: Page, live_server: str, tmp_path: Path
) -> None:
    # Mme Dupont deposits (her Python client, format v2); amina shares it back with her.
    photo = png(tmp_path / "attestation.png", 400, 500, seed=3).read_bytes()
    with CoffreClient(live_server) as pro_client:
        pro_keys = pro_client.login(PRO_LOGIN, PRO_PASSPHRASE).keys
        deposited = consent.deposit(
            pro_client,
            pro_keys,
            depositor_id=world.professional.account_id,
            structure_id=world.structure_id,
            person_id=world.person.account_id,
            category="domicile",
            name="Attestation de domiciliation.png",
            mime="image/png",
            content=photo,
            crypto_format=2,
        )
    with person_client(live_server, world) as (client, keys):
        share(client, keys, world, RSA, [str(deposited["id"])], days=7)
    log_in_professional(page, live_server)
    # Its binding is the deposit, signed by Mme Dupont, whose keys the page checks up
    # to the territory's root before it opens anything.
    page.get_by_role("button", name="Ouvrir « Attestation de domiciliation »").click()
    visible_screen(page, "shared-document")
    expect(page.locator("#shared-doc-title")).to_have_text("Attestation de domiciliation")
    expect(page.locator("#shared-doc-preview .pdf-view canvas").first).to_be_visible()
    # On a browser that confirmed another territory root, her chain does not verify:
    # the deposit is refused, nothing shown.
    pin_root(page, OTHER_ROOT)
    page.get_by_role("button", name="Partagés avec moi").click()
    page.get_by_role("button", name="Ouvrir « Attestation de domiciliation »").click()
    expect(page.locator("#shared-error")).to_have_text(REFUSED)
    expect(page.locator("#shared-doc-preview")).to_be_empty()
