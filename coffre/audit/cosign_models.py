"""Cosigner keys and cosignatures of the log's checkpoints (``coffre.audit.cosigning``).

``audit_cosigner_keys``: each key a charter officer registered (C2SP tlog-cosignature
v1, Ed25519), the current one with ``retired_at`` empty; a replaced key is kept, so the
cosignatures it made stay verifiable. ``audit_cosignatures``: each cosignature the
server accepted: the checkpoint's size and root, the time the officer signed (POSIX
seconds, as the signature line carries it) and the 64-byte signature; the line is
rebuilt from them (``auditlog.cosignature.Cosignature.line``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime

_BIG = BigInteger().with_variant(Integer, "sqlite")


class AuditCosignerKey(Base):
    __tablename__ = "audit_cosigner_keys"
    __table_args__ = (Index("ix_audit_cosigner_keys_account_id", "account_id", "retired_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditCosignature(Base):
    __tablename__ = "audit_cosignatures"
    __table_args__ = (
        Index("ix_audit_cosignatures_size", "size"),
        Index("ix_audit_cosignatures_key_id_size", "key_id", "size"),
    )

    id: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("audit_cosigner_keys.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    size: Mapped[int] = mapped_column(_BIG)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    timestamp: Mapped[int] = mapped_column(_BIG)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
