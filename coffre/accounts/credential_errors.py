"""Errors of regaining access and leaving: recovery, passphrase change, reset, erasure.

Kept apart from ``coffre.accounts.errors`` (login, sessions, second factor) so each
flow's refusals read together. Every code is in docs/ERRORS.md.
"""

from __future__ import annotations

from coffre.errors import NotFound, Refused, Unauthenticated


class InvalidRecoveryToken(Unauthenticated):
    code = "invalid_recovery_token"
    message_fr = (
        "Cette étape de récupération a expiré ou a déjà servi. Recommencez avec votre "
        "code de récupération : rien n'a été modifié."
    )


class WrongPassphrase(Refused):
    # Asked again before a passphrase change or an erasure, so that a stolen session
    # alone cannot do either. Not a 401: the session itself is fine.
    code = "wrong_passphrase"
    message_fr = "Votre phrase secrète actuelle est incorrecte. Rien n'a été modifié."


class InvalidResetCode(Unauthenticated):
    # One answer for a wrong, expired, used or revoked code, a code given for another
    # login, and an unknown login: nothing tells them apart.
    code = "invalid_reset_code"
    message_fr = (
        "Ce code de réinitialisation n'est pas valable pour cet identifiant : il est faux, "
        "a expiré (il vaut 3 jours) ou a déjà servi. Rien n'a été modifié. Demandez un "
        "nouveau code au professionnel qui vous accompagne."
    )


class AccountNotFound(NotFound):
    # Also the answer when the issuer may not reset this account: a refusal never
    # tells whether the account exists.
    code = "account_not_found"
    message_fr = (
        "Aucun compte que vous pouvez réinitialiser ne porte cet identifiant. Un code ne "
        "peut être donné qu'à une personne qui vous a fait un partage en cours : vérifiez "
        "l'identifiant, ou demandez-lui de vous partager un document."
    )


class ResetNotPending(NotFound):
    # Cancelling when no reset of the account waits (none was asked, or it has ended).
    code = "reset_not_pending"
    message_fr = (
        "Aucune réinitialisation de votre compte n'est en attente : il n'y a rien à "
        "annuler. Votre coffre et vos documents sont là."
    )


class ErasureRefused(Refused):
    code = "account_erasure_refused"
    message_fr = (
        "Ce compte professionnel ou d'administration ne peut pas être supprimé d'ici : "
        "demandez-le à l'administrateur de votre structure ou du territoire."
    )
