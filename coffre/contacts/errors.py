"""Errors of recovery through a trusted contact. Every code is in docs/ERRORS.md."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, Refused


class ContactNotFound(NotFound):
    # Also the answer for an account that may not be named (a territory admin, oneself,
    # an erased account): a refusal never tells whether the login exists otherwise.
    code = "contact_not_found"
    message_fr = (
        "Aucune personne ni aucun professionnel ne peut être choisi avec cet identifiant. "
        "Vérifiez l'identifiant avec la personne."
    )


class ContactArrangementNotFound(NotFound):
    # One answer for an arrangement that does not exist, that ended, or that names
    # someone else: a third party learns nothing.
    code = "contact_arrangement_not_found"
    message_fr = (
        "Cette personne de confiance n'existe pas ou n'est plus en place. Rechargez la page."
    )


class ContactRequestNotFound(NotFound):
    code = "contact_request_not_found"
    message_fr = (
        "Cette demande d'accès de secours n'est plus en attente : elle a déjà été refusée "
        "ou elle est terminée. Rechargez la page."
    )


class ContactRecoveryNotOpen(Conflict):
    code = "contact_recovery_not_open"
    message_fr = (
        "L'accès de secours n'est pas encore ouvert : il faut attendre la fin du délai, "
        "sans refus de la personne. Revenez à la date indiquée."
    )


class ContactRecoveryRefused(Refused):
    # The authenticator does not match what the person's client left (SPEC §28.3).
    code = "contact_recovery_refused"
    message_fr = (
        "L'accès de secours ne s'ouvre pas. Rien n'a été changé. Demandez à la personne "
        "de vous choisir à nouveau comme personne de confiance."
    )


class InvalidContactMaterial(Invalid):
    code = "invalid_contact_material"
    message_fr = (
        "Ce qui a été envoyé pour la personne de confiance est abîmé. Rien n'a été changé. "
        "Rechargez la page et recommencez."
    )
