"""Claiming an Idempotency-Key, keeping the answer, replaying it.

A key is claimed by ONE statement (``INSERT … ON CONFLICT DO UPDATE … WHERE`` the row
is free: expired, or pending past its lease), so of parallel requests with the same key
exactly one runs; the others learn it is running (``Pending``) or, once it ended, get
its answer (``Stored``). Nothing here knows HTTP: the caller (api/idempotency.py) gives
bytes and gets bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session as DbSession

from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.db.statements import upsert_insert
from coffre.idempotency.models import IdempotencyRecord

# How long a first request may run before its key is free again (a killed process).
LEASE = timedelta(minutes=10)
# The largest answer kept for replay: creating routes answer a few KiB of JSON.
MAX_STORED_BYTES = 256 * 1024


@dataclass(frozen=True)
class Claimed:
    """The key is the caller's to run under."""


@dataclass(frozen=True)
class Pending:
    """Another request with this key is running."""


@dataclass(frozen=True)
class Stored:
    """The key's first request ended: its fingerprint and its answer."""

    fingerprint: bytes | None
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Claim = Claimed | Pending | Stored


class Idempotency:
    def __init__(self, db: Database, clock: Clock, keep: timedelta) -> None:
        self._db = db
        self._clock = clock
        self._keep = keep

    def claim(self, principal: bytes, key: str) -> Claim:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            if _claim(db, principal, key, now, self._keep):
                return Claimed()
            row = db.get(IdempotencyRecord, (principal, key))
            if row is None or row.state != "done" or row.status is None:
                return Pending()
            return Stored(
                fingerprint=row.fingerprint,
                status=row.status,
                headers=[(name, value) for name, value in json.loads(row.headers or "[]")],
                body=row.body or b"",
            )

    def complete(
        self,
        principal: bytes,
        key: str,
        fingerprint: bytes,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        """Keep the first request's answer (only while the claim is still ours)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            row = db.get(IdempotencyRecord, (principal, key), with_for_update=True)
            if row is None or row.state != "pending":
                return
            row.state = "done"
            row.fingerprint = fingerprint
            row.status = status
            row.headers = json.dumps(headers)
            row.body = body
            row.expires_at = now + self._keep

    def release(self, principal: bytes, key: str) -> None:
        """Free the key: the first request failed in a way a retry should redo."""
        with self._db.unit_of_work() as db:
            db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.principal == principal,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.state == "pending",
                )
            )

    def purge_expired(self) -> int:
        """Job: delete the keys whose answers are no longer kept; returns how many."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            result = db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.expires_at <= now, IdempotencyRecord.lease_until <= now
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)


def _claim(db: DbSession, principal: bytes, key: str, now: datetime, keep: timedelta) -> bool:
    """Claim the key in one statement; False when another request holds it or its
    answer is still kept."""
    table = IdempotencyRecord
    fresh = {
        "state": "pending",
        "lease_until": now + LEASE,
        "expires_at": now + keep,
        "fingerprint": None,
        "status": None,
        "headers": None,
        "body": None,
    }
    insert = upsert_insert(db, table).values(principal=principal, key=key, **fresh)
    statement = insert.on_conflict_do_update(
        index_elements=[table.principal, table.key],
        set_=fresh,
        # Free again: its answer expired, or its first request died while running.
        where=((table.state == "done") & (table.expires_at <= now))
        | ((table.state == "pending") & (table.lease_until <= now)),
    )
    return db.execute(statement.returning(table.key)).first() is not None
