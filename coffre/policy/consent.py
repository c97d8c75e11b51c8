"""Decision table: the charter, grants, pulls, requests, deposits (docs/CONSENT.md)."""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import (
    ANY_ROLE,
    Action,
    Actor,
    GrantAccess,
    PersonLink,
    Role,
    Rule,
    member,
    owns,
)


def _territory_admin(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.TERRITORY_ADMIN


def _anyone(actor: Actor, target: object | None) -> bool:
    return actor.role in ANY_ROLE


def _person(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PERSON


def _professional(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL


def _persons_own(actor: Actor, target: object | None) -> bool:
    # The grant or request is the person's own (``owner_id`` is its person).
    return actor.role is Role.PERSON and owns(actor, target)


def _pull(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, GrantAccess)
        and target.grantee_id == actor.account_id
        and target.open
    )


def _request(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL and member(target)


def _deposit(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, PersonLink)
        and target.standing.is_member
        and target.linked
    )


RULES: Mapping[Action, Rule] = {
    Action.CHARTER_PUBLISH: _territory_admin,
    Action.DIRECTORY_READ: _anyone,
    Action.GRANT_CREATE: _person,
    Action.GRANT_REVOKE: _persons_own,
    Action.REQUEST_ANSWER: _persons_own,
    Action.SHARED_WITH_ME: _professional,
    Action.GRANT_PULL: _pull,
    Action.REQUEST_CREATE: _request,
    Action.DEPOSIT_CREATE: _deposit,
}
