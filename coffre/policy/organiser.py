"""Decision table: the person's organiser (coffre/organiser/).

A person's notes, contacts and appointments are theirs alone (the server cannot read
them anyway: SPEC §30). ``organiser_of`` names whose items an actor sees; the rules
on one item, like the list's scope, are built from it. Other roles keep no organiser:
they see none and are refused creating one.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import ANY_ROLE, Action, Actor, Role, Rule, Scope


def organiser_of(actor: Actor) -> str | None:
    """The account whose items the actor sees: a person, their own; nobody else."""
    return actor.account_id if actor.role is Role.PERSON else None


def _list(actor: Actor, target: object | None) -> bool:
    # Anyone may ask; the scope decides what they see (nothing, for a non-person).
    return actor.role in ANY_ROLE


def _create(actor: Actor, target: object | None) -> bool:
    return organiser_of(actor) is not None


def _own(actor: Actor, target: object | None) -> bool:
    owner = organiser_of(actor)
    return owner is not None and getattr(target, "owner_id", None) == owner


RULES: Mapping[Action, Rule] = {
    Action.ORGANISER_LIST: _list,
    Action.ORGANISER_CREATE: _create,
    Action.ORGANISER_MANAGE: _own,
}

SCOPES: Mapping[Action, Scope] = {
    Action.ORGANISER_LIST: organiser_of,
}
