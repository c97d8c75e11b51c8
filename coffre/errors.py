"""Domain errors: a stable snake_case code and a French message saying what to do next.

The domain never speaks HTTP: ``api/errors.py`` maps each family to a status,
``web/`` to a page, ``cli/`` to an exit message. Every code is listed in
``docs/ERRORS.md`` (a test checks it).
"""

from __future__ import annotations


class CoffreError(Exception):
    """Base of every error a client can cause or a fault can produce."""

    code: str = "coffre_error"
    message_fr: str = "Une erreur est survenue."

    def __init__(self, code: str | None = None, message_fr: str | None = None) -> None:
        if code is not None:
            self.code = code
        if message_fr is not None:
            self.message_fr = message_fr
        super().__init__(self.code)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_fr}"


class NotFound(CoffreError):
    """The thing does not exist, or the actor may not know that it exists."""


class Refused(CoffreError):
    """The actor is known but may not do this (authentication, policy)."""


class Unauthenticated(Refused):
    """No valid session, or wrong credentials."""


class Invalid(CoffreError):
    """The input is malformed or out of bounds; nothing was changed."""


class TooLarge(Invalid):
    """The input is larger than the configured limit; nothing was kept."""


class TooSlow(CoffreError):
    """The input stopped arriving, or arrived too slowly; nothing was kept."""


class Conflict(CoffreError):
    """The input is well formed but clashes with the current state."""


class RateLimited(CoffreError):
    """Too many attempts; try again later.

    ``retry_after`` (seconds), when known, is the earliest moment a new attempt
    can be accepted; the API sends it as the ``Retry-After`` header.
    """

    retry_after: int | None = None

    def __init__(
        self,
        code: str | None = None,
        message_fr: str | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(code, message_fr)
        if retry_after is not None:
            self.retry_after = max(1, retry_after)


class Unavailable(CoffreError):
    """A backend (storage, database) is down; nothing was half-written."""


class StorageUnavailable(Unavailable):
    code = "storage_unavailable"
    message_fr = (
        "Le stockage des documents est momentanément indisponible. "
        "Rien n'a été enregistré : réessayez dans quelques minutes."
    )


class ObjectNotFound(NotFound):
    code = "object_not_found"
    message_fr = "Ce contenu est introuvable dans le stockage."
