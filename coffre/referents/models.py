"""Référent links and hand-overs (docs/NETWORK.md, "Référent de parcours").

``referent_links``: one row per link a person made (or was proposed) with a
professional of a structure: ``proposed`` (a professional offered; the person has not
answered), ``active`` (the person's référent now), ``ended`` (changed, ended by the
person, handed over, or the professional left the structure) or ``declined``. At most
ONE active link per person, decided by the database: a partial unique index on
``person_id WHERE status = 'active'`` (SQLite and PostgreSQL alike). At most one
waiting proposal per (person, professional), the same way.

``referent_handovers``: a successor named for one active link (the référent leaves, is
replaced or absent). It waits for the person (``pending``) and is answered once
(``accepted`` | ``refused``) by one conditional UPDATE; naming again, or the link
ending, ``cancelled`` it. Nothing moves without the person.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.consent.models import Grant
from coffre.db.base import Base, UTCDateTime


class LinkStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"


class ProposedBy(StrEnum):
    PERSON = "person"
    PROFESSIONAL = "professional"


class EndReason(StrEnum):
    ENDED_BY_PERSON = "ended_by_person"
    CHANGED = "changed"  # the person chose another référent
    HANDED_OVER = "handed_over"  # the person accepted the successor
    MEMBERSHIP_ENDED = "membership_ended"  # the professional left the structure


class HandoverReason(StrEnum):
    LEFT = "left"
    REPLACED = "replaced"
    ABSENT = "absent"
    # Not named by anyone: at the end of an absence the person is asked whether the
    # absent référent takes the link back (``ReferentService.sweep``).
    BACK = "back"


class HandoverStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


_ACTIVE = text("status = 'active'")
_PROPOSED = text("status = 'proposed'")
_PENDING = text("status = 'pending'")


class ReferentLink(Base):
    __tablename__ = "referent_links"
    __table_args__ = (
        Index(
            "uq_referent_links_active_person",
            "person_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index(
            "uq_referent_links_proposed_pair",
            "person_id",
            "professional_id",
            unique=True,
            sqlite_where=_PROPOSED,
            postgresql_where=_PROPOSED,
        ),
        # The référent's list ("Personnes suivies"), paged by link id.
        Index("ix_referent_links_followed", "professional_id", "status", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    professional_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[str] = mapped_column(String(16))
    show_expiry_count: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)


class ReferentHandover(Base):
    __tablename__ = "referent_handovers"
    __table_args__ = (
        Index(
            "uq_referent_handovers_pending_link",
            "link_id",
            unique=True,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("referent_links.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    from_professional_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    successor_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    successor_structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    reason: Mapped[str] = mapped_column(String(16))
    until: Mapped[date | None] = mapped_column(Date(), nullable=True)
    named_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# The référent's view asks, for a page of persons, which of their grants are made to
# the référent (coffre/referents/repository.py ``expiring_shared_with``): without this
# index the database walks every grant ever made to the référent, which grows with the
# years; with it, one probe per person of the page (bench/referent_view.py, plans in
# docs/PERFORMANCE.md). Declared here, with the query it serves; created by this
# area's migration.
GRANTS_TO_PERSON = Index("ix_grants_professional_person", Grant.professional_id, Grant.person_id)
