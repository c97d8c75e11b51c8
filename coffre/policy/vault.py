"""Decision table: the person's own vault (coffre/vault/).

A person's documents are theirs alone: ``documents_of`` names the vault an actor may
see, and every rule on one document, like the vault's list (``SCOPES``,
``coffre.vault.repository.visible_to``), is built from it.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import ANY_ROLE, Action, Actor, Role, Rule, Scope


def documents_of(actor: Actor) -> str | None:
    """The owner whose live documents the actor sees: a person, their own; nobody else
    sees any (professionals read what is shared with them through grants)."""
    return actor.account_id if actor.role is Role.PERSON else None


def _upload(actor: Actor, target: object | None) -> bool:
    return documents_of(actor) is not None


def _list(actor: Actor, target: object | None) -> bool:
    # Anyone may ask; the scope decides what they see (nothing, for a non-person).
    return actor.role in ANY_ROLE


def _own_document(actor: Actor, target: object | None) -> bool:
    owner = documents_of(actor)
    return owner is not None and getattr(target, "owner_id", None) == owner


RULES: Mapping[Action, Rule] = {
    Action.DOCUMENT_UPLOAD: _upload,
    Action.DOCUMENT_LIST: _list,
    Action.DOCUMENT_READ: _own_document,
    Action.DOCUMENT_DOWNLOAD: _own_document,
    Action.DOCUMENT_UPDATE: _own_document,
    Action.DOCUMENT_DELETE: _own_document,
}

SCOPES: Mapping[Action, Scope] = {
    Action.DOCUMENT_LIST: documents_of,
}
