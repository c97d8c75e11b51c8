"""Account and session rows.

The server stores only what the client produced: public keys, wrapped secrets and
a keyed hash of the login value (SPEC §3). It never sees a passphrase or a secret key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Normalised pseudonym or phone number; unique while the account lives.
    login: Mapped[str] = mapped_column(String(64), unique=True)
    kdf_alg: Mapped[str] = mapped_column(String(16))
    kdf_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    kdf_opslimit: Mapped[int] = mapped_column(Integer)
    kdf_memlimit: Mapped[int] = mapped_column(Integer)
    auth_verifier: Mapped[bytes] = mapped_column(LargeBinary(32))
    recovery_verifier: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_master_passphrase: Mapped[bytes] = mapped_column(LargeBinary(128))
    wrapped_master_recovery: Mapped[bytes] = mapped_column(LargeBinary(128))
    wrapped_keyring: Mapped[bytes] = mapped_column(LargeBinary(256))
    box_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    sign_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Session(Base):
    """A bearer session. Only the SHA-256 of the token is stored."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LoginFailure(Base):
    """One failed login, keyed by a keyed hash of the login (no personal data kept)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login_key: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
