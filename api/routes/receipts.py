"""A grant's consent receipt, for its person, its grantee and the charter officer
(docs/CONSENT.md, "Receipts the person holds")."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import ActorDep, CoffreDep
from api.etags import etag_json
from api.schemas.receipts import PersonKeyBody, ProfessionalKeysBody, ReceiptBody
from api.types import PathId
from coffre.consent.receipts import GrantReceipt

router = APIRouter(tags=["consent"])


def receipt_body(found: GrantReceipt) -> ReceiptBody:
    return ReceiptBody(
        grant_id=found.grant_id,
        format=2 if found.format == 2 else 1,
        receipt=found.receipt,
        person_key=PersonKeyBody(
            sign_public_key=found.person_sign_public_key,
            pin=found.person_pin,
            pin_qr=found.person_pin_qr,
        ),
        verified_by_server=found.verified_by_server,
        professional=ProfessionalKeysBody(
            account_id=found.professional_id,
            box_public_key=found.professional_box_public_key,
            sign_public_key=found.professional_sign_public_key,
            certificates=found.certificates,
        ),
        trust_root=found.root,
        trust_roots_v2=found.root_chain,
    )


@router.get(
    "/grants/{grant_id}/receipt",
    response_model=ReceiptBody,
    responses={304: {"description": "The caller holds this very answer (If-None-Match)"}},
)
def grant_receipt(
    grant_id: PathId, request: Request, actor: ActorDep, coffre: CoffreDep
) -> Response:
    """The receipt the person signed, as stored, with what an offline verifier needs
    (client/receipts.py). The person, the grantee (token scope grants:read) and the
    charter officer; anyone else: 404 ``grant_not_found``, as for an unknown id."""
    return etag_json(request, receipt_body(coffre.receipts.receipt(actor, grant_id)))
