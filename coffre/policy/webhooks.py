"""Decision table: a structure's webhooks (coffre/webhooks/, docs/WEBHOOKS.md).

Only the structure's own admin (a professional whose certified, active membership of
that structure carries the admin role) registers, lists and deletes its endpoints,
reads their delivery log and replays a delivery; everyone else is answered as for an
unknown structure. The facts are the actor's standing in the structure.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import Action, Actor, Role, Rule, structure_admin


def _structure_admin(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL and structure_admin(target)


RULES: Mapping[Action, Rule] = {
    Action.WEBHOOK_MANAGE: _structure_admin,
}
