"""Errors of the ProConnect login (docs/PROCONNECT.md, docs/ERRORS.md).

Each refusal of the callback has its own stable code, so the audit trail and a
support desk can tell a forged answer from an expired one; the French messages all
say what to do next, which is nearly always "start again from the login screen".
"""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, Refused, Unavailable

_AGAIN = (
    "Revenez à l'écran de connexion et cliquez de nouveau sur « Se connecter avec ProConnect »."
)


class ProConnectDisabled(NotFound):
    code = "proconnect_disabled"
    message_fr = (
        "La connexion avec ProConnect n'est pas proposée ici. "
        "Connectez-vous avec votre identifiant et votre phrase secrète."
    )


class ProConnectStateInvalid(Refused):
    """No login in progress in this browser, a ``state`` that is not its own, or expired."""

    code = "proconnect_state_invalid"
    message_fr = "Cette connexion ProConnect n'a pas été commencée ici ou a expiré. " + _AGAIN


class ProConnectFlowUsed(Conflict):
    """The callback (or the final step) of one login came a second time: a replay."""

    code = "proconnect_flow_used"
    message_fr = "Cette connexion ProConnect a déjà servi. " + _AGAIN


class ProConnectProviderRefused(Refused):
    """ProConnect answered with an error (login cancelled, code refused or reused)."""

    code = "proconnect_provider_refused"
    message_fr = "ProConnect n'a pas confirmé votre identité. " + _AGAIN


class ProConnectUnavailable(Unavailable):
    code = "proconnect_unavailable"
    message_fr = (
        "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou "
        "connectez-vous avec votre identifiant et votre phrase secrète."
    )


class ProConnectSignatureInvalid(Refused):
    code = "proconnect_signature_invalid"
    message_fr = (
        "La réponse de ProConnect n'est pas signée par ProConnect : elle est refusée. " + _AGAIN
    )


class ProConnectIssuerInvalid(Refused):
    code = "proconnect_issuer_invalid"
    message_fr = (
        "La réponse ne vient pas du fournisseur ProConnect attendu : elle est refusée. " + _AGAIN
    )


class ProConnectAudienceInvalid(Refused):
    code = "proconnect_audience_invalid"
    message_fr = (
        "La réponse de ProConnect était destinée à un autre service : elle est refusée. " + _AGAIN
    )


class ProConnectTokenExpired(Refused):
    code = "proconnect_token_expired"
    message_fr = "La réponse de ProConnect a expiré. " + _AGAIN


class ProConnectNonceInvalid(Refused):
    code = "proconnect_nonce_invalid"
    message_fr = (
        "La réponse de ProConnect ne correspond pas à cette connexion : elle est refusée. " + _AGAIN
    )


class ProConnectTokenInvalid(Invalid):
    """Malformed ID token or userinfo answer, or a claim it must carry is missing."""

    code = "proconnect_token_invalid"
    message_fr = "La réponse de ProConnect est incomplète ou mal formée. " + _AGAIN


class ProConnectNotLinked(Refused):
    code = "proconnect_not_linked"
    message_fr = (
        "Votre identité ProConnect n'est liée à aucun compte professionnel du coffre. "
        "Demandez une invitation à l'administrateur de votre structure, puis ouvrez le "
        "lien d'invitation et choisissez « Rejoindre avec ProConnect »."
    )


class ProConnectLinkRefused(Refused):
    """The invitation cannot link this account: unusable, another structure, another
    kind of account, or the account (or the invitation) already linked."""

    code = "proconnect_link_refused"
    message_fr = (
        "Ce code d'invitation ne permet pas de lier ProConnect à ce compte (il a expiré, "
        "a déjà servi, ou concerne une autre structure). Demandez une nouvelle invitation "
        "à l'administrateur de votre structure."
    )


class ProConnectSiretMismatch(Refused):
    """The organisation ProConnect names (its ``siret`` claim) is not the structure's:
    an agent of another administration, or the right agent logged in for another of
    their organisations. Checked at the callback, before the passphrase."""

    code = "proconnect_siret_mismatch"
    message_fr = (
        "Dans ProConnect, vous vous êtes connecté·e pour un autre organisme (SIRET) que la "
        "structure de ce coffre. Reconnectez-vous en choisissant l'organisme de votre "
        "structure, ou demandez à son administrateur de vérifier le SIRET enregistré."
    )


class ProConnectLinkNotFound(NotFound):
    code = "proconnect_link_not_found"
    message_fr = (
        "Votre compte n'est lié à aucune identité ProConnect : il n'y a rien à délier. "
        "Vous vous connectez avec votre identifiant et votre phrase secrète."
    )
