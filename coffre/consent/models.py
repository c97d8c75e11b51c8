"""Published charter versions: the TOML text exactly as published, and its SHA-256.

The text is the source of truth (the API, the page and the grant checks all read it
back through ``coffre.consent.charter_file``); ``version`` and ``effective_on`` are
copied out of it so the version in force can be found by a query.
One territory per deployment (as ``trust_roots``), so versions are unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
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
