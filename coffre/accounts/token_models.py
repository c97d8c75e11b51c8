"""Rows of personal access tokens (coffre/accounts/tokens.py) and of the windowed
counters that limit their requests (coffre/db/statements.py ``count_in_window``).

Only the SHA-256 of a token is stored: a stolen database does not give a working
token. A token belongs to one membership of its professional: it dies with it (the
membership ends, its certificate is revoked or expires), checked at each request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class AccessToken(Base):
    __tablename__ = "access_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[str] = mapped_column(ForeignKey("memberships.id"), index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # The professional's own name for it ("Logiciel RSA de la CAF"); never a person's.
    label: Mapped[str] = mapped_column(String(80))
    # Space-separated ``coffre.policy.tokens.Scope`` values, sorted.
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RateWindow(Base):
    """One fixed window's count of requests for a key (a token's id): ``n`` requests
    since ``window_start`` (seconds since the epoch). One row per key, rewritten when a
    new window opens, by one statement (``coffre.db.statements.count_in_window``)."""

    __tablename__ = "rate_windows"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(Integer)
