"""Errors of the relays area (every code is listed in docs/ERRORS.md)."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, TooLarge


class RelayNotFound(NotFound):
    """An unknown relay, or one the caller may not see or act on: the same answer."""

    code = "relay_not_found"
    message_fr = "Ce relais n'existe pas ou ne vous concerne pas. Rechargez la liste des relais."


class ServiceNotFound(NotFound):
    code = "service_not_found"
    message_fr = (
        "Ce service n'est pas dans l'annuaire (il a peut-être été retiré). "
        "Cherchez-le de nouveau dans l'annuaire avant d'orienter la personne."
    )


class RelayOutsideCharter(Invalid):
    """The charter in force does not allow this relay; ``message_fr`` says why."""

    code = "relay_outside_charter"
    message_fr = (
        "La charte du territoire ne prévoit pas ce relais. Choisissez un autre service "
        "ou une autre finalité."
    )


class RelayExists(Conflict):
    code = "relay_exists"
    message_fr = "Ce relais est déjà enregistré. Rechargez la liste des relais."


class RelayAlreadyAnswered(Conflict):
    code = "relay_already_answered"
    message_fr = (
        "Ce relais a déjà reçu une réponse, ou il n'est plus ouvert (pris, refusé, expiré "
        "ou clos). Rechargez le relais pour voir où il en est."
    )


class RelayInvalid(Invalid):
    """A malformed relay request (categories, reason, note keys); ``message_fr`` says which."""

    code = "relay_invalid"
    message_fr = "Ce relais est mal formé. Rechargez la page et recommencez."


class RelayDocumentsRefused(Invalid):
    code = "relay_documents_refused"
    message_fr = (
        "Choisissez, pour chaque papier demandé, un de vos documents de la bonne catégorie "
        "(et seulement ceux-là), puis recommencez."
    )


class RelayNoteInvalid(Invalid):
    code = "relay_note_invalid"
    message_fr = (
        "La fiche de liaison n'est pas valable (format ou signature). Rechargez la page "
        "et écrivez-la de nouveau."
    )


class RelayNoteTooBig(TooLarge):
    code = "relay_note_too_big"
    message_fr = (
        "La fiche de liaison est trop longue : 2 000 caractères au plus. Raccourcissez-la "
        "puis recommencez."
    )


class RelayGrantMismatch(Invalid):
    code = "relay_grant_mismatch"
    message_fr = (
        "Ce partage ne correspond pas au relais : il doit être fait à la personne qui a "
        "pris le relais, pour sa finalité, avec les documents choisis pour ce relais. "
        "Rechargez la page et recommencez."
    )
