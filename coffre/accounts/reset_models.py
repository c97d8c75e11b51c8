"""A reset in its waiting period: the new keys a reset code brought, kept apart from the
account until the period ends (coffre/accounts/reset.py).

Nothing of the account changes while a reset waits: its keys, its documents and its
sessions stay as they are, so the person who still holds the passphrase or the
recovery kit can cancel. ``credentials`` holds the new bundle as the server would
store it at sign-up (KDF parameters, keyed verifiers, wrapped keys, public keys: no
secret the server could use); it is wiped when the reset ends, whichever way.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class ResetState(StrEnum):
    WAITING = "waiting"
    CANCELLED = "cancelled"  # by the person (passphrase or kit)
    COMPLETED = "completed"  # the waiting period passed: the new keys replaced the old
    REPLACED = "replaced"  # another reset code was used meanwhile; its wait starts anew
    VOID = "void"  # the account was erased meanwhile


_WAITING = text("state = 'waiting'")


class PendingReset(Base):
    __tablename__ = "pending_resets"
    __table_args__ = (
        # At most one reset waits per account (the database says so, not only the code).
        Index(
            "uq_pending_resets_waiting_account",
            "account_id",
            unique=True,
            sqlite_where=_WAITING,
            postgresql_where=_WAITING,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # Who issued the code that started it (None: an operator, or an erased issuer).
    issued_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # JSON of the new bundle (base64 fields); NULL once the reset has ended.
    credentials: Mapped[str | None] = mapped_column(Text(), nullable=True)
