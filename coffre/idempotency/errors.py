"""Refusals of a request carrying an ``Idempotency-Key``."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid


class IdempotencyKeyInvalid(Invalid):
    code = "idempotency_key_invalid"
    message_fr = (
        "La clé d'idempotence (en-tête Idempotency-Key) doit faire de 1 à 255 caractères "
        "visibles, sans espace. Rien n'a été fait."
    )


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"
    message_fr = (
        "Cette clé d'idempotence a déjà servi pour une autre demande. Rien n'a été fait : "
        "utilisez une nouvelle clé pour une nouvelle demande."
    )


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    message_fr = (
        "Une demande avec cette clé d'idempotence est en cours. Attendez sa réponse, puis "
        "renvoyez la même demande pour la recevoir."
    )
