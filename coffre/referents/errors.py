"""Errors of the référent de parcours. Every code is in docs/ERRORS.md.

A professional one may not name, a person one does not follow, a link, proposal or
hand-over of someone else: each answers exactly like an id that does not exist
(``professional_not_found``, ``person_not_found`` — the codes the consent and
structures areas already use — and the ``referent_*_not_found`` below).
"""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound


class ReferentNotFound(NotFound):
    code = "referent_not_found"
    message_fr = (
        "Vous n'avez pas de référent en ce moment. Vous pouvez en choisir un parmi les "
        "professionnels de votre territoire."
    )


class ReferentProposalNotFound(NotFound):
    code = "referent_proposal_not_found"
    message_fr = "Cette proposition de référent n'existe pas, ou elle est finie. Rechargez la page."


class ReferentHandoverNotFound(NotFound):
    code = "referent_handover_not_found"
    message_fr = "Ce changement de référent n'existe pas, ou il est fini. Rechargez la page."


class ReferentAlreadyActive(Conflict):
    # Also the answer when the database refuses a second active link (the partial
    # unique index decides, whatever raced).
    code = "referent_already_active"
    message_fr = "Cette personne est déjà votre référent : rien n'a changé. Rechargez la page."


class ReferentAlreadyProposed(Conflict):
    code = "referent_already_proposed"
    message_fr = (
        "Vous avez déjà proposé à cette personne d'être son ou sa référent·e : attendez sa réponse."
    )


class ReferentProposalAlreadyAnswered(Conflict):
    code = "referent_proposal_already_answered"
    message_fr = "Vous avez déjà répondu à cette proposition. Rechargez la page."


class ReferentHandoverAlreadyAnswered(Conflict):
    code = "referent_handover_already_answered"
    message_fr = (
        "Vous avez déjà répondu à ce changement de référent : rien de plus n'a changé. "
        "Rechargez la page."
    )


class InvalidHandover(Invalid):
    code = "invalid_handover"
    message_fr = (
        "Le changement de référent·e n'est pas valable : indiquez la raison (départ, "
        "remplacement ou absence) et, pour une absence, la date de retour (dans l'année à "
        "venir)."
    )


class InvalidFollowedCursor(Invalid):
    code = "invalid_followed_cursor"
    message_fr = "La page demandée n'est pas valable. Revenez au début de la liste."
