"""Organiser rows (docs/ORGANISER.md).

``organiser_items``: one encrypted item of a person's organiser (a note, a contact or
an appointment: which one is inside the ciphertext, SPEC §30; the server never knows).
The id is drawn by the page, since the owner's signature names it, so the primary key
is (account, id): an id says nothing about another account's items. ``version``
counts the writes, for optimistic concurrency (a change names the version it read).

``organiser_counts``: how many items each person keeps. The cap is decided by one
statement (``INSERT … ON CONFLICT DO UPDATE SET n = n + 1 WHERE n < max``): of
parallel creations, no more than the cap succeed, on both backends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class OrganiserItem(Base):
    __tablename__ = "organiser_items"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary())
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def owner_id(self) -> str:
        """The person whose item it is (coffre.policy.organiser)."""
        return self.account_id


class OrganiserCount(Base):
    __tablename__ = "organiser_counts"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
