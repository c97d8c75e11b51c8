"""Reminder rows (docs/REMINDERS.md).

``reminders``: a person's own reminder. The server knows only when it is due
(``due_at``, UTC), how it repeats and whether it is on; what it is about is
``sealed``, bytes sealed to the person (SPEC §31) that only the page opens. A
repeating reminder keeps its first date (``anchor_at``) and counts the occurrences
sent (``occurrence``), so a monthly reminder set on the 31st comes back on the 31st
after a shorter month. A reminder that does not repeat is ``done_at`` once sent.

``reminder_counts``: how many reminders each person has. The cap is decided by one
statement (``INSERT … ON CONFLICT DO UPDATE SET n = n + 1 WHERE n < max``): of
parallel creations, no more than the cap succeed, on both backends.

``reminder_sent``: one row per reminder occurrence sent, keyed (``own:<id>:<due>``,
``document.expiring:<id>:<date>:<days>``…). The key's primary key makes each
occurrence go out once, whatever number of runs race for it (``ON CONFLICT DO
NOTHING``: the run that inserted the key is the one that notifies).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class Repeat:
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    ALL = (NONE, MONTHLY, QUARTERLY, YEARLY)
    MONTHS = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        # The job: reminders on and not done, by due time.
        Index("ix_reminders_active_due_at", "active", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime())
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    repeat: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary())
    active: Mapped[bool] = mapped_column(Boolean)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def owner_id(self) -> str:
        """The person whose reminder it is (coffre.policy.reminders)."""
        return self.account_id


class ReminderCount(Base):
    __tablename__ = "reminder_counts"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ReminderSent(Base):
    __tablename__ = "reminder_sent"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
