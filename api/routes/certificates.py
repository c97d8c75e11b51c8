"""Certificates with a life (crypto/SPEC.md §26): revoking a certificate, the
root-signed revocation list, the v2 trust root and its rotations, and the person's
grants held by a revoked key.

Who may call each route is decided by ``coffre.policy`` (through the service);
tests/authz/expect_certificates.py writes the expectations out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from api.deps import ActorDep, CoffreDep, client_address
from api.openapi_errors import errors
from api.schemas.accounts import AccountBody, AccountBundle
from api.schemas.common import B64Bytes
from api.types import CleanBefore, JsonObject, PathId
from coffre.accounts.credential_errors import WrongPassphrase
from coffre.accounts.errors import InvalidKeyMaterial, TooManyAttempts
from coffre.structures.certificates import (
    InvalidTrustRoot,
    RevocationStatus,
    RootChain,
    StaleRevocationList,
    TrustRootExists,
    TrustRootMissing,
)

router = APIRouter(tags=["certificates"])


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        Literal["key_lost", "left", "device_stolen", "key_rotated", "other"], CleanBefore
    ]


class RevokedBody(BaseModel):
    membership_id: str
    account_id: str
    revoked_at: datetime | None


class RevocationListBody(BaseModel):
    """The list in force, signed by the root (null before the first one)."""

    list: dict[str, Any] | None
    sequence: int
    next_update: datetime | None


class RevocationStatusBody(RevocationListBody):
    """For the territory admin's client: what the next list must name, and whether
    one is due (a revocation waits, or the list ends within 7 days)."""

    revoked: list[str]
    due: bool


class RevocationListRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    list: JsonObject


class RootChainBody(BaseModel):
    first: dict[str, Any]
    root: dict[str, Any]
    links: list[dict[str, Any]]
    sequence: int
    pin_qr: str
    # How long the server lets a new certificate last (COFFRE_CERTIFICATE_DAYS).
    certificate_days: int


class RootRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: JsonObject
    link: JsonObject | None = None


class HeldGrantBody(BaseModel):
    grant_id: str
    professional_id: str
    structure_id: str
    purpose: str
    not_after: datetime


class HeldGrantList(BaseModel):
    grants: list[HeldGrantBody]


class RotateKeysRequest(AccountBundle):
    """A professional's new keys: a whole new bundle, as at sign-up or for a reset
    (same login, same passphrase with a fresh salt, a new recovery code), and the
    current login value re-proving the passphrase, as for a passphrase change."""

    current_auth_key: B64Bytes


class RotatedBody(BaseModel):
    account: AccountBody
    # The memberships whose certificate was revoked (key_rotated): each waits for
    # the new key's certification, face to face.
    revoked_memberships: list[str]
    revoked_sessions: int


def _list(status: RevocationStatus) -> RevocationListBody:
    return RevocationListBody(
        list=status.envelope, sequence=status.sequence, next_update=status.next_update
    )


def _chain(chain: RootChain, days: int) -> RootChainBody:
    return RootChainBody(
        first=chain.first,
        root=chain.root,
        links=chain.links,
        sequence=chain.sequence,
        pin_qr=chain.pin,
        certificate_days=days,
    )


@router.post("/memberships/{membership_id}/certificate/revoke")
def revoke_certificate(
    membership_id: PathId, body: RevokeRequest, actor: ActorDep, coffre: CoffreDep
) -> RevokedBody:
    membership = coffre.certificates.revoke(actor, membership_id, body.reason)
    return RevokedBody(
        membership_id=membership.id,
        account_id=membership.account_id,
        revoked_at=membership.revoked_at,
    )


@router.post(
    "/me/keys/rotate", responses=errors(WrongPassphrase, TooManyAttempts, InvalidKeyMaterial)
)
def rotate_keys(
    body: RotateKeysRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> RotatedBody:
    """A professional replaces their keys (device lost or stolen, key possibly seen):
    their certificates are revoked at once and wait for the new key's certification;
    the persons whose grants the old key held are asked to share again."""
    rotated = coffre.key_rotation.rotate(
        actor, body.current_auth_key, body.data(), address=client_address(request)
    )
    return RotatedBody(
        account=AccountBody.of(rotated.account),
        revoked_memberships=rotated.revoked,
        revoked_sessions=rotated.sessions_revoked,
    )


@router.get("/trust/revocations")
def revocation_list(coffre: CoffreDep) -> RevocationListBody:
    """Public: every client checks it before sealing anything to a professional."""
    return _list(coffre.certificates.revocation_status())


@router.get("/trust/revocations/status")
def revocation_status(actor: ActorDep, coffre: CoffreDep) -> RevocationStatusBody:
    status = coffre.certificates.revocation_status_for(actor)
    return RevocationStatusBody(
        **_list(status).model_dump(), revoked=status.revoked, due=status.due
    )


@router.put("/trust/revocations", responses=errors(TrustRootMissing, StaleRevocationList))
def publish_revocation_list(
    body: RevocationListRequest, actor: ActorDep, coffre: CoffreDep
) -> RevocationListBody:
    return _list(coffre.certificates.publish_revocations(actor, dict(body.list)))


@router.get("/trust/root/v2", responses=errors(TrustRootMissing))
def root_chain(coffre: CoffreDep) -> RootChainBody:
    """Public: the v2 root in force and the rotations that lead to it (SPEC §26.5)."""
    return _chain(coffre.certificates.root_chain(), coffre.settings.certificate_days)


@router.put("/trust/root/v2", responses=errors(InvalidTrustRoot, TrustRootExists, TrustRootMissing))
def publish_root(body: RootRequest, actor: ActorDep, coffre: CoffreDep) -> RootChainBody:
    link = dict(body.link) if body.link is not None else None
    chain = coffre.certificates.publish_root(actor, dict(body.root), link)
    return _chain(chain, coffre.settings.certificate_days)


@router.get("/revoked-keys/grants")
def held_by_revoked_keys(actor: ActorDep, coffre: CoffreDep) -> HeldGrantList:
    """The person's grants in force whose professional's key was revoked."""
    return HeldGrantList(
        grants=[
            HeldGrantBody(
                grant_id=g.grant_id,
                professional_id=g.professional_id,
                structure_id=g.structure_id,
                purpose=g.purpose,
                not_after=g.not_after,
            )
            for g in coffre.certificates.held_by_revoked_keys(actor)
        ]
    )
