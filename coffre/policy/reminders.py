"""Decision table: the person's own reminders (coffre/reminders/).

A person's reminders are theirs alone (the server cannot read them anyway: the text
is sealed to the person). ``reminders_of`` names whose reminders an actor sees; the
rules on one reminder, like the list's scope, are built from it. Other roles have no
reminders of their own (a professional's appointments live in their structure's
tools): they are refused creating, and list none.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import ANY_ROLE, Action, Actor, Role, Rule, Scope


def reminders_of(actor: Actor) -> str | None:
    """The account whose reminders the actor sees: a person, their own; nobody else."""
    return actor.account_id if actor.role is Role.PERSON else None


def _create(actor: Actor, target: object | None) -> bool:
    return reminders_of(actor) is not None


def _own(actor: Actor, target: object | None) -> bool:
    owner = reminders_of(actor)
    return owner is not None and getattr(target, "owner_id", None) == owner


def _list(actor: Actor, target: object | None) -> bool:
    # Anyone may ask; the scope decides what they see (nothing, for a non-person).
    return actor.role in ANY_ROLE


RULES: Mapping[Action, Rule] = {
    Action.REMINDER_CREATE: _create,
    Action.REMINDER_LIST: _list,
    Action.REMINDER_MANAGE: _own,
}

SCOPES: Mapping[Action, Scope] = {
    Action.REMINDER_LIST: reminders_of,
}
