"""ProConnect rows: the link between an account and a ProConnect identity, and the
short-lived record of one login in progress (docs/PROCONNECT.md).

A ProConnect identity is the pair (issuer, ``sub``): ``sub`` is only unique within
its issuer. ``ProConnectFlow`` is the server-side half of one login: the browser
holds an opaque random token in an HttpOnly cookie and only its SHA-256 is kept
here, next to the ``state``, ``nonce`` and PKCE verifier sent to the provider. The
row is used once at the callback (``returned_at``) and once more when the page
proves the passphrase (``done_at``); it lives minutes, and is deleted when done.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class ProConnectLink(Base):
    """One account ↔ one ProConnect identity, made once through an invitation."""

    __tablename__ = "proconnect_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # One ProConnect identity per account: a second one needs the first unlinked.
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    # The invitation that allowed the link: an invitation links at most one identity.
    invitation_id: Mapped[str | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), unique=True, nullable=True
    )
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ProConnectFlow(Base):
    """One ProConnect login in progress, bound to one browser (its cookie's hash)."""

    __tablename__ = "proconnect_flows"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    browser_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    state: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    # The invitation code's hash (coffre/structures/codes.py) when the login may link.
    invitation_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Filled at the callback, from the verified ID token and userinfo.
    issuer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True
    )
    # given_name, usual_name, email, siret as JSON: shown once to the page, then deleted.
    claims: Mapped[str | None] = mapped_column(Text(), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
