"""Expectations: reaching an account outside the app (docs/NOTIFICATIONS.md).

Every account reads and sets its own choices, adds devices, reads its own delivery log;
a device is removed only by its owner (anyone else: as an unknown id); the territory's
delivery log is the charter officer's.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

NOT_ALLOWED = (403, "not_allowed")
NO_DEVICE = (404, "push_subscription_not_found")
DEVICE = "/api/v1/notifications/push-subscriptions/{subscription_id}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _subscription() -> dict[str, object]:
    """A subscription as a browser makes one (its endpoint is never called here)."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "endpoint": f"https://push.example.org/push/{secrets.token_urlsafe(16)}",
        "keys": {"p256dh": _b64url(point), "auth": _b64url(secrets.token_bytes(16))},
        "label": "Téléphone",
    }


def prepare(scene: Scene) -> None:
    """A device of the person's."""

    def make() -> str:
        made = scene.api.post(
            "/api/v1/notifications/push-subscriptions",
            json=_subscription(),
            headers=scene.headers("person"),
        )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    scene.makers["push_subscription"] = make
    scene.ids["push_subscription"] = make()


CASES = [
    Case("GET", "/api/v1/notifications/settings", expect(200)),
    Case("PUT", "/api/v1/notifications/settings", expect(200), json={"push": True}),
    Case("GET", "/api/v1/notifications/push-key", expect(200)),
    Case("GET", "/api/v1/notifications/push-subscriptions", expect(200)),
    Case("POST", "/api/v1/notifications/push-subscriptions", expect(201), json=_subscription()),
    Case(
        "DELETE",
        DEVICE,
        expect(NO_DEVICE, person=204),
        state="the person's device",
        ids={"subscription_id": "push_subscription"},
        fresh=True,
    ),
    Case("GET", "/api/v1/notifications/deliveries", expect(200)),
    Case("GET", "/api/v1/console/deliveries", expect(NOT_ALLOWED, charter_officer=200)),
]
