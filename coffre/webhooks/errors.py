"""What a structure's webhooks may not be (docs/ERRORS.md, docs/WEBHOOKS.md)."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound


class WebhookNotFound(NotFound):
    # Also the answer for a structure one does not administer (a refusal never
    # confirms that a structure, an endpoint or a delivery exists).
    code = "webhook_not_found"
    message_fr = (
        "Ce point de réception n'existe pas, ou vous n'administrez pas cette structure. "
        "Vérifiez le lien ou rechargez la page."
    )


class InvalidWebhookUrl(Invalid):
    code = "invalid_webhook_url"
    message_fr = (
        "Cette adresse ne convient pas : donnez l'adresse complète du service qui recevra "
        "les messages, commençant par https://, sans identifiant ni mot de passe."
    )


class WebhookUrlRefused(Invalid):
    code = "webhook_url_refused"
    message_fr = (
        "Cette adresse mène au réseau interne du serveur : elle est refusée. Donnez "
        "l'adresse publique du service qui recevra les messages."
    )


class InvalidWebhookEvents(Invalid):
    code = "invalid_webhook_events"
    message_fr = (
        "Choisissez au moins un événement dans la liste proposée (partage reçu, réponse "
        "à une demande, relais arrivé)."
    )


class WebhookLimitReached(Conflict):
    code = "webhook_limit_reached"
    message_fr = (
        "Cette structure a déjà le nombre maximal de points de réception. Supprimez-en "
        "un qui ne sert plus, puis recommencez."
    )


class WebhookDeliveryInFlight(Conflict):
    code = "webhook_delivery_in_flight"
    message_fr = (
        "Cet envoi est en cours. Attendez quelques secondes et rechargez le journal "
        "avant de le relancer."
    )
