"""Secrets the server keeps for itself, sealed under a key id of the ring.

One row per name. Today one: ``login-verifier``, the key of the login verifiers'
keyed hash (``coffre/accounts/service.py``). Login verifiers are one-way: they cannot
be re-made without the person's login value, so their key cannot be derived from a
ring entry (retiring that entry would lock every account out). It is a key of its own,
stored sealed here, and re-sealed by ``coffre secrets rotate`` like the other stored
secrets (docs/THREATS.md, "Server secrets and their rotation").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class ServerSecret(Base):
    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    kid: Mapped[str] = mapped_column(String(16), index=True)
    box: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
