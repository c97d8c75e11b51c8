"""``coffre secrets status`` and ``coffre secrets rotate``: which stored secrets are
sealed under which key id, and re-sealing them under the newest (docs/OPERATIONS.md,
"Rotate the server secrets"; docs/THREATS.md).

Rotation works in batches, each its own write unit of work, in key order (a row that
cannot be opened is counted and passed, never retried in a loop). Each row is opened
under its key id and sealed again under the newest, and written only if it still holds
the box that was read (compare-and-set): an enrolment, another rotation or a running
server that changed it meanwhile wins, and nothing is sealed twice or lost. Running it
again does nothing; stopping it half-way leaves every row whole (under the old or the
new key), and it resumes by running it again. The server may run meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import TotpCredential
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.secrets import stored
from coffre.secrets.keyring import LEGACY_KID, Keyring, SecretKeyRetired
from coffre.secrets.models import ServerSecret
from coffre.webhooks.models import WebhookEndpoint

BATCH = 200
TOTP = "totp"
WEBHOOKS = "webhooks"
SERVER = "serveur"
# How the status names what is under no key id of the ring.
LEGACY_TOTP = f"{LEGACY_KID} (ancien format)"
CLEAR = "en clair"
NOT_STORED = f"{LEGACY_KID} (pas encore enregistrée)"


@dataclass
class Status:
    """Per kind of stored secret, how many are under each key id."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def outside(self, newest: str) -> int:
        """How many are not sealed under ``newest`` (to re-seal before retiring a key)."""
        return sum(n for kids in self.counts.values() for kid, n in kids.items() if kid != newest)


@dataclass
class Rotated:
    """How many were re-sealed, and how many could not be opened (their key is gone)."""

    resealed: dict[str, int] = field(default_factory=lambda: {TOTP: 0, WEBHOOKS: 0, SERVER: 0})
    unreadable: dict[str, int] = field(default_factory=lambda: {TOTP: 0, WEBHOOKS: 0, SERVER: 0})


def status(db: DbSession, keyring: Keyring, clock: Clock) -> Status:
    result = Status()
    totp = db.execute(
        select(TotpCredential.secret_kid, func.count()).group_by(TotpCredential.secret_kid)
    ).all()
    result.counts[TOTP] = {(kid or LEGACY_TOTP): n for kid, n in totp}
    hooks = db.execute(
        select(WebhookEndpoint.secret_kid, func.count()).group_by(WebhookEndpoint.secret_kid)
    ).all()
    result.counts[WEBHOOKS] = {(kid or CLEAR): n for kid, n in hooks}
    servers = db.execute(select(ServerSecret.kid, func.count()).group_by(ServerSecret.kid)).all()
    result.counts[SERVER] = dict(servers)
    if db.get(ServerSecret, stored.VERIFIER_KEY) is None and stored.accounts_exist(db):
        # A deployment from before the keyring: its verifiers' key is still "k0" itself.
        result.counts[SERVER][NOT_STORED] = 1
    return result


def rotate(database: Database, keyring: Keyring, clock: Clock, *, batch: int = BATCH) -> Rotated:
    """Re-seal every stored secret that is not under the newest key id."""
    done = Rotated()
    _store_legacy_verifier_key(database, keyring, clock)
    _rotate_server(database, keyring, done, batch)
    _rotate_totp(database, keyring, done, batch)
    _rotate_webhooks(database, keyring, done, batch)
    return done


def _count(result: object) -> int:
    """Rows an UPDATE changed (0: someone changed the row since it was read)."""
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _store_legacy_verifier_key(database: Database, keyring: Keyring, clock: Clock) -> None:
    with database.unit_of_work(write=True) as db:
        if db.get(ServerSecret, stored.VERIFIER_KEY) is None and stored.accounts_exist(db):
            key = stored.legacy_verifier_key(keyring)
            stored.store_server_secret(db, keyring, stored.VERIFIER_KEY, key, clock.now())


def _in_batches(
    database: Database,
    kind: str,
    done: Rotated,
    batch: int,
    page: Callable[[DbSession, str], Sequence[Any]],
    reseal: Callable[[DbSession, Any], object],
) -> None:
    """Every row ``page`` lists (rows after a key, in key order, at most ``batch``), each
    page in a write unit of work of its own: ``reseal`` writes it again under the newest
    key (compare-and-set: its UPDATE's result), or SecretKeyRetired counts it unreadable."""
    last = ""
    while True:
        with database.unit_of_work(write=True) as db:
            rows = page(db, last)
            for row in rows:
                try:
                    done.resealed[kind] += _count(reseal(db, row))
                except SecretKeyRetired:
                    done.unreadable[kind] += 1
        if len(rows) < batch:
            return
        last = rows[-1][0]


def _rotate_server(database: Database, keyring: Keyring, done: Rotated, batch: int) -> None:
    def page(db: DbSession, last: str) -> Sequence[Any]:
        return db.execute(
            select(ServerSecret.name, ServerSecret.kid, ServerSecret.box)
            .where(ServerSecret.kid != keyring.newest, ServerSecret.name > last)
            .order_by(ServerSecret.name)
            .limit(batch)
        ).all()

    def reseal(db: DbSession, row: Any) -> object:
        name, kid, box = row
        value = keyring.open(stored.SERVER_LABEL, kid, name.encode(), box)
        new_kid, new_box = stored.seal_server(keyring, name, value)
        return db.execute(
            update(ServerSecret)
            .where(ServerSecret.name == name, ServerSecret.box == box)
            .values(kid=new_kid, box=new_box)
            .execution_options(synchronize_session=False)
        )

    _in_batches(database, SERVER, done, batch, page, reseal)


def _rotate_totp(database: Database, keyring: Keyring, done: Rotated, batch: int) -> None:
    def page(db: DbSession, last: str) -> Sequence[Any]:
        return db.execute(
            select(TotpCredential.account_id, TotpCredential.secret_kid, TotpCredential.secret_box)
            .where(
                or_(
                    TotpCredential.secret_kid.is_(None),
                    TotpCredential.secret_kid != keyring.newest,
                ),
                TotpCredential.account_id > last,
            )
            .order_by(TotpCredential.account_id)
            .limit(batch)
        ).all()

    def reseal(db: DbSession, row: Any) -> object:
        account_id, kid, box = row
        seed = stored.open_totp(keyring, account_id, kid, box)
        new_kid, new_box = stored.seal_totp(keyring, account_id, seed)
        return db.execute(
            update(TotpCredential)
            .where(TotpCredential.account_id == account_id, TotpCredential.secret_box == box)
            .values(secret_kid=new_kid, secret_box=new_box)
            .execution_options(synchronize_session=False)
        )

    _in_batches(database, TOTP, done, batch, page, reseal)


def _rotate_webhooks(database: Database, keyring: Keyring, done: Rotated, batch: int) -> None:
    def page(db: DbSession, last: str) -> Sequence[Any]:
        return db.execute(
            select(
                WebhookEndpoint.id,
                WebhookEndpoint.secret_kid,
                WebhookEndpoint.secret_box,
                WebhookEndpoint.secret,
            )
            .where(
                or_(
                    WebhookEndpoint.secret_kid.is_(None),
                    WebhookEndpoint.secret_kid != keyring.newest,
                ),
                WebhookEndpoint.id > last,
            )
            .order_by(WebhookEndpoint.id)
            .limit(batch)
        ).all()

    def reseal(db: DbSession, row: Any) -> object:
        endpoint_id, kid, box, plain = row
        secret = stored.open_webhook(keyring, endpoint_id, kid, box, plain)
        new_kid, new_box = stored.seal_webhook(keyring, endpoint_id, secret)
        same = (
            WebhookEndpoint.secret_box == box
            if box is not None
            else WebhookEndpoint.secret == plain
        )
        return db.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, same)
            .values(secret_kid=new_kid, secret_box=new_box, secret=None)
            .execution_options(synchronize_session=False)
        )

    _in_batches(database, WEBHOOKS, done, batch, page, reseal)
