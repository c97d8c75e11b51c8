"""Authorisation, decided in one place.

``can(actor, action, target)`` answers every question of the form "may this actor
do that to this thing?" by looking the action up in one decision table per area
(``RULES`` in each module of this package). No rule branches on an action's name;
an action without a rule is refused. Repositories build their ``visible_to``
queries from the same facts, and a refusal looks exactly like "not found" to the
caller.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy import (
    accounts,
    consent,
    directory,
    notifications,
    organiser,
    referents,
    relays,
    reminders,
    structures,
    tokens,
    vault,
    webhooks,
)
from coffre.policy.core import (
    ANY_ROLE,
    TOTP_ALLOWED,
    TOTP_REQUIRED,
    Action,
    Actor,
    GrantAccess,
    MembershipTarget,
    OwnedThing,
    PersonLink,
    ResetLink,
    ResetTarget,
    Role,
    Rule,
    Scope,
    Standing,
)

__all__ = [
    "ANY_ROLE",
    "TABLE",
    "TOTP_ALLOWED",
    "TOTP_REQUIRED",
    "Action",
    "Actor",
    "GrantAccess",
    "MembershipTarget",
    "OwnedThing",
    "PersonLink",
    "ResetLink",
    "ResetTarget",
    "Role",
    "SCOPES",
    "Rule",
    "Scope",
    "Standing",
    "can",
    "scope",
]

_AREAS = (
    vault,
    accounts,
    consent,
    directory,
    structures,
    referents,
    relays,
    notifications,
    reminders,
    organiser,
    tokens,
    webhooks,
)


def _merge(*tables: Mapping[Action, Rule]) -> Mapping[Action, Rule]:
    merged: dict[Action, Rule] = {}
    for table in tables:
        for action, rule in table.items():
            if action in merged:
                raise RuntimeError(f"two rules for {action.value}")
            merged[action] = rule
    return merged


TABLE: Mapping[Action, Rule] = _merge(*(area.RULES for area in _AREAS))

# The lists' scopes (``Scope`` in core.py), by list action: an area's ``SCOPES``.
SCOPES: Mapping[Action, Scope] = {
    action: scope for area in _AREAS for action, scope in getattr(area, "SCOPES", {}).items()
}


def can(actor: Actor, action: Action, target: object | None = None) -> bool:
    """The one authorisation decision."""
    rule = TABLE.get(action)
    return rule is not None and rule(actor, target)


def scope(actor: Actor, action: Action) -> str | None:
    """The account whose rows the actor sees in the list ``action`` names, or None (no
    row): what the repositories' ``visible_to`` queries filter by. None as well when
    the actor may not ask for the list at all."""
    find = SCOPES.get(action)
    if find is None or not can(actor, action):
        return None
    return find(actor)
