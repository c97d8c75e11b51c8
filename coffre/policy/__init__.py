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

from coffre.policy import accounts, consent, directory, referents, relays, structures, vault
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
    "Rule",
    "Standing",
    "can",
]

_AREAS = (vault, accounts, consent, directory, structures, referents, relays)


def _merge(*tables: Mapping[Action, Rule]) -> Mapping[Action, Rule]:
    merged: dict[Action, Rule] = {}
    for table in tables:
        for action, rule in table.items():
            if action in merged:
                raise RuntimeError(f"two rules for {action.value}")
            merged[action] = rule
    return merged


TABLE: Mapping[Action, Rule] = _merge(*(area.RULES for area in _AREAS))


def can(actor: Actor, action: Action, target: object | None = None) -> bool:
    """The one authorisation decision."""
    rule = TABLE.get(action)
    return rule is not None and rule(actor, target)
