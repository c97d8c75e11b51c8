"""A person's trusted contact and the contact's requests for recovery (SPEC §28).

``trusted_contacts`` holds one arrangement per naming: who named whom, the waiting
period, and what the person's client made (the master key wrapped under the
contact-recovery key, the contact's sealed share, the server's share, the hash of the
authenticator). At most one arrangement is active per person (``ended_at`` NULL; a
partial unique index says so on SQLite and PostgreSQL alike). When it ends (replaced,
removed, spent by a recovery, an account erased) its key material is wiped and the row
stays for the history.

``contact_requests``: each time the contact asks. At most one waits per arrangement;
it ends refused (by the person), recovered (the contact completed the recovery) or
ended (with its arrangement).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class ContactKind(StrEnum):
    PROFESSIONAL = "professional"
    PERSON = "person"


class EndReason(StrEnum):
    REPLACED = "replaced"  # the person named another contact
    REMOVED = "removed"  # the person removed the contact
    RECOVERED = "recovered"  # the contact completed a recovery: the key is spent
    ERASED = "erased"  # one of the two accounts was erased
    RESET = "reset"  # one of the two accounts was reset with a code: new keys


class RequestState(StrEnum):
    WAITING = "waiting"
    REFUSED = "refused"
    RECOVERED = "recovered"
    ENDED = "ended"  # its arrangement ended meanwhile


_ACTIVE = text("ended_at IS NULL")
_WAITING = text("state = 'waiting'")


class TrustedContact(Base):
    __tablename__ = "trusted_contacts"
    __table_args__ = (
        Index(
            "uq_trusted_contacts_active_person",
            "person_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_kind: Mapped[str] = mapped_column(String(16))
    waiting_days: Mapped[int] = mapped_column(Integer)
    # SPEC §28.2; NULL once the arrangement has ended (wiped).
    wrapped_master_key: Mapped[bytes | None] = mapped_column(LargeBinary(73), nullable=True)
    sealed_share: Mapped[bytes | None] = mapped_column(LargeBinary(80), nullable=True)
    server_share: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    auth_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)


class ContactRequest(Base):
    __tablename__ = "contact_requests"
    __table_args__ = (
        Index(
            "uq_contact_requests_waiting_arrangement",
            "arrangement_id",
            unique=True,
            sqlite_where=_WAITING,
            postgresql_where=_WAITING,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    arrangement_id: Mapped[str] = mapped_column(
        ForeignKey("trusted_contacts.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
