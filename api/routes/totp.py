"""The TOTP second factor of the caller's account: enrol, confirm, turn off.

Enrolment and confirmation accept a session restricted to enrolment (an account
whose role requires TOTP, at its first login); turning TOTP off does not.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ActorDep, CoffreDep, EnrolmentActorDep
from api.openapi_errors import errors
from api.schemas.sessions import TotpCodeRequest, TotpEnrolmentBody
from coffre.accounts.errors import (
    InvalidTotp,
    TooManyAttempts,
    TotpAlreadyEnabled,
    TotpMandatory,
    TotpNotAllowed,
    TotpNotEnabled,
    TotpNotEnrolled,
)

router = APIRouter(tags=["totp"])


@router.post("/me/totp", status_code=201, responses=errors(TotpAlreadyEnabled, TotpNotAllowed))
def enrol(actor: EnrolmentActorDep, coffre: CoffreDep) -> TotpEnrolmentBody:
    """A fresh secret, its otpauth:// URI and a QR code (SVG) for the authenticator app."""
    enrolment = coffre.totp.enrol(actor)
    return TotpEnrolmentBody(
        secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_svg=enrolment.qr_svg
    )


@router.post(
    "/me/totp/confirm",
    status_code=204,
    responses=errors(TotpNotEnrolled, InvalidTotp, TooManyAttempts),
)
def confirm(body: TotpCodeRequest, actor: EnrolmentActorDep, coffre: CoffreDep) -> Response:
    """Turn TOTP on with a first code from the app; every later login asks for a code."""
    coffre.totp.confirm(actor, body.code)
    return Response(status_code=204)


@router.delete(
    "/me/totp",
    status_code=204,
    responses=errors(TotpNotEnabled, TotpMandatory, InvalidTotp, TooManyAttempts),
)
def disable(body: TotpCodeRequest, actor: ActorDep, coffre: CoffreDep) -> Response:
    """Turn TOTP off with a current code (not for roles that require it)."""
    coffre.totp.disable(actor, body.code)
    return Response(status_code=204)
