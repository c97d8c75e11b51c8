"""Rotating the server secrets (COFFRE_SECRET_KEYS), on both backends, as an operator
does it: a login (web session with its CSRF token), a TOTP enrolment and a webhook made
under key A; B added in front: all of it still works; ``coffre secrets rotate``: nothing
left under A; A retired: everything still works, and the page token made under A only
is refused cleanly (csrf_failed, nothing changed). Then 20 rotations at once on stored
secrets of every kind, the old formats included: each re-sealed once, none lost."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from nacl.secret import SecretBox
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DbSession
from typer.testing import CliRunner

from api.app import create_app
from api.cookies import CSRF_COOKIE, CSRF_HEADER
from cli.main import app as cli_app
from coffre.accounts.models import Account, TotpCredential
from coffre.accounts.models import Session as SessionRow
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.secrets import rotation, stored
from coffre.secrets.keyring import Keyring, parse_keyring
from coffre.secrets.models import ServerSecret
from coffre.settings import Settings
from coffre.webhooks.models import WebhookEndpoint
from crypto import b64encode
from tests.accounts.factories import enrol_totp, login, totp_code
from tests.concurrency import burst
from tests.factories import make_person
from tests.structures.world import build_world
from tests.webhooks.receiver import Receiver
from tests.webhooks.world import one_delivery

HTTPS = "https://testserver"  # the session cookie is Secure
HOOKS = "/api/v1/structures/{}/webhooks"


def _ring(settings: Settings, keys: str) -> Settings:
    return Settings(**{**settings.model_dump(), "secret_keys": keys})


@contextmanager
def _running(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock), base_url=HTTPS) as api:
        yield api


def _coffre(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def _revoke_others(api: TestClient, cookies: Any, token: str) -> tuple[int, str | None]:
    browser = TestClient(api.app, base_url=HTTPS)
    browser.cookies = cookies
    answer = browser.post("/api/v1/sessions/revoke-others", headers={CSRF_HEADER: token})
    code = answer.json()["error"]["code"] if answer.status_code >= 400 else None
    return answer.status_code, code


def _log_in_with_code(api: TestClient, person: Any, secret: str, clock: FrozenClock) -> int:
    clock.advance(seconds=30)  # a code is accepted once per step
    return int(
        login(api, person.login, person.auth_key, totp_code=totp_code(secret, clock)).status_code
    )


def _status(coffre: Coffre) -> rotation.Status:
    with coffre.db.unit_of_work() as db:
        return rotation.status(db, coffre.settings.keyring, coffre.clock)


def _sessions(coffre: Coffre) -> int:
    """Sessions not revoked."""
    with coffre.db.unit_of_work() as db:
        live = select(func.count()).select_from(SessionRow).where(SessionRow.revoked_at.is_(None))
        return int(db.scalar(live) or 0)


def test_a_secret_added_then_the_old_one_retired_keeps_every_login_code_and_webhook(
    settings: Settings, clock: FrozenClock, receiver: Receiver
) -> None:
    key_a, key_b = secrets.token_urlsafe(40), secrets.token_urlsafe(40)
    only_a = _ring(settings, f"a:{key_a}")
    both = _ring(settings, f"b:{key_b},a:{key_a}")
    only_b = _ring(settings, f"b:{key_b}")

    # Under A: a web session (cookie + CSRF token), TOTP enrolled, a webhook registered.
    with _running(only_a, clock) as api:
        world = build_world(api)
        person = make_person(api, 3)
        browser = TestClient(api.app, base_url=HTTPS)
        web = browser.post(
            "/api/v1/auth/web-login",
            json={"login": person.login, "auth_key": b64encode(person.auth_key)},
        )
        assert web.status_code == 200, web.text
        cookies, token_a = browser.cookies, browser.cookies.get(CSRF_COOKIE)
        assert token_a
        totp_secret = enrol_totp(api, person.headers, clock)
        made = api.post(
            HOOKS.format(world.structure_id),
            json={"url": receiver.url, "events": ["grant.created"]},
            headers=world.structure_admin.headers,
        )
        assert made.status_code == 201, made.text
        receiver.secret, hook_id = made.json()["secret"], made.json()["id"]
        assert _status(_coffre(api)).outside("a") == 0

    # A retired too early (nothing re-sealed yet): refused by its code, nothing lost.
    with _running(only_b, clock) as api:
        clock.advance(seconds=30)
        early = login(api, person.login, person.auth_key, totp_code=totp_code(totp_secret, clock))
        assert (early.status_code, early.json()["error"]["code"]) == (503, "secret_key_retired")
        one_delivery(api, world.structure_id, hook_id)
        _coffre(api).webhook_deliverer.deliver()
        assert receiver.accepted == []  # it waits for its key

    # B added in front: the page's token, the TOTP code and the webhook's secret still work.
    with _running(both, clock) as api:
        coffre = _coffre(api)
        assert _revoke_others(api, cookies, token_a) == (200, None)
        assert _log_in_with_code(api, person, totp_secret, clock) == 200
        clock.advance(seconds=both.webhooks_lease_seconds + 1)  # the waiting one's claim ends
        one_delivery(api, world.structure_id, hook_id)
        coffre.webhook_deliverer.deliver()
        assert (len(receiver.accepted), receiver.forged) == (2, 0)
        before = _status(coffre)
        # The TOTP seeds (the person's, the admins'), the webhook, the verifiers' key.
        assert before.counts[rotation.WEBHOOKS] == {"a": 1}
        assert before.counts[rotation.SERVER] == {"a": 1}
        everything = sum(n for kids in before.counts.values() for n in kids.values())
        assert before.outside("b") == everything and before.outside("a") == 0

        # The operator's command, twice: the second finds nothing to do.
        env = {"COFFRE_SECRET_KEYS": both.secret_keys, "COFFRE_DATABASE_URL": both.database_url}
        first = CliRunner().invoke(cli_app, ["secrets", "rotate"], env=env)
        assert first.exit_code == 0, first.output
        assert "webhooks : 1" in first.output and "serveur : 1" in first.output
        again = CliRunner().invoke(cli_app, ["secrets", "rotate"], env=env)
        assert again.exit_code == 0 and "totp : 0, webhooks : 0, serveur : 0" in again.output
        shown = CliRunner().invoke(cli_app, ["secrets", "status"], env=env)
        assert shown.exit_code == 0 and "a :" not in shown.output, shown.output
        after = _status(coffre)
        assert after.outside("b") == 0 and after.counts[rotation.TOTP] == {
            "b": before.outside("b") - 2
        }
        for value in (key_a, key_b):
            assert value not in first.output + shown.output  # never a secret printed

    # A retired: logins, codes and webhooks go on; the token made under A is refused.
    with _running(only_b, clock) as api:
        coffre = _coffre(api)
        assert _log_in_with_code(api, person, totp_secret, clock) == 200
        one_delivery(api, world.structure_id, hook_id)
        coffre.webhook_deliverer.deliver()
        assert (len(receiver.accepted), receiver.forged) == (3, 0)
        sessions = _sessions(coffre)
        assert _revoke_others(api, cookies, token_a) == (403, "csrf_failed")
        assert _sessions(coffre) == sessions  # refused cleanly: nothing changed
        # The session itself lives on: a reload hands its page a token made under B.
        browser = TestClient(api.app, base_url=HTTPS)
        browser.cookies = cookies
        assert browser.get("/api/v1/me").status_code == 200
        token_b = browser.cookies.get(CSRF_COOKIE)
        assert token_b and token_b != token_a
        assert _revoke_others(api, browser.cookies, token_b) == (200, None)
        assert _sessions(coffre) < sessions


def _legacy_totp_box(secret_k0: bytes, account_id: str, seed: bytes) -> bytes:
    """A TOTP seed as versions before the keyring sealed it (kept byte for byte)."""
    key = hmac.new(
        secret_k0, b"coffre/v1/totp-secret\n" + account_id.encode(), hashlib.sha256
    ).digest()
    return bytes(SecretBox(key).encrypt(seed))


def test_twenty_rotations_at_once_reseal_each_secret_once_and_lose_none(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    coffre = _coffre(api)
    # The tests' settings give COFFRE_SECRET_KEY: a one-entry ring "k0", as an upgrade.
    old = Keyring(settings.keyring_entries)
    assert old.kids == ("k0",)
    world = build_world(api)
    persons = [make_person(api, 20 + slot) for slot in range(3)]
    seeds = {p.login: secrets.token_bytes(20) for p in persons}
    with coffre.db.unit_of_work() as db:
        ids = {p.login: _account_id(db, p.login) for p in persons}
        for index, person in enumerate(persons):
            account_id = ids[person.login]
            credential = TotpCredential(account_id=account_id, created_at=clock.now())
            if index == 0:  # sealed by an earlier version: no key id
                credential.secret_kid = None
                credential.secret_box = _legacy_totp_box(
                    old.secret("k0") or b"", account_id, seeds[person.login]
                )
            else:
                credential.secret_kid, credential.secret_box = stored.seal_totp(
                    old, account_id, seeds[person.login]
                )
            db.merge(credential)
        hooks: dict[str, str] = {}
        for index in range(12):
            endpoint_id, secret = f"{index:032x}", f"whsec_{secrets.token_hex(16)}"
            hooks[endpoint_id] = secret
            row = WebhookEndpoint(
                id=endpoint_id,
                structure_id=world.structure_id,
                url="https://partenaire.example/hook",
                events=["grant.created"],
                created_at=clock.now(),
            )
            if index % 2:  # kept in clear by an earlier version
                row.secret = secret
            else:
                row.secret_kid, row.secret_box = stored.seal_webhook(old, endpoint_id, secret)
            db.add(row)
    with coffre.db.unit_of_work() as db:
        before = rotation.status(db, old, clock)
    to_reseal = before.outside("b")
    key_b = secrets.token_urlsafe(40)
    ring = Keyring([*parse_keyring(f"b:{key_b}"), *settings.keyring_entries])

    results = burst(20, lambda _: rotation.rotate(coffre.db, ring, clock, batch=5))

    total = sum(sum(r.resealed.values()) for r in results)
    # Each once: the TOTP seeds (the world's admins' and these three, one of them in the
    # old format), the 12 webhooks (6 in clear), the verifiers' key.
    assert (
        total == to_reseal == len(persons) + 12 + 1 + before.counts[rotation.TOTP].get("k0", 0) - 2
    )
    assert all(sum(r.unreadable.values()) == 0 for r in results)
    with coffre.db.unit_of_work() as db:
        after = rotation.status(db, ring, clock)
        assert after.outside("b") == 0
        for person in persons:
            credential = db.get(TotpCredential, ids[person.login])
            assert credential is not None and credential.secret_kid == "b"
            opened = stored.open_totp(ring, credential.account_id, "b", credential.secret_box)
            assert opened == seeds[person.login]
        for endpoint_id, secret in hooks.items():
            row = db.get(WebhookEndpoint, endpoint_id)
            assert row is not None and row.secret is None and row.secret_kid == "b"
            assert stored.open_webhook(ring, endpoint_id, "b", row.secret_box, None) == secret
    # The old logins still work with the ring "b" alone (their verifiers' key re-sealed).
    with _running(_ring(settings, f"b:{key_b}"), clock) as fresh:
        assert login(fresh, persons[1].login, persons[1].auth_key).status_code == 200


def _account_id(db: DbSession, login_name: str) -> str:
    return str(db.scalars(select(Account.id).where(Account.login == login_name)).one())


def test_an_upgraded_deployment_keeps_its_logins_through_rotation_and_retirement(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    """Accounts made before the keyring: their verifiers are HMACs under COFFRE_SECRET_KEY
    itself ("k0"), and no verifiers' key is stored yet."""
    coffre = _coffre(api)
    person = make_person(api, 30)
    k0 = settings.keyring.secret("k0")
    assert k0 is not None
    with coffre.db.unit_of_work() as db:
        db.execute(delete(ServerSecret))
        account = db.scalars(select(Account).where(Account.login == person.login)).one()
        account.auth_verifier = hmac.new(
            k0, b"coffre/v1/login-verifier\n" + person.auth_key, hashlib.sha256
        ).digest()
    key_b = secrets.token_urlsafe(40)
    both = _ring(settings, f"b:{key_b},k0:{k0.decode()}")
    with _running(both, clock) as app:
        assert login(app, person.login, person.auth_key).status_code == 200
        status = _status(_coffre(app))
        assert status.counts[rotation.SERVER] == {rotation.NOT_STORED: 1}
        done = rotation.rotate(_coffre(app).db, both.keyring, clock)
        assert done.resealed[rotation.SERVER] == 0  # stored under b at once: nothing to re-seal
        assert _status(_coffre(app)).counts[rotation.SERVER] == {"b": 1}
    with _running(_ring(settings, f"b:{key_b}"), clock) as app:
        assert login(app, person.login, person.auth_key).status_code == 200
        wrong = login(app, person.login, bytes(32))
        assert wrong.json()["error"]["code"] == "invalid_credentials"
