"""Attack: ``coffre secrets rotate`` cut short in the middle of a batch (the process
killed, Ctrl-C) loses nothing: every stored secret still opens, under the old entry or
the new one, and running it again finishes the work (issue 21; both backends)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.secrets import rotation, stored
from coffre.secrets.keyring import Keyring, parse_keyring
from coffre.settings import Settings
from coffre.webhooks.models import WebhookEndpoint
from tests.structures.world import build_world


class Cut(BaseException):
    """What a kill looks like from inside: not an Exception, nothing catches it."""


def test_a_rotation_cut_mid_batch_loses_nothing_and_resumes(
    api: TestClient, settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    old = Keyring(settings.keyring_entries)
    world = build_world(api)
    hooks: dict[str, str] = {}
    with coffre.db.unit_of_work() as db:
        for index in range(12):
            endpoint_id, secret = f"{index + 100:032x}", f"whsec_{secrets.token_hex(16)}"
            hooks[endpoint_id] = secret
            row = WebhookEndpoint(
                id=endpoint_id,
                structure_id=world.structure_id,
                url="https://partenaire.example/hook",
                events=["grant.created"],
                created_at=clock.now(),
            )
            if index % 3 == 0:  # left in clear by an earlier version
                row.secret = secret
            else:
                row.secret_kid, row.secret_box = stored.seal_webhook(old, endpoint_id, secret)
            db.add(row)
    ring = Keyring([*parse_keyring(f"b:{secrets.token_urlsafe(40)}"), *settings.keyring_entries])

    real = stored.seal_webhook
    calls = 0

    def cut_at_the_seventh(*args: Any) -> tuple[str, bytes]:
        nonlocal calls
        calls += 1
        if calls == 7:  # in the second batch of 5, after two rows of it were re-sealed
            raise Cut()
        return real(*args)

    monkeypatch.setattr(stored, "seal_webhook", cut_at_the_seventh)
    with pytest.raises(Cut):
        rotation.rotate(coffre.db, ring, clock, batch=5)
    monkeypatch.setattr(stored, "seal_webhook", real)

    def opened() -> dict[str, tuple[str | None, str]]:
        with coffre.db.unit_of_work() as db:
            found = {}
            for endpoint_id in hooks:
                row = db.get(WebhookEndpoint, endpoint_id)
                assert row is not None
                value = stored.open_webhook(
                    ring, endpoint_id, row.secret_kid, row.secret_box, row.secret
                )
                found[endpoint_id] = (row.secret_kid, value)
            return found

    halfway = opened()
    assert {k: v for k, (_, v) in halfway.items()} == hooks  # every one opens, none lost
    kids = [kid for kid, _ in halfway.values()]
    assert kids.count("b") == 5  # the first batch committed, the cut one rolled back whole

    again = rotation.rotate(coffre.db, ring, clock, batch=5)
    assert again.resealed[rotation.WEBHOOKS] == 7
    assert sum(again.unreadable.values()) == 0
    done = opened()
    assert {k: v for k, (_, v) in done.items()} == hooks
    assert {kid for kid, _ in done.values()} == {"b"}
    assert sum(rotation.rotate(coffre.db, ring, clock, batch=5).resealed.values()) == 0
