"""What an account's choices for being reached may not be (docs/ERRORS.md)."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound


class InvalidTimezone(Invalid):
    code = "invalid_timezone"
    message_fr = (
        "Ce fuseau horaire n'existe pas. Choisissez-en un dans la liste (par exemple "
        "Europe/Paris) puis enregistrez à nouveau."
    )


class InvalidQuietHours(Invalid):
    code = "invalid_quiet_hours"
    message_fr = (
        "Les heures calmes ne sont pas valables : donnez un début et une fin, au format "
        "HH:MM (par exemple 21:00 et 08:00), différents l'un de l'autre, ou aucun des deux."
    )


class InvalidLanguage(Invalid):
    code = "invalid_notification_language"
    message_fr = "Cette langue n'est pas proposée. Choisissez-en une dans la liste."


class SmsNeedsPhoneLogin(Invalid):
    code = "sms_needs_phone_login"
    message_fr = (
        "Les SMS ne sont possibles que si vous vous connectez avec un numéro de téléphone. "
        "Choisissez plutôt les notifications sur ce téléphone."
    )


class EmailNotOffered(Invalid):
    code = "email_not_offered"
    message_fr = (
        "Les messages par e-mail sont réservés aux professionnels et aux administrateurs. "
        "Choisissez plutôt les notifications sur ce téléphone ou les SMS."
    )


class InvalidEmail(Invalid):
    code = "invalid_email"
    message_fr = (
        "Cette adresse e-mail n'est pas valable. Vérifiez-la (par exemple "
        "prenom.nom@structure.fr) puis enregistrez à nouveau."
    )


class DigestNotOffered(Invalid):
    code = "digest_not_offered"
    message_fr = (
        "Le résumé quotidien est réservé aux professionnels et aux administrateurs : "
        "choisissez « à chaque événement »."
    )


class InvalidPushSubscription(Invalid):
    code = "invalid_push_subscription"
    message_fr = (
        "Ce téléphone n'a pas pu être inscrit aux notifications. Fermez la page, "
        "rouvrez-la puis réessayez."
    )


class TooManyPushSubscriptions(Conflict):
    code = "too_many_push_subscriptions"
    message_fr = (
        "Trop d'appareils reçoivent déjà vos notifications. Retirez-en un que vous "
        "n'utilisez plus puis réessayez."
    )


class PushSubscriptionNotFound(NotFound):
    code = "push_subscription_not_found"
    message_fr = "Cet appareil ne reçoit pas vos notifications (ou plus). Rechargez la liste."


class PushUnavailable(Invalid):
    code = "push_unavailable"
    message_fr = (
        "Les notifications sur téléphone ne sont pas proposées par ce service. "
        "Choisissez un autre moyen d'être prévenu."
    )


class InvalidDeliveryFilter(Invalid):
    code = "invalid_delivery_filter"
    message_fr = (
        "Ce filtre n'est pas valable : choisissez un état (pending, sending, sent, failed, "
        "given_up) et un nombre de lignes de 1 à 100."
    )
