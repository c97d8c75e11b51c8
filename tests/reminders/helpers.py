"""What the reminders' tests share: a sealed text (SPEC §31), the domain behind the
test client, what an account was told, and its choices."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications import preferences
from coffre.notifications.models import Notification
from crypto import b64encode
from crypto.organiser import seal_reminder_text
from tests.factories import Person


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def sealed(person: Person, text: str = "Déclaration trimestrielle CAF") -> bytes:
    return seal_reminder_text(
        text, box_public=person.keys.box_public, sign_seed=person.keys.sign_seed
    )


def body(
    person: Person, due_at: datetime | str, repeat: str = "none", active: bool = True
) -> dict[str, Any]:
    due = due_at if isinstance(due_at, str) else due_at.isoformat()
    return {"due_at": due, "repeat": repeat, "sealed": b64encode(sealed(person)), "active": active}


def told(api: TestClient, account_id: str, kind: str) -> list[dict[str, Any]]:
    with coffre_of(api).db.unit_of_work() as db:
        rows = db.scalars(
            select(Notification.data)
            .where(Notification.account_id == account_id, Notification.kind == kind)
            .order_by(Notification.created_at)
        ).all()
    return [json.loads(r) for r in rows]


def audited(api: TestClient, action: str, person_id: str) -> int:
    with coffre_of(api).db.unit_of_work() as db:
        query = select(func.count()).where(
            AuditEntry.action == action, AuditEntry.person_id == person_id
        )
        return int(db.scalar(query) or 0)


def turn_off(api: TestClient, account_id: str, which: str, now: datetime) -> None:
    """The account's choice, as H2's settings screen saves it."""
    with coffre_of(api).db.unit_of_work() as db:
        prefs = preferences.get(db, account_id)
        preferences.save(db, account_id, preferences.with_changes(prefs, **{which: False}), now)


def to_ten_utc(clock: FrozenClock) -> None:
    """Move the clock to the next 10:00 UTC (11:00 or 12:00 in Paris): far from
    midnight, so whole days moved keep the person's calendar day in step."""
    now = clock.now()
    target = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    clock.advance(seconds=(target - now).total_seconds())


def again_logged_in(api: TestClient, person: Person) -> Person:
    """Sessions end when the clock moves: a new one."""
    response = api.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    assert response.status_code == 200, response.text
    return replace(person, token=response.json()["token"])
