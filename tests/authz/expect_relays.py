"""Expectations: relays between structures (docs/NETWORK.md "Relais", coffre/relays/).

``prepare`` sets the scene: an association (kind ``association``) joins the territory,
its certified admin (not a role of the matrix) becomes the orienting professional, the
person shares with them, and a charter version 2 lets an association orient to a CCAS
for the RSA. The target is the scene's own CCAS (one of its services in the
directory), so its certified members (``pro_active``, ``pro_revoked``, ``pro_expired``,
``pro_none``, ``structure_admin``) are the receiving structure: they see a relay only
once the person agreed. Nobody of the scene is the person's référent by then
(expect_referents ends the link). A refusal is ``relay_not_found``, as an unknown id.
"""

from __future__ import annotations

from typing import Any

from client import consent
from client import relays as relay_client
from crypto import b64encode
from crypto.relay_note import new_note_key, seal_note
from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene
from tests.consent.world import consent_charter
from tests.structures.world import TERRITORY, certify_member, invite, join, material, pinned_root

NOT_ALLOWED = (403, "not_allowed")
NO_RELAY = (404, "relay_not_found")
NO_PERSON = (404, "person_not_found")
OUTSIDE = (422, "relay_outside_charter")
FAKE_KEY = b64encode(b"\x07" * 80)

RELAIS = """
[[structures]]
identifiant = "{association}"
nom = "Association Relais 63"
adhesion = 2026-01-01

[relais]
finalites = ["ouverture-droits-rsa"]
rappel_apres_jours = 10
expire_apres_jours = 30

[[relais.orientations]]
de = ["association"]
vers = ["ccas"]
"""


def prepare(scene: Scene) -> None:
    api, ids = scene.api, scene.ids
    admin = scene.who["territory_admin"]
    admitted = api.post(
        "/api/v1/structures",
        json={
            "name": "Association Relais 63",
            "kind": "association",
            "address": "3 rue Fontgiève, 63000 Clermont-Ferrand",
            "territory": TERRITORY,
        },
        headers=admin.headers,
    )
    assert admitted.status_code == 201, admitted.text
    association = str(admitted.json()["id"])
    orienting = join(
        api,
        invite(api, admin, association, "structure_admin", "Mme Orient"),
        material(45, "orienteur"),
    )
    certify_member(api, admin, association, orienting.account_id)
    charter = consent_charter(
        ids["structure"], version=2, extra=RELAIS.format(association=association)
    )
    published = api.post(
        "/api/v1/charters",
        content=charter.encode(),
        headers={**admin.headers, "Content-Type": "text/plain; charset=utf-8"},
    )
    assert published.status_code == 201, published.text
    person = scene.cw.person
    consent.share(
        person.client(api),
        person.keys,
        person_id=person.account_id,
        professional_id=orienting.account_id,
        pinned_root=pinned_root(scene.cw.world.admin),
        purpose="ouverture-droits-rsa",
        document_ids=[ids["document"]],
        days=30,
        now=scene.clock.now(),
    )

    def proposed() -> str:
        relay = relay_client.propose(
            orienting.client(api),
            orienting.keys,
            author_id=orienting.account_id,
            person_id=person.account_id,
            service_id=ids["service"],
            purpose="ouverture-droits-rsa",
            categories=["identite"],
            text="Besoin : ouverture des droits RSA.",
        )
        return str(relay["id"])

    def agreed() -> str:
        relay_id = proposed()
        relay_client.agree(person.client(api), relay_id, [ids["document"]])
        return relay_id

    ids["relay_proposed"] = proposed()
    ids["relay_agreed"] = agreed()
    taken = agreed()
    relay_client.take(scene.who["pro_active"].client(api), taken)
    ids["relay_taken"] = taken
    ids["return_body"] = _return(scene, taken)
    scene.makers.update(relay_proposed=proposed, relay_agreed=agreed)


def _return(scene: Scene, relay_id: str) -> dict[str, Any]:
    """A return the taker (``pro_active``) signed for the taken relay (SPEC §29)."""
    taker = scene.who["pro_active"]
    relay = relay_client.get(taker.client(scene.api), relay_id)
    envelope = seal_note(
        "Relais pris : rendez-vous fixé.",
        relay_id=relay_id,
        which="return",
        author_id=taker.account_id,
        author_sign_seed=taker.keys.sign_seed,
        note_key=new_note_key(),
    )
    readers = {taker.account_id, relay["person"]["id"], relay["responsible"]["id"]}
    return {
        "note": b64encode(envelope),
        "note_keys": [{"recipient_id": r, "sealed_key": FAKE_KEY} for r in sorted(readers)],
    }


# The certified members of the target structure (the scene's CCAS).
TARGET_MEMBERS = ("pro_active", "pro_revoked", "pro_expired", "pro_none", "structure_admin")


def _members(status: Any) -> dict[str, Any]:
    return dict.fromkeys(TARGET_MEMBERS, status)


CASES = [
    Case(
        "GET",
        "/api/v1/relays",
        expect(
            200,
            territory_admin=NOT_ALLOWED,
            charter_officer=NOT_ALLOWED,
        ),
    ),
    # Orienting: professionals only; a person they do not accompany is not found; for
    # the person's professionals, the scene's service is their own structure's.
    Case(
        "POST",
        "/api/v1/relays",
        expect(
            NOT_ALLOWED,
            pro_none=NO_PERSON,
            structure_admin=NO_PERSON,
            pro_active=OUTSIDE,
            pro_revoked=OUTSIDE,
            pro_expired=OUTSIDE,
        ),
        json={
            "id": "1" * 32,
            "person_id": "{person_id}",
            "service_id": "{service}",
            "purpose": "ouverture-droits-rsa",
            "categories": ["identite"],
            "note": "AQ",
            "note_keys": [],
        },
    ),
    # Before the person agreed: the person only (the orienting one is not a role here).
    Case(
        "GET",
        "/api/v1/relays/{relay_id}",
        expect(NO_RELAY, person=200),
        state="proposed, not agreed",
        ids={"relay_id": "relay_proposed"},
    ),
    Case(
        "GET",
        "/api/v1/relays/{relay_id}",
        expect(NO_RELAY, person=200, **_members(200)),
        state="agreed",
        ids={"relay_id": "relay_agreed"},
    ),
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/agree",
        expect(NO_RELAY, person=200),
        ids={"relay_id": "relay_proposed"},
        json={"document_ids": ["{document}"]},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/refuse",
        expect(NO_RELAY, person=200),
        ids={"relay_id": "relay_proposed"},
        fresh=True,
    ),
    # Taking and declining: a certified member of the target structure, once agreed.
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/take",
        expect(NO_RELAY, **_members(200)),
        state="agreed",
        ids={"relay_id": "relay_agreed"},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/take",
        expect(NO_RELAY),
        state="proposed, not agreed",
        ids={"relay_id": "relay_proposed"},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/decline",
        expect(NO_RELAY, **_members(200)),
        ids={"relay_id": "relay_agreed"},
        json={"reason": "Nous ne couvrons pas ce quartier."},
        fresh=True,
    ),
    # Closing: the person (or the orienting/responsible professional, not a role here).
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/close",
        expect(NO_RELAY, person=200),
        ids={"relay_id": "relay_agreed"},
        json={},
        fresh=True,
    ),
    # A holder of the note key adds a reader: the person (their own key stays as it is).
    Case(
        "PUT",
        "/api/v1/relays/{relay_id}/note-keys",
        expect(NO_RELAY, person=200),
        ids={"relay_id": "relay_agreed"},
        json={"which": "note", "recipient_id": "{person_id}", "sealed_key": FAKE_KEY},
    ),
    # The return: the taker only, once.
    Case(
        "POST",
        "/api/v1/relays/{relay_id}/return",
        expect(NO_RELAY, pro_active=200),
        ids={"relay_id": "relay_taken"},
        json="{return_body}",
    ),
]
