"""Structures, memberships (professional or structure admin), profiles, invitations.

A membership's certificate is a signed statement (SPEC §11) made by the certifier's
client over the member's public keys: the structure admin certifies professionals,
the territory admin certifies structure admins and charter officers, and the
territory admin's own key is the root that clients pin. The server checks the
signatures it stores, but its word is not needed: clients verify the chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class Structure(Base):
    __tablename__ = "structures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True, unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))
    territory: Mapped[str] = mapped_column(String(8))
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    admitted_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))


class ProfessionalProfile(Base):
    """The name and profession a person sees, for professionals and officers."""

    __tablename__ = "professional_profiles"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    profession: Mapped[str] = mapped_column(String(40))


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))  # "professional" | "structure_admin"
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    certificate: Mapped[str | None] = mapped_column(Text(), nullable=True)
    certified_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    certifier_fingerprint: Mapped[str | None] = mapped_column(String(40), nullable=True)
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Certificates with a life (SPEC §26.2): a v2 certificate's end and id
    # (statement_id, §23.2); a v1 certificate has no end. Revoked: at once, for the
    # server's gate; the root-signed list (§26.3) follows for the clients.
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    certificate_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Invitation(Base):
    """A one-time code: to join a structure, to become an officer, or to sign up with help."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    kind: Mapped[str] = mapped_column(
        String(24)
    )  # professional | structure_admin | charter_officer | person
    structure_id: Mapped[str | None] = mapped_column(ForeignKey("structures.id"), nullable=True)
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    profession: Mapped[str | None] = mapped_column(String(40), nullable=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    # Bulk invitations (coffre/structures/bulk.py): SHA-256 of the lower-cased e-mail
    # the CSV named, to refuse a second pending invitation to the same address. The
    # address itself is not kept (Coffre sends no e-mail yet).
    email_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True, index=True)


class TrustRoot(Base):
    """The territory admin's self-signed root statement, published for clients to pin."""

    __tablename__ = "trust_roots"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    territory: Mapped[str] = mapped_column(String(8))
    statement: Mapped[str] = mapped_column(Text())
    fingerprint: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CertificateRevocation(Base):
    """A revoked certificate (by id), kept until it would have ended: what the
    root-signed revocation list (SPEC §26.3) must name."""

    __tablename__ = "certificate_revocations"

    certificate_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    membership_id: Mapped[str] = mapped_column(ForeignKey("memberships.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(String(24))


class RevocationList(Base):
    """A revocation list signed by the root (SPEC §26.3), as uploaded by the
    territory admin's client; the highest sequence is served."""

    __tablename__ = "revocation_lists"

    sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    envelope: Mapped[str] = mapped_column(Text())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_update: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))


class TrustRootV2(Base):
    """The v2 trust root (SPEC §26.1) and each root that replaced it (§26.5): the
    row of rotation `sequence` holds the link from the previous root (none for 0)."""

    __tablename__ = "trust_roots_v2"

    sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    territory: Mapped[str] = mapped_column(String(64))
    root: Mapped[str] = mapped_column(Text())
    link: Mapped[str | None] = mapped_column(Text(), nullable=True)
    sign_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
