"""Expectations: the person's organiser (docs/ORGANISER.md, SPEC §30). A person keeps
their own items; every other role lists none and is refused creating; an item of the
person answers to nobody else, exactly as an unknown id. The server checks only an
item's shape (version byte, one of §30.3's sizes), so the scene's items are that shape."""

from __future__ import annotations

import secrets

from crypto import b64encode
from crypto.organiser import ITEM_SIZES
from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

ITEM = {"item_id": "organiser_item"}
NOT_FOUND = (404, "organiser_item_not_found")
NOT_ALLOWED = (403, "not_allowed")


def _ciphertext() -> str:
    return b64encode(b"\x01" + secrets.token_bytes(ITEM_SIZES[0] - 1))


def prepare(scene: Scene) -> None:
    person = scene.who["person"]

    def make() -> str:
        item_id = secrets.token_hex(16)
        made = scene.api.post(
            "/api/v1/organiser/items",
            json={"id": item_id, "ciphertext": _ciphertext()},
            headers=person.headers,
        )
        assert made.status_code == 201, made.text
        return item_id

    scene.makers["organiser_item"] = make
    scene.ids["organiser_item"] = make()
    scene.ids["organiser_new_id"] = secrets.token_hex(16)
    scene.ids["organiser_ciphertext"] = _ciphertext()


CASES = [
    Case("GET", "/api/v1/organiser/items", expect(200)),
    Case(
        "POST",
        "/api/v1/organiser/items",
        # Each person keeps their own ids: the same id is new in each organiser.
        expect(NOT_ALLOWED, person=201, other_person=201),
        json={"id": "{organiser_new_id}", "ciphertext": "{organiser_ciphertext}"},
    ),
    Case(
        "PUT",
        "/api/v1/organiser/items/{item_id}",
        expect(NOT_FOUND, person=200),
        ids=ITEM,
        json={"ciphertext": "{organiser_ciphertext}", "version": 1},
        fresh=True,
    ),
    Case(
        "PUT",
        "/api/v1/organiser/items/{item_id}",
        expect(NOT_FOUND, person=(409, "organiser_item_version_conflict")),
        state="changed since it was read",
        ids=ITEM,
        json={"ciphertext": "{organiser_ciphertext}", "version": 7},
        fresh=True,
    ),
    Case(
        "DELETE",
        "/api/v1/organiser/items/{item_id}",
        expect(NOT_FOUND, person=204),
        ids=ITEM,
        fresh=True,
    ),
]
