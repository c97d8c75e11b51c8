"""Errors of personal access tokens (coffre/accounts/tokens.py)."""

from __future__ import annotations

from coffre.errors import Invalid, NotFound, RateLimited, Refused, Unauthenticated


class TokenScopeRefused(Refused):
    """A token on a route it may not call (not in api/token_scopes.py, or without the
    route's scope). Decided before the route looks anything up: it reveals nothing."""

    code = "token_scope"
    message_fr = (
        "Ce jeton d'accès ne permet pas cette action. Créez un jeton avec l'autorisation "
        "nécessaire depuis votre espace professionnel."
    )


class TokensNotAllowed(Refused):
    """Only a certified professional in force may hold tokens."""

    code = "tokens_not_allowed"
    message_fr = (
        "Seul un professionnel certifié d'une structure peut créer un jeton d'accès. "
        "Demandez votre certification à l'administrateur de votre structure."
    )


class InvalidTokenRequest(Invalid):
    code = "invalid_token_request"
    message_fr = (
        "Ce jeton ne peut pas être créé : donnez-lui un nom, choisissez au moins une "
        "autorisation et une durée de 1 à 90 jours."
    )


class TooManyTokens(Invalid):
    code = "too_many_tokens"
    message_fr = (
        "Vous avez déjà le nombre maximal de jetons en service. Révoquez un jeton que vous "
        "n'utilisez plus, puis réessayez."
    )


class TokenNotFound(NotFound):
    code = "token_not_found"
    message_fr = "Ce jeton n'existe pas ou a déjà été révoqué. Rechargez la liste."


class TokenRateLimited(RateLimited):
    """Too many requests with one token in the current window (settings
    ``token_rate_limit`` / ``token_rate_window_seconds``)."""

    code = "rate_limited"
    message_fr = (
        "Trop de demandes avec ce jeton d'accès. Attendez le délai indiqué avant de réessayer."
    )


class TokenExpired(Unauthenticated):
    code = "token_expired"
    message_fr = "Ce jeton d'accès a expiré. Créez-en un nouveau depuis votre espace professionnel."


class TokenRevoked(Unauthenticated):
    code = "token_revoked"
    message_fr = (
        "Ce jeton d'accès a été révoqué. Créez-en un nouveau depuis votre espace "
        "professionnel si vous en avez encore besoin."
    )


class TokenHolderLeft(Unauthenticated):
    """The membership the token belongs to ended, or its certificate was revoked or
    expired: the token died with it."""

    code = "token_membership_ended"
    message_fr = (
        "Ce jeton d'accès ne fonctionne plus : son titulaire n'est plus membre certifié de "
        "sa structure. Voyez avec l'administrateur de la structure."
    )
