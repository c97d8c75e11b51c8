"""Bodies of a grant's receipt (docs/CONSENT.md, "Receipts the person holds")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import B64Bytes


class PersonKeyBody(BaseModel):
    """The person's key as format v2 defines it (SPEC §25): the Ed25519 sign key that
    signed the receipt, and its pin in both forms, to compare with the person's phone.
    Persons have no certificate: nothing on the server vouches for this key."""

    sign_public_key: B64Bytes
    pin: str | None = Field(description="SPEC §25.3, 9 groups of 3 characters")
    pin_qr: str | None = Field(description="SPEC §25.2, COFFRE:V2:PIN:…")


class ProfessionalKeysBody(BaseModel):
    """The grantee's keys and certificate chain (leaf first; empty when the membership
    ended), checked up to the pinned trust root (SPEC §15, §26)."""

    account_id: str
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    certificates: list[dict[str, Any]]


class ReceiptBody(BaseModel):
    """A grant's receipt: ``receipt`` is the text exactly as stored (SPEC §16 envelope,
    or the SPEC §24.5 envelope as the person's client wrote it); ``verified_by_server``
    says whether it verifies under ``person_key`` today and names this grant."""

    grant_id: str
    format: Literal[1, 2]
    receipt: str
    person_key: PersonKeyBody
    verified_by_server: bool
    professional: ProfessionalKeysBody
    trust_root: dict[str, Any] | None = Field(description="the v1 trust root (SPEC §15)")
    trust_roots_v2: dict[str, Any] | None = Field(
        description="the v2 roots, {first, links} as GET /trust/root/v2 (SPEC §26.5)"
    )
