"""Relays between structures (prise de relais; docs/NETWORK.md, "Relais").

``relays``: a professional (``orienting_id``, of ``orienting_structure_id``) orients a
person to a directory service of another structure (``target_structure_id``) for one
purpose, naming the document categories the service needs. The states:

    proposed ──(person agrees: agreed_at)──▶ proposed, visible to the target structure
    proposed ──take──▶ taken      proposed ──decline──▶ declined (decline_reason)
    proposed ──sweep, expires_at passed──▶ expired
    proposed | taken ──close──▶ closed (close_reason; the person refusing closes it too)

Every change is ONE conditional UPDATE (``WHERE state = 'proposed' …``): of parallel
answers exactly one changes the row. The receiving structure sees nothing before
``agreed_at``. ``responsible_id`` starts as the orienting professional and moves to a
référent's successor at a hand-over.

``note`` and ``return_note`` are SPEC §29 envelopes: the server cannot read them.
``relay_note_keys`` holds each reader's sealed note key (80 bytes, SPEC §10).
``relay_documents`` are references to the person's vault documents, chosen by the
person when agreeing: never copies; the person's page shares them with the taker by
an ordinary grant scoped to the relay (``grants.relay_id``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class RelayState(StrEnum):
    PROPOSED = "proposed"
    TAKEN = "taken"
    DECLINED = "declined"
    EXPIRED = "expired"
    CLOSED = "closed"


class CloseReason(StrEnum):
    PERSON_REFUSED = "person_refused"  # the person refused before agreeing
    ENDED_BY_ORIENTING = "ended_by_orienting"
    ENDED_BY_PERSON = "ended_by_person"
    DONE = "done"  # the need was met


class NoteKind(StrEnum):
    NOTE = "note"
    RETURN = "return"


class Relay(Base):
    __tablename__ = "relays"
    __table_args__ = (
        # The sweep: proposed relays by due time.
        Index("ix_relays_state_remind_at", "state", "remind_at"),
        Index("ix_relays_state_expires_at", "state", "expires_at"),
        # The target structure's incoming box.
        Index("ix_relays_target_state", "target_structure_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # chosen by the client
    person_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    orienting_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    orienting_structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    responsible_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_services.id"))
    target_structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    purpose: Mapped[str] = mapped_column(String(64))
    categories: Mapped[list[Any]] = mapped_column(JSON())
    state: Mapped[str] = mapped_column(String(16))
    charter_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    taken_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id"), nullable=True, index=True
    )
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    close_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    note: Mapped[bytes] = mapped_column(LargeBinary())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    return_note: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
    # The time of the last change (for "changed since" and the lists' order).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def owner_id(self) -> str:
        """The person concerned (coffre.policy.owns)."""
        return self.person_id


class RelayDocument(Base):
    """A document of the person's vault the relay names (a reference, never a copy)."""

    __tablename__ = "relay_documents"

    relay_id: Mapped[str] = mapped_column(
        ForeignKey("relays.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id"), primary_key=True, index=True
    )


class RelayNoteKey(Base):
    """A note key sealed to one reader (SPEC §29.1): 80 bytes."""

    __tablename__ = "relay_note_keys"

    relay_id: Mapped[str] = mapped_column(
        ForeignKey("relays.id", ondelete="CASCADE"), primary_key=True
    )
    which: Mapped[str] = mapped_column(String(8), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(80))
