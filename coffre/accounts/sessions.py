"""Sessions and devices: opening a session at login, listing one's own, revoking them.

A person who lost a phone, or forgot to log out of an association's computer, sees
each live session with a coarse device label and ends it from anywhere
(DESIGN.md, "Security decisions"). Revocation takes effect at once: every request
checks its session row (``AccountService.authenticate``). Another account's session
is reported exactly like an unknown one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository
from coffre.accounts.devices import device_label
from coffre.accounts.errors import SessionNotFound
from coffre.accounts.models import Session
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.policy import Actor
from coffre.settings import Settings


class SessionKind(StrEnum):
    """How the token travels: a web cookie (the page) or a bearer header (API, CLI)."""

    WEB = "web"
    API = "api"


@dataclass(frozen=True)
class DeviceSession:
    """One live session as its owner sees it."""

    id: str
    label: str
    kind: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def token_hash(token: str) -> bytes:
    """Only this is stored: a stolen database does not give working tokens."""
    return hashlib.sha256(token.encode()).digest()


def open_session(
    db: DbSession,
    *,
    account_id: str,
    now: datetime,
    ttl_seconds: int,
    kind: SessionKind,
    user_agent: str | None,
    restricted: bool = False,
) -> str:
    """Add a session row inside the caller's unit of work; returns the new token."""
    token = secrets.token_urlsafe(32)
    db.add(
        Session(
            id=new_id(),
            account_id=account_id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
            label=device_label(user_agent),
            kind=kind.value,
            restricted=restricted,
        )
    )
    return token


class SessionService:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    def list_sessions(self, actor: Actor) -> list[DeviceSession]:
        """The caller's sessions that still work, the most recently used first."""
        now = self._clock.now()
        idle_since = now - timedelta(seconds=self._settings.session_idle_seconds)
        with self._db.unit_of_work() as db:
            rows = repository.live_sessions(db, actor.account_id, now, idle_since)
            return [
                DeviceSession(
                    id=row.id,
                    label=row.label,
                    kind=row.kind,
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                    current=row.id == actor.session_id,
                )
                for row in rows
            ]

    def revoke(self, actor: Actor, session_id: str) -> None:
        """End one of the caller's sessions (the current one too: that is a log-out)."""
        with self._db.unit_of_work() as db:
            revoked = repository.revoke_sessions(
                db, actor.account_id, self._clock.now(), only=session_id
            )
            if revoked:
                entry = audit.by(
                    actor, "session.revoke", object_type="session", object_id=session_id
                )
                audit.append(db, entry, self._clock.now())
        if revoked == 0:
            raise SessionNotFound()

    def revoke_others(self, actor: Actor) -> int:
        """End every session of the caller but the current one; returns how many ended."""
        with self._db.unit_of_work() as db:
            revoked = repository.revoke_sessions(
                db, actor.account_id, self._clock.now(), keep=actor.session_id
            )
            entry = audit.by(actor, "session.revoke_others", details={"count": revoked})
            audit.append(db, entry, self._clock.now())
            return revoked
