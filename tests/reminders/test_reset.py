"""A completed reset (new keys, the old vault destroyed) removes the person's reminders:
their texts were sealed to the old keys. On both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.reminders.models import Reminder, ReminderCount
from crypto import b64encode
from crypto.organiser import seal_reminder_text
from tests.accounts.credential_helpers import NEW_PASSPHRASE, client_for
from tests.accounts.reset_world import linked_world
from tests.reminders.helpers import coffre_of


def test_a_completed_reset_removes_the_persons_reminders(
    api: TestClient, clock: FrozenClock, tmp_path: Path
) -> None:
    linked = linked_world(api, tmp_path, share=True)
    owner = linked.owner.session
    sealed = seal_reminder_text(
        "CAF", box_public=owner.keys.box_public, sign_seed=owner.keys.sign_seed
    )
    made = api.post(
        "/api/v1/reminders",
        json={
            "due_at": (clock.now() + timedelta(days=30)).isoformat(),
            "repeat": "quarterly",
            "sealed": b64encode(sealed),
        },
        headers={"Authorization": f"Bearer {owner.token}"},
    )
    assert made.status_code == 201, made.text
    client_for(api).reset_with_code(
        linked.owner.login, linked.issue_as_professional(), NEW_PASSPHRASE
    )
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        assert (
            len(db.scalars(select(Reminder).where(Reminder.account_id == owner.account_id)).all())
            == 1
        )
    clock.advance(days=7)
    assert coffre.resets.complete_due() == 1
    with coffre.db.unit_of_work() as db:
        assert (
            db.scalars(select(Reminder).where(Reminder.account_id == owner.account_id)).all() == []
        )
        assert db.get(ReminderCount, owner.account_id) is None
