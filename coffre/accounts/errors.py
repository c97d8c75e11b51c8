"""Errors of the accounts area."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, RateLimited, Unauthenticated


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
        "Trop d'essais de connexion. Attendez un quart d'heure avant de réessayer, "
        "ou utilisez votre kit de récupération."
    )
