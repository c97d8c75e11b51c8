"""Decision table: the person's own vault (coffre/vault/)."""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import Action, Actor, Role, Rule, owns


def _upload(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PERSON


def _own_document(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PERSON and owns(actor, target)


RULES: Mapping[Action, Rule] = {
    Action.DOCUMENT_UPLOAD: _upload,
    Action.DOCUMENT_READ: _own_document,
    Action.DOCUMENT_DOWNLOAD: _own_document,
    Action.DOCUMENT_UPDATE: _own_document,
    Action.DOCUMENT_DELETE: _own_document,
}
