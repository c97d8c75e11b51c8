"""Expectations: the person's own reminders (docs/REMINDERS.md). A person keeps their
own; every other role lists none and is refused creating; a reminder of the person
answers to nobody else, exactly as an unknown id. The server checks only the sealed
text's size (SPEC §31: 369 or 1137 bytes), so the scene's texts are that size."""

from __future__ import annotations

import secrets
from datetime import timedelta

from crypto import b64encode
from crypto.organiser import REMINDER_SIZES
from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

REMINDER = {"reminder_id": "reminder"}
NOT_FOUND = (404, "reminder_not_found")
NOT_ALLOWED = (403, "not_allowed")
BODY = {"due_at": "{reminder_due_at}", "repeat": "quarterly", "sealed": "{reminder_sealed}"}


def prepare(scene: Scene) -> None:
    person = scene.who["person"]
    # Far enough ahead that the scene's moved clock leaves it to come.
    scene.ids["reminder_due_at"] = (scene.clock.now() + timedelta(days=60)).isoformat()
    scene.ids["reminder_sealed"] = b64encode(secrets.token_bytes(REMINDER_SIZES[0]))

    def make() -> str:
        made = scene.api.post("/api/v1/reminders", json=_body(scene), headers=person.headers)
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    scene.makers["reminder"] = make
    scene.ids["reminder"] = make()


def _body(scene: Scene) -> dict[str, str]:
    return {
        "due_at": scene.ids["reminder_due_at"],
        "repeat": "quarterly",
        "sealed": scene.ids["reminder_sealed"],
    }


CASES = [
    Case("GET", "/api/v1/reminders", expect(200)),
    Case(
        "POST",
        "/api/v1/reminders",
        expect(NOT_ALLOWED, person=201, other_person=201),
        json=BODY,
    ),
    Case(
        "PUT",
        "/api/v1/reminders/{reminder_id}",
        expect(NOT_FOUND, person=200),
        ids=REMINDER,
        json=BODY,
        fresh=True,
    ),
    Case(
        "DELETE",
        "/api/v1/reminders/{reminder_id}",
        expect(NOT_FOUND, person=204),
        ids=REMINDER,
        fresh=True,
    ),
]
