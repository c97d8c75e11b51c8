"""Consent rows: published charter versions, grants and their documents, pulls, requests.

Published charter versions: the TOML text exactly as published, and its SHA-256.

The text is the source of truth (the API, the page and the grant checks all read it
back through ``coffre.consent.charter_file``); ``version`` and ``effective_on`` are
copied out of it so the version in force can be found by a query.
One territory per deployment (as ``trust_roots``), so versions are unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class PublishedCharter(Base):
    __tablename__ = "charters"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    territory: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(Text())
    sha256: Mapped[str] = mapped_column(String(64))  # hex, of the UTF-8 source
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))


class Grant(Base):
    """A person's consent: documents shared with one professional, for one purpose,
    for a time (docs/CONSENT.md). The signed receipt (SPEC §16) is kept as sent; the
    columns copy what the server checks at each pull."""

    __tablename__ = "grants"
    # The grants made to a professional, oldest first, a page at a time (GET
    # /grants/received: coffre/consent/received.py).
    __table_args__ = (
        Index("ix_grants_professional_id_created_at_id", "professional_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # chosen by the client
    person_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    professional_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    charter_version: Mapped[int] = mapped_column(Integer)
    receipt: Mapped[str] = mapped_column(Text())  # the JSON envelope, as signed
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    max_pulls: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pulls: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A grant scoped to a relay (coffre/relays/): made to the professional who took it.
    relay_id: Mapped[str | None] = mapped_column(ForeignKey("relays.id"), nullable=True, index=True)


class GrantDocument(Base):
    """One document of a grant, with its key sealed to the professional (SPEC §10).

    The sealed key goes (NULL) when the grant is revoked, when the document is
    re-encrypted or deleted, and when the clean-up job finds the grant expired.
    """

    __tablename__ = "grant_documents"

    grant_id: Mapped[str] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id"), primary_key=True, index=True
    )
    ciphertext_sha256: Mapped[str] = mapped_column(String(64))
    sealed_key: Mapped[bytes | None] = mapped_column(LargeBinary(80), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Pull(Base):
    """One open or download of a granted document by the professional."""

    __tablename__ = "pulls"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("grants.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    professional_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    pulled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccessRequest(Base):
    """A professional asking a person for a document (docs/CONSENT.md, "Requests").

    ``person_id`` is NULL when the login named nobody: the request is kept (so the
    answer to the professional never reveals whether an account exists) and expires.
    """

    __tablename__ = "access_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    professional_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id"), nullable=True, index=True
    )
    # SHA-256 of the normalised login the professional typed: the daily limit counts
    # per (professional, login), the same whether or not the login names a person.
    login_digest: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(String(300), nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="pending")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decline_word: Mapped[str | None] = mapped_column(String(300), nullable=True)
    grant_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class GrantOutcome(Base):
    """What came of a grant, as its grantee reported it (docs/CONSENT.md, "Outcomes"):
    ``right_opened``, ``document_unreadable`` or ``document_missing``. Each outcome is
    recorded once per grant (the primary key): a partner's retry or a repeat of the same
    report finds the row already there, and the person is told once."""

    __tablename__ = "grant_outcomes"

    grant_id: Mapped[str] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(32), primary_key=True)
    reported_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
