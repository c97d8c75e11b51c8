"""Decision table: the directory of services (docs/DIRECTORY.md, docs/ROLES.md).

The guide is public; contacts are for certified professionals; the territory admin
imports and exports; a structure's admin confirms its entries not verified for a
long time. The facts are the actor's standing: in any structure for contacts, in the
entry's structure for a verification.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import Action, Actor, Role, Rule, member, structure_admin


def _territory_admin(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.TERRITORY_ADMIN


def _contacts(actor: Actor, target: object | None) -> bool:
    return _territory_admin(actor, target) or (actor.role is Role.PROFESSIONAL and member(target))


def _verify(actor: Actor, target: object | None) -> bool:
    return _territory_admin(actor, target) or (
        actor.role is Role.PROFESSIONAL and structure_admin(target)
    )


RULES: Mapping[Action, Rule] = {
    Action.DIRECTORY_IMPORT: _territory_admin,
    Action.DIRECTORY_EXPORT: _territory_admin,
    Action.DIRECTORY_CONTACTS: _contacts,
    Action.DIRECTORY_VERIFY: _verify,
}
