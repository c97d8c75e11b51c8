"""One row per (caller, Idempotency-Key): claimed while the first request runs, then
holding its answer until it expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class IdempotencyRecord(Base):
    """``principal`` is the SHA-256 of the credential the request carried (a session or
    an access token): a key is the caller's own, and a replay goes only to the same
    credential. ``fingerprint`` is the SHA-256 of the method, path and body, set when
    the first request ends. ``state``: ``pending`` (running; ``lease_until`` bounds
    it, so a killed process does not hold the key forever) or ``done`` (``status``,
    ``headers`` and ``body`` are its answer, replayed until ``expires_at``)."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    status: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    headers: Mapped[str | None] = mapped_column(Text(), nullable=True)  # JSON [[name, value]]
    body: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
