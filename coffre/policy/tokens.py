"""What a professional's personal access token may do: its scopes.

A token (coffre/accounts/tokens.py) carries a set of scopes chosen by its professional
when it is made. Each API route a token may use names the one scope it needs
(``api/token_scopes.py``); every other route refuses a token. The scope narrows what
the role allows, never widens it: ``coffre.policy.can`` still decides on the
professional's own rights, and ``permits`` is asked first.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from coffre.policy.core import Action, Actor, Role, Rule, Standing


class Scope(StrEnum):
    """A token's scopes, as the partner's integration asks for them (docs/PARTNERS.md)."""

    READ_GRANTS = "grants:read"  # the grants made to the professional, one grant, receipts
    PULL = "grants:pull"  # pulling a granted document
    REPORT = "grants:report"  # reporting a grant's outcome ("droit ouvert"...)
    REQUEST = "requests"  # asking a person for documents, and the requests sent
    DEPOSIT = "deposits"  # depositing a document for a person


ALL_SCOPES = frozenset(Scope)


def permits(actor: Actor, scope: Scope | None) -> bool:
    """A human session: yes (its role decides). A token: only a route that names a
    scope (``scope`` not None) the token holds."""
    if actor.scopes is None:
        return True
    return scope is not None and scope.value in actor.scopes


def parse_scopes(values: object) -> frozenset[Scope] | None:
    """The scopes named by ``values`` (strings), or None when one is unknown."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        return None
    known = {scope.value: scope for scope in Scope}
    scopes: set[Scope] = set()
    for value in values:
        if not isinstance(value, str) or value not in known:
            return None
        scopes.add(known[value])
    return frozenset(scopes)


def _human_professional(actor: Actor) -> bool:
    # A token never makes, lists or revokes tokens: only the professional's own session.
    return actor.role is Role.PROFESSIONAL and actor.token_id is None


def _create(actor: Actor, target: object | None) -> bool:
    """A professional in a human session, certified member of the structure whose
    membership the token will belong to (``target``: that standing)."""
    return _human_professional(actor) and isinstance(target, Standing) and target.is_member


def _list(actor: Actor, target: object | None) -> bool:
    return _human_professional(actor)


def _revoke(actor: Actor, target: object | None) -> bool:
    return _human_professional(actor) and getattr(target, "owner_id", None) == actor.account_id


RULES: Mapping[Action, Rule] = {
    Action.TOKEN_CREATE: _create,
    Action.TOKEN_LIST: _list,
    Action.TOKEN_REVOKE: _revoke,
}
