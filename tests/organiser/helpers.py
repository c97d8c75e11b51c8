"""What the person's page does for the organiser, in Python (crypto/organiser.py)."""

from __future__ import annotations

import secrets
from typing import Any

from crypto import b64encode, organiser
from tests.factories import Person

CONTACT: dict[str, Any] = {
    "v": 1,
    "kind": "contact",
    "name": "Mme Dupont",
    "relation": "professional",
    "phone": "04 73 00 00 00",
    "email": "",
    "structure": "CCAS",
    "note": "Le mardi matin",
}
APPOINTMENT: dict[str, Any] = {
    "v": 1,
    "kind": "appointment",
    "starts_at": "2027-03-02T08:30:00Z",
    "ends_at": "2027-03-02T09:00:00Z",
    "place": "Mission locale, 12 rue Blatin",
    "with_whom": "M. Martin",
    "note": "Apporter la pièce d'identité",
    "reminder_id": None,
}


def sealed_item(person: Person, owner_id: str, item_id: str, item: dict[str, Any]) -> bytes:
    return organiser.seal_item(
        item,
        owner_id=owner_id,
        item_id=item_id,
        box_public=person.keys.box_public,
        sign_seed=person.keys.sign_seed,
    )


def new_body(person: Person, owner_id: str, item: dict[str, Any]) -> dict[str, Any]:
    item_id = secrets.token_hex(16)
    return {"id": item_id, "ciphertext": b64encode(sealed_item(person, owner_id, item_id, item))}


def opened(person: Person, owner_id: str, body: dict[str, Any]) -> dict[str, Any]:
    from crypto import b64decode

    return organiser.open_item(
        b64decode(body["ciphertext"]),
        owner_id=owner_id,
        item_id=body["id"],
        sign_public=person.keys.sign_public,
        box_public=person.keys.box_public,
        box_secret=person.keys.box_secret,
    )
