"""Document and sealed-key rows.

A document row holds only ciphertext facts (size, hash of the ciphertext) and the
encrypted metadata (SPEC §9). Deleting a document crypto-shreds it: every sealed
key goes and the row stays as a tombstone without metadata; the stored object is
purged right after commit, or by the purge job if storage was down.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    object_key: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    ciphertext_size: Mapped[int] = mapped_column(BigInteger)
    ciphertext_sha256: Mapped[str] = mapped_column(String(64))
    encrypted_metadata: Mapped[bytes | None] = mapped_column(LargeBinary(4096), nullable=True)
    # The document's own validity end (titre de séjour, CNI), chosen by the person.
    # Kept in clear on purpose: reminders and the referent's view need it without a
    # client (docs/THREATS.md lists it among the metadata the server sees).
    expires_on: Mapped[date | None] = mapped_column(Date(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    object_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A document a professional put into the vault: who, and their signed deposit
    # statement (SPEC §16, JSON envelope) that the person's client verifies.
    deposited_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    deposit: Mapped[str | None] = mapped_column(Text(), nullable=True)
    # Format v2 (SPEC §24): 1 = v1 stream, 2 = v2 stream; the version and the signed
    # binding (the owner's, or a v2 deposit's envelope), as JSON text exactly as the
    # client sent it. NULL while a v1 document has no binding yet.
    format: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    binding: Mapped[str | None] = mapped_column(Text(), nullable=True)


class SealedKey(Base):
    """A document key sealed to one recipient's X25519 public key (SPEC §10)."""

    __tablename__ = "sealed_keys"
    __table_args__ = (UniqueConstraint("document_id", "recipient_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
