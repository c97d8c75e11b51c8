"""What leaves Coffre: lock-screen-safe texts, one per kind, in the account's language.

A push, an SMS or an e-mail may be read on a shared phone's lock screen or over a
shoulder: it says only that something happened and to open Coffre, never a document's
title, category or file name, never a person's, professional's or structure's name,
and never reads the notification's ``data``. Texts are French in the code, translated
through the gettext domain ``notify`` (coffre/notifications/locale/<lang>/LC_MESSAGES/
notify.po, scripts/catalogues, docs/TRANSLATIONS.md); a language without a catalogue
gets French.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "notify"
DIGEST = "digest"


def N_(message: str) -> str:
    """Mark a French string for the catalogue; translated when a message is made."""
    return message


TITLE = N_("Coffre")
GENERIC = N_("Coffre : vous avez du nouveau. Ouvrez Coffre pour voir.")
# Kinds (coffre/notifications/service.py ``Kind``) by their stored value, so that a kind
# added elsewhere gets the generic text until it has its own.
BODIES: dict[str, str] = {
    "document.pulled": N_(
        "Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir."
    ),
    "request.received": N_(
        "Coffre : un professionnel vous demande un document. Ouvrez Coffre pour répondre."
    ),
    "request.declined": N_(
        "Coffre : une demande de document a reçu une réponse. Ouvrez Coffre pour voir."
    ),
    "deposit.received": N_(
        "Coffre : un professionnel a déposé un document pour vous. Ouvrez Coffre pour voir."
    ),
    "grant.received": N_(
        "Coffre : des documents ont été partagés avec vous. Ouvrez Coffre pour voir."
    ),
    "grant.revoked": N_("Coffre : un partage a pris fin. Ouvrez Coffre pour voir."),
    "grant.outcome": N_(
        "Coffre : un professionnel a donné une suite à un partage. Ouvrez Coffre pour voir."
    ),
    "reset.code_issued": N_(
        "Coffre : un code pour retrouver l'accès à votre coffre a été créé. "
        "Ouvrez Coffre pour voir."
    ),
    "reset.requested": N_(
        "Coffre : quelqu'un a demandé à remplacer votre phrase secrète. Si ce n'est pas vous, "
        "ouvrez Coffre pour l'annuler."
    ),
    "contact.named": N_(
        "Coffre : quelqu'un vous a choisi comme personne de confiance. Ouvrez Coffre pour voir."
    ),
    "contact.requested": N_(
        "Coffre : une demande d'aide pour retrouver l'accès attend. Ouvrez Coffre pour voir."
    ),
    "contact.refused": N_("Coffre : une demande d'aide a été refusée. Ouvrez Coffre pour voir."),
    "contact.recovered": N_(
        "Coffre : votre phrase secrète a été remplacée avec votre personne de confiance. "
        "Ouvrez Coffre pour voir."
    ),
    "referent.proposed": N_(
        "Coffre : du nouveau pour votre accompagnement. Ouvrez Coffre pour voir."
    ),
    "referent.handover": N_(
        "Coffre : du nouveau pour votre accompagnement. Ouvrez Coffre pour voir."
    ),
    "referent.designated": N_(
        "Coffre : du nouveau pour un accompagnement. Ouvrez Coffre pour voir."
    ),
    "referent.declined": N_("Coffre : du nouveau pour un accompagnement. Ouvrez Coffre pour voir."),
    "referent.ended": N_("Coffre : du nouveau pour un accompagnement. Ouvrez Coffre pour voir."),
    "relay.changed": N_("Coffre : du nouveau pour une orientation. Ouvrez Coffre pour voir."),
    "relay.reminder": N_(
        "Coffre : une orientation attend encore d'être prise en charge. Ouvrez Coffre pour voir."
    ),
    "grant.key_revoked": N_("Coffre : un de vos partages est à vérifier. Ouvrez Coffre pour voir."),
    "revocations.due": N_(
        "Coffre : une liste de révocation est à publier. Ouvrez Coffre pour voir."
    ),
    "reminder.due": N_("Coffre : vous avez un rappel. Ouvrez Coffre pour voir."),
    "document.expiring": N_(
        "Coffre : un de vos documents arrive bientôt à sa date de fin. Ouvrez Coffre pour voir."
    ),
    "grant.ending": N_("Coffre : un partage se termine bientôt. Ouvrez Coffre pour voir."),
    "request.waiting": N_(
        "Coffre : une demande de document attend votre réponse. Ouvrez Coffre pour voir."
    ),
}


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def text_for(kind: str, language: str, count: int | None = None) -> Text:
    """The (title, body) of a ``kind`` (or ``DIGEST`` with its ``count``) in ``language``."""
    translate = _catalogue(language).gettext
    if kind == DIGEST:
        n = count or 0
        catalogue = _catalogue(language)
        body = catalogue.ngettext(
            "Coffre : %(count)d nouveauté depuis hier. Ouvrez Coffre pour voir.",
            "Coffre : %(count)d nouveautés depuis hier. Ouvrez Coffre pour voir.",
            n,
        ) % {"count": n}
    else:
        body = translate(BODIES.get(kind, GENERIC))
    return Text(title=translate(TITLE), body=body)


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "fr":
        return gettext.NullTranslations()
    name = language.replace("-", "_")
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[name], fallback=True)
