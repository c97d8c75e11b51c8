"""Recovery through a trusted contact (coffre/contacts/service.py, SPEC §28).

The person: ``GET/PUT/DELETE /me/trusted-contact``, ``GET /contacts/candidates``
(a person to name, by login) and ``POST /me/trusted-contact/requests/{id}/refuse``.
The contact: ``GET /contacts/named-me``, ``POST /contacts/named-me/{id}/ask``,
``GET /contacts/named-me/{id}/recovery`` (after the wait) and
``POST /contacts/named-me/{id}/recovery``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.routes.credentials import _new_passphrase
from api.schemas.contacts import (
    ArrangementBody,
    CandidateBody,
    ContactRecoveredResponse,
    ContactRecoverRequest,
    MyContactResponse,
    NameContactRequest,
    NamingMeResponse,
    RecoveryMaterialBody,
)
from api.types import PathId, Text
from coffre.accounts.errors import InvalidKeyMaterial
from coffre.contacts.errors import (
    ContactArrangementNotFound,
    ContactNotFound,
    ContactRecoveryNotOpen,
    ContactRecoveryRefused,
    ContactRequestNotFound,
    InvalidContactMaterial,
)
from coffre.contacts.service import ArrangementView, NewContact, NewRecovery

router = APIRouter(tags=["contacts"])


def _arrangement(view: ArrangementView) -> ArrangementBody:
    return ArrangementBody.model_validate(view)


@router.get("/me/trusted-contact")
def my_contact(actor: ActorDep, coffre: CoffreDep) -> MyContactResponse:
    """The caller's trusted contact and its last request (null: none named)."""
    view = coffre.contacts.current(actor)
    return MyContactResponse(
        contact=_arrangement(view) if view is not None else None,
        waiting_days=coffre.settings.contact_waiting_days,
    )


@router.get("/contacts/candidates", responses=errors(ContactNotFound))
def candidate(
    login: Annotated[Text, Query(min_length=1, max_length=64)],
    pin: Annotated[Text, Query(min_length=1, max_length=64)],
    actor: ActorDep,
    coffre: CoffreDep,
) -> CandidateBody:
    """A person one may name, by login and the spoken pin their phone shows (not found
    unless the pin names their key), with the sign key the client checks again."""
    found = coffre.contacts.candidate(actor, login, pin)
    return CandidateBody(
        account_id=found.account_id, login=found.login, sign_public_key=found.sign_public_key
    )


@router.put("/me/trusted-contact", responses=errors(ContactNotFound, InvalidContactMaterial))
def name_contact(body: NameContactRequest, actor: ActorDep, coffre: CoffreDep) -> ArrangementBody:
    """Name (or replace, in one step) the caller's trusted contact (SPEC §28.2)."""
    view = coffre.contacts.name(
        actor,
        NewContact(
            contact_id=body.contact_id,
            wrapped_master_key=body.wrapped_master_key,
            sealed_share=body.sealed_share,
            server_share=body.server_share,
            auth_key=body.auth_key,
        ),
    )
    return _arrangement(view)


@router.delete("/me/trusted-contact", status_code=204, responses=errors(ContactArrangementNotFound))
def remove_contact(actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.contacts.remove(actor)
    return Response(status_code=204)


@router.post(
    "/me/trusted-contact/requests/{request_id}/refuse",
    status_code=204,
    responses=errors(ContactRequestNotFound),
)
def refuse(request_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    """Refuse the contact's request: it ends; the contact may ask again later."""
    coffre.contacts.refuse(actor, request_id)
    return Response(status_code=204)


@router.get("/contacts/named-me")
def named_me(actor: ActorDep, coffre: CoffreDep) -> NamingMeResponse:
    """The persons who named the caller as their trusted contact."""
    return NamingMeResponse(persons=[_arrangement(v) for v in coffre.contacts.naming_me(actor)])


@router.post("/contacts/named-me/{arrangement_id}/ask")
def ask(arrangement_id: PathId, actor: ActorDep, coffre: CoffreDep) -> ArrangementBody:
    """Ask for recovery; the person is told at once. Asking again while a request
    waits answers that request."""
    return _arrangement(coffre.contacts.ask(actor, arrangement_id))


@router.get(
    "/contacts/named-me/{arrangement_id}/recovery",
    responses=errors(ContactRecoveryNotOpen, ContactRecoveryRefused),
)
def recovery_material(
    arrangement_id: PathId, actor: ActorDep, coffre: CoffreDep
) -> RecoveryMaterialBody:
    """The server's share and the wrapped keys, once the wait passed without refusal."""
    found = coffre.contacts.release(actor, arrangement_id)
    return RecoveryMaterialBody(
        arrangement_id=found.arrangement_id,
        person_login=found.person_login,
        server_share=found.server_share,
        sealed_share=found.sealed_share,
        wrapped_master_key=found.wrapped_master_key,
        wrapped_keyring=found.wrapped_keyring,
        box_public_key=found.box_public_key,
        sign_public_key=found.sign_public_key,
        kdf_version=found.kdf_version,
    )


@router.post(
    "/contacts/named-me/{arrangement_id}/recovery",
    responses=errors(ContactRecoveryNotOpen, ContactRecoveryRefused, InvalidKeyMaterial),
)
def recover(
    arrangement_id: PathId, body: ContactRecoverRequest, actor: ActorDep, coffre: CoffreDep
) -> ContactRecoveredResponse:
    """The person's new passphrase and recovery code; every session of theirs ends."""
    revoked = coffre.contacts.recover(
        actor,
        arrangement_id,
        body.contact_auth_key,
        _new_passphrase(body),
        NewRecovery(
            recovery_auth_key=body.recovery_auth_key,
            wrapped_master_recovery=body.wrapped_master_recovery,
        ),
    )
    return ContactRecoveredResponse(revoked_sessions=revoked)
