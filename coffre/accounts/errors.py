"""Errors of the accounts area."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, RateLimited, Refused, Unauthenticated


class InvalidLogin(Invalid):
    code = "invalid_login"
    message_fr = (
        "Cet identifiant n'est pas valable. Choisissez un pseudonyme de 3 à 40 lettres ou "
        "chiffres, ou un numéro de téléphone."
    )


class InvalidKeyMaterial(Invalid):
    code = "invalid_key_material"
    message_fr = (
        "Les clés envoyées par l'application sont mal formées. Mettez l'application à jour."
    )


class WeakKdfParameters(Invalid):
    code = "weak_kdf_parameters"
    message_fr = "Les paramètres de protection du mot de passe sont trop faibles."


class KdfV1Refused(Conflict):
    """v1 passphrase parameters for an account whose KDF is already v2 (SPEC §19):
    a page or a client of an older version, which must be reloaded or updated."""

    code = "format_v1_refused"
    message_fr = "Cette page vient d'une ancienne version de l'application. Rechargez la page."


class LoginTaken(Conflict):
    code = "login_taken"
    message_fr = "Cet identifiant est déjà utilisé. Choisissez-en un autre."


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    message_fr = "Identifiant ou phrase secrète incorrects. Vérifiez et réessayez."


class NotAuthenticated(Unauthenticated):
    code = "not_authenticated"
    message_fr = "Votre session a expiré ou n'existe pas. Connectez-vous à nouveau."


class TooManyAttempts(RateLimited):
    code = "too_many_attempts"
    message_fr = (
        "Trop d'essais de connexion. Attendez avant de réessayer, "
        "ou utilisez votre kit de récupération."
    )

    def __init__(self, *, retry_after: int | None = None) -> None:
        message = None
        if retry_after is not None:
            message = (
                f"Trop d'essais de connexion. Réessayez dans {_duration_fr(retry_after)}, "
                "ou utilisez votre kit de récupération."
            )
        super().__init__(message_fr=message, retry_after=retry_after)


def _duration_fr(seconds: int) -> str:
    if seconds < 60:
        return f"{max(1, seconds)} seconde" + ("s" if seconds > 1 else "")
    minutes = -(-seconds // 60)  # rounded up: never invite a retry that is still refused
    return f"{minutes} minute" + ("s" if minutes > 1 else "")


class TotpRequired(Unauthenticated):
    code = "totp_required"
    message_fr = (
        "Ce compte est protégé par un code à 6 chiffres. Ouvrez votre application "
        "d'authentification et saisissez le code affiché."
    )


class InvalidTotp(Unauthenticated):
    code = "invalid_totp"
    message_fr = (
        "Ce code à 6 chiffres est incorrect ou a déjà servi. Attendez le code suivant "
        "dans votre application d'authentification et réessayez."
    )


class TotpEnrolmentRequired(Refused):
    code = "totp_enrolment_required"
    message_fr = (
        "Ce compte doit d'abord activer la double authentification (code à 6 chiffres) : "
        "terminez cette étape pour continuer."
    )


class TotpNotAllowed(Refused):
    code = "totp_not_allowed"
    message_fr = "Ce type de compte ne peut pas activer la double authentification."


class TotpMandatory(Refused):
    code = "totp_mandatory"
    message_fr = (
        "La double authentification est obligatoire pour ce compte : elle ne peut pas "
        "être désactivée."
    )


class TotpAlreadyEnabled(Conflict):
    code = "totp_already_enabled"
    message_fr = (
        "La double authentification est déjà active sur ce compte. Désactivez-la "
        "d'abord pour changer d'application."
    )


class TotpNotEnrolled(Conflict):
    code = "totp_not_enrolled"
    message_fr = (
        "Aucune activation de la double authentification n'est en cours. "
        "Recommencez depuis le début."
    )


class TotpNotEnabled(Conflict):
    code = "totp_not_enabled"
    message_fr = "La double authentification n'est pas active sur ce compte."


class SessionNotFound(NotFound):
    code = "session_not_found"
    message_fr = (
        "Cette session est introuvable ou déjà fermée. Rechargez la liste de vos appareils."
    )
