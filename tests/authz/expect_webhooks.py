"""Expectations: a structure's webhooks (docs/WEBHOOKS.md). Only the structure's own
admin registers, lists and deletes its endpoints, reads their delivery log and
replays a delivery; anyone else is answered as for an unknown structure
(``webhook_not_found``), the same body as a missing id."""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene
from tests.webhooks.world import one_delivery

NOT_FOUND = (404, "webhook_not_found")
BASE = "/api/v1/structures/{structure_id}/webhooks"
ENDPOINT = {"structure_id": "structure", "webhook_id": "webhook"}


def prepare(scene: Scene) -> None:
    """An endpoint of the scene's structure and one delivery of it."""
    admin = scene.headers("structure_admin")
    structure = scene.ids["structure"]

    def make() -> str:
        made = scene.api.post(
            BASE.replace("{structure_id}", structure),
            json={"url": "https://partner.example/coffre", "events": ["grant.created"]},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    scene.ids["webhook"] = make()
    # One to delete (not one per role: a structure has at most
    # COFFRE_WEBHOOKS_PER_STRUCTURE endpoints; the roles after the admin get 404).
    scene.ids["webhook_to_delete"] = make()
    scene.ids["webhook_delivery"] = one_delivery(scene.api, structure, scene.ids["webhook"])


CASES = [
    Case("GET", BASE, expect(NOT_FOUND, structure_admin=200), ids={"structure_id": "structure"}),
    Case(
        "POST",
        BASE,
        expect(NOT_FOUND, structure_admin=201),
        ids={"structure_id": "structure"},
        json={"url": "https://partner.example/autre", "events": ["relay.arrived"]},
    ),
    Case(
        "DELETE",
        BASE + "/{webhook_id}",
        expect(NOT_FOUND, structure_admin=204),
        ids={"structure_id": "structure", "webhook_id": "webhook_to_delete"},
    ),
    Case(
        "GET",
        BASE + "/{webhook_id}/deliveries",
        expect(NOT_FOUND, structure_admin=200),
        ids=ENDPOINT,
    ),
    Case(
        "POST",
        BASE + "/{webhook_id}/deliveries/{delivery_id}/replay",
        expect(NOT_FOUND, structure_admin=200),
        ids={**ENDPOINT, "delivery_id": "webhook_delivery"},
    ),
]
