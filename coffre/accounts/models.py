"""Account and session rows.

The server stores only what the client produced: public keys, wrapped secrets and
a keyed hash of the login value (SPEC §3). It never sees a passphrase or a secret key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from coffre.accounts.devices import UNKNOWN_DEVICE
from coffre.db.base import Base, UTCDateTime


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Normalised pseudonym or phone number; unique while the account lives.
    login: Mapped[str] = mapped_column(String(64), unique=True)
    # The passphrase KDF (coffre/accounts/kdf.py): 1 = SPEC §3, ``kdf_salt`` is the
    # salt; 2 = SPEC §19, ``kdf_salt`` is the random part the client derives the salt from.
    kdf_version: Mapped[int] = mapped_column(Integer, server_default="1")
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
    # Set when the account is erased (GDPR): the row stays as a tombstone without
    # personal data (login replaced by a placeholder, keys and verifiers wiped) so the
    # rows pointing to it keep their foreign keys. See coffre/accounts/erasure.py.
    # Indexed for the retention job (coffre/retention/: erased accounts' remains).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    # The crypto format the account writes (1 or 2): once 2, every v1 write for or by
    # it is refused (coffre.vault.formats).
    crypto_format: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Session(Base):
    """A session (bearer token or web cookie). Only the SHA-256 of the token is stored.

    ``label`` is a coarse device name derived from the User-Agent by
    ``coffre.accounts.devices`` ("Firefox sur Android"): the raw header is never kept.
    A ``restricted`` session may only enrol a second factor (``TOTP_REQUIRED`` roles
    before their first enrolment); ``AccountService.authenticate`` enforces it.
    """

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Indexed for the retention job (coffre/retention/: expired sessions go).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Existing rows (before devices were recorded) read as an unknown API session.
    label: Mapped[str] = mapped_column(String(64), server_default=UNKNOWN_DEVICE)
    kind: Mapped[str] = mapped_column(String(8), server_default="api")
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LoginFailure(Base):
    """One failed login, counted against one throttling key (``coffre.accounts.throttle``).

    A failure is written twice: once under a keyed hash of the login (scope
    ``account``) and once under a keyed hash of the client address (scope
    ``address``), so a success can clear the first without the second. Neither the
    login nor the address is kept in clear.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_scope_throttle_key_at", "scope", "throttle_key", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(8))
    throttle_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class TotpCredential(Base):
    """An account's TOTP second factor (RFC 6238), see ``coffre.accounts.totp``.

    The shared secret is needed in clear to check codes, so it is kept encrypted at
    rest (a SecretBox under a key derived from the keyring entry ``secret_kid`` and
    the account id; NULL: sealed by an earlier version, see ``coffre.accounts.totp``):
    a database dump alone does not give the codes. ``last_used_step`` is the
    last 30-second step a code was accepted for; a code of that step or an earlier
    one is refused (no replay within the validity window).
    """

    __tablename__ = "totp_credentials"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    secret_box: Mapped[bytes] = mapped_column(LargeBinary(96))
    secret_kid: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class RecoveryToken(Base):
    """Proof that the recovery code was given (coffre/accounts/recovery.py), spent by
    setting a new passphrase. Only the SHA-256 of the token is stored; it lives a few
    minutes and is used once."""

    __tablename__ = "recovery_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ResetCode(Base):
    """A one-time code that authorises a reset without the recovery kit: a fresh, empty
    vault (coffre/accounts/reset.py). Only the SHA-256 of the code is stored."""

    __tablename__ = "reset_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # Who issued it (a professional or a territory admin); None: an operator (CLI).
    issued_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
