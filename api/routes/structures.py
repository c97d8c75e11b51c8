"""The territory's network: structures, invitations, members, certificates, key chains.

Which roles may call each route is decided by ``coffre.policy`` (through the
service); ``docs/ROLES.md`` lists them and tests/structures/test_matrix.py checks it.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.structures import (
    AcceptRequest,
    BulkInvitationItem,
    BulkInvitationList,
    CertificateRequest,
    InvitationBody,
    InvitationRequest,
    KeyChainBody,
    MemberBody,
    MemberList,
    OfficerInvitationRequest,
    ResetCodeBody,
    ResetCodeRequest,
    StructureBody,
    StructureList,
    StructureRequest,
    TrustRootBody,
)
from api.types import PathId
from coffre.accounts.credential_errors import AccountNotFound
from coffre.structures.certificates import awaiting_new_key, certificate_state
from coffre.structures.errors import InvalidInvitation
from coffre.structures.service import IssuedInvitation, NewStructure
from crypto import b64decode, fingerprint
from crypto.pins import pin_qr_payload, pin_spoken

router = APIRouter(tags=["structures"])


def _qr(text: str) -> str:
    """An inline SVG QR code (segno, made here: nothing leaves the server)."""
    import segno

    svg: str = segno.make(text, error="m").svg_inline(scale=4)
    return svg


def _invitation(issued: IssuedInvitation, request: Request | None = None) -> InvitationBody:
    body = InvitationBody(
        code=issued.code, kind=issued.invitation.kind, expires_at=issued.invitation.expires_at
    )
    if request is not None:
        body.url = str(request.base_url) + f"#invitation={issued.code}"
        body.qr_svg = _qr(body.url)
    return body


@router.post("/structures", status_code=201)
def admit_structure(body: StructureRequest, actor: ActorDep, coffre: CoffreDep) -> StructureBody:
    new = NewStructure(
        name=body.name,
        kind=body.kind,
        address=body.address,
        territory=body.territory,
        siret=body.siret,
    )
    return StructureBody.model_validate(coffre.structures.admit(actor, new))


@router.get("/structures")
def list_structures(actor: ActorDep, coffre: CoffreDep) -> StructureList:
    listed = coffre.structures.directory(actor)
    return StructureList(structures=[StructureBody.model_validate(s) for s in listed])


@router.get("/structures/{structure_id}/members")
def list_members(structure_id: PathId, actor: ActorDep, coffre: CoffreDep) -> MemberList:
    members = coffre.structures.members(actor, structure_id)
    return MemberList(
        members=[
            MemberBody(
                membership_id=m.membership.id,
                account_id=m.account.id,
                display_name=m.profile.display_name,
                profession=m.profile.profession,
                role=m.membership.role,
                joined_at=m.membership.joined_at,
                left_at=m.membership.left_at,
                certified=m.membership.certificate is not None,
                box_public_key=m.account.box_public_key,
                sign_public_key=m.account.sign_public_key,
                fingerprint=fingerprint(m.account.sign_public_key),
                fingerprint_qr_svg=_qr(fingerprint(m.account.sign_public_key)),
                pin=pin_spoken(m.account.sign_public_key),
                pin_qr=pin_qr_payload(m.account.sign_public_key),
                not_after=m.membership.not_after,
                revoked_at=m.membership.revoked_at,
                certificate_state=certificate_state(m.membership, coffre.clock.now()),
                new_key=awaiting_new_key(m.membership, m.account),
            )
            for m in members
        ]
    )


@router.post("/structures/{structure_id}/invitations/bulk", status_code=201)
async def invite_members_from_csv(
    structure_id: PathId, request: Request, actor: ActorDep, coffre: CoffreDep
) -> BulkInvitationList:
    """Invite professionals from a CSV file (name, profession, email): every row or none.

    The body is the file itself (text/csv, 48 KiB and 200 rows at most: its limit is
    api/body_limits.py's, which refuses a larger one with ``invitation_file_too_large``).
    A rejected row answers 422 ``invitation_rows_rejected`` with each row's line and reason.
    """
    raw = await request.body()
    issued = await run_in_threadpool(coffre.bulk_invitations.invite_csv, actor, structure_id, raw)
    base = str(request.base_url)
    return BulkInvitationList(
        invitations=[
            BulkInvitationItem(
                row=i.row.row,
                display_name=i.row.display_name,
                profession=i.row.profession,
                email=i.row.email,
                code=i.issued.code,
                url=base + f"#invitation={i.issued.code}",
                expires_at=i.issued.invitation.expires_at,
            )
            for i in issued
        ]
    )


@router.post("/structures/{structure_id}/invitations", status_code=201)
def invite_member(
    structure_id: PathId,
    body: InvitationRequest,
    request: Request,
    actor: ActorDep,
    coffre: CoffreDep,
) -> InvitationBody:
    issued = coffre.structures.invite(
        actor,
        body.kind,
        structure_id=structure_id,
        display_name=body.display_name,
        profession=body.profession,
    )
    # A link and a QR code to hand over, like the assisted sign-up's (single use, expiring).
    return _invitation(issued, request)


@router.post("/invitations/charter-officer", status_code=201)
def invite_charter_officer(
    body: OfficerInvitationRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> InvitationBody:
    issued = coffre.structures.invite(
        actor,
        "charter_officer",
        structure_id=None,
        display_name=body.display_name,
        profession=body.profession,
    )
    return _invitation(issued, request)


@router.post("/invitations/person", status_code=201)
def invite_person(request: Request, actor: ActorDep, coffre: CoffreDep) -> InvitationBody:
    """Assisted sign-up: a code and a QR code for the person's own phone."""
    return _invitation(coffre.structures.invite_person(actor), request)


@router.post("/invitations/accept", status_code=201, responses=errors(InvalidInvitation))
def accept_invitation(body: AcceptRequest, coffre: CoffreDep) -> dict[str, str]:
    account = coffre.structures.accept(body.code, body.account.data())
    return {"id": account.id, "kind": account.kind, "login": account.login}


@router.post("/memberships/{membership_id}/certificate")
def certify_member(
    membership_id: PathId, body: CertificateRequest, actor: ActorDep, coffre: CoffreDep
) -> Response:
    coffre.structures.certify(actor, membership_id, body.certificate)
    return Response(status_code=204)


@router.post("/memberships/{membership_id}/end", status_code=204)
def end_membership(membership_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.structures.end_membership(actor, membership_id)
    return Response(status_code=204)


@router.get("/professionals/{account_id}/keys")
def professional_keys(account_id: PathId, actor: ActorDep, coffre: CoffreDep) -> KeyChainBody:
    chain = coffre.structures.key_chain(actor, account_id)
    return KeyChainBody(
        account_id=chain.account.id,
        display_name=chain.profile.display_name,
        profession=chain.profile.profession,
        structure_id=chain.membership.structure_id if chain.membership else None,
        box_public_key=chain.account.box_public_key,
        sign_public_key=chain.account.sign_public_key,
        certificates=chain.certificates,
        root=chain.root,
        fingerprint=fingerprint(chain.account.sign_public_key),
        fingerprint_qr_svg=_qr(fingerprint(chain.account.sign_public_key)),
    )


@router.post("/reset-codes", status_code=201, responses=errors(AccountNotFound))
def issue_reset_code(body: ResetCodeRequest, actor: ActorDep, coffre: CoffreDep) -> ResetCodeBody:
    """For a person who lost both passphrase and kit: a code for a fresh, empty vault."""
    issued = coffre.resets.create_reset_code(actor, body.login)
    return ResetCodeBody.model_validate(issued)


@router.get("/trust/root")
def trust_root(coffre: CoffreDep) -> TrustRootBody:
    """The territory admin's self-signed root: compare its fingerprint with the published one."""
    root = coffre.structures.trust_root()
    statement = json.loads(root.statement)
    sign_public = b64decode(str(statement["statement"]["sign_public_key"]))
    return TrustRootBody(
        territory=root.territory,
        fingerprint=root.fingerprint,
        pin=pin_spoken(sign_public),
        pin_qr=pin_qr_payload(sign_public),
        root=statement,
    )
