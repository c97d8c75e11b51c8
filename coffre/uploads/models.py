"""One row per upload in progress, whatever process runs it: what the caps count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class UploadSlot(Base):
    """An open upload. ``account_key`` and ``address_key`` are keyed hashes (never the
    account id or the address in clear); ``expires_at`` is a lease the holder renews
    while the body streams, so the slots of a process that was killed stop counting
    once it lapses (and are deleted by the next upload of the same account or
    address)."""

    __tablename__ = "upload_slots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_key: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    address_key: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
