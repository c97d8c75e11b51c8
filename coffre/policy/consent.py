"""Decision table: the charter, grants, pulls, requests, deposits (docs/CONSENT.md).

Two scopes carry the lists of the area: ``persons_own`` (a person sees the grants
they made and the requests waiting for them) and ``professionals_own`` (a
professional sees the grants made to them, the requests they sent and the persons
they may deposit for). The row rules on one grant or request are built from the same
functions, and the repositories' ``visible_to`` queries filter by them (``SCOPES``).
"""

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
    Scope,
    member,
)


def persons_own(actor: Actor) -> str | None:
    """The person whose grants and requests the actor sees: a person, themselves."""
    return actor.account_id if actor.role is Role.PERSON else None


def professionals_own(actor: Actor) -> str | None:
    """The professional whose grants received, requests sent and linked persons the
    actor sees: a professional, themselves."""
    return actor.account_id if actor.role is Role.PROFESSIONAL else None


def _territory_admin(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.TERRITORY_ADMIN


def _anyone(actor: Actor, target: object | None) -> bool:
    return actor.role in ANY_ROLE


def _person(actor: Actor, target: object | None) -> bool:
    return persons_own(actor) is not None


def _professional(actor: Actor, target: object | None) -> bool:
    return professionals_own(actor) is not None


def _persons_own(actor: Actor, target: object | None) -> bool:
    # The grant or request is the person's own (``owner_id`` is its person).
    person = persons_own(actor)
    return person is not None and getattr(target, "owner_id", None) == person


def _grantee(actor: Actor, target: object | None) -> bool:
    # The grant was made to the actor (``grantee_id`` is its professional).
    professional = professionals_own(actor)
    return professional is not None and getattr(target, "grantee_id", None) == professional


def _charter_officer(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.CHARTER_OFFICER


def _grant_party(actor: Actor, target: object | None) -> bool:
    # One grant is read by its person, its grantee, and the territory's charter officer
    # (one territory per deployment: every charter officer is the territory's), who
    # answers for the charter and may have to check a receipt.
    return (
        _persons_own(actor, target)
        or _grantee(actor, target)
        or (target is not None and _charter_officer(actor, target))
    )


def _pull(actor: Actor, target: object | None) -> bool:
    return isinstance(target, GrantAccess) and _grantee(actor, target) and target.open


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
    Action.CHARTER_PREVIEW: _territory_admin,
    Action.TERRITORY_ADHESIONS: _territory_admin,
    Action.DIRECTORY_READ: _anyone,
    Action.GRANT_CREATE: _person,
    Action.GRANT_LIST_OWN: _person,
    Action.GRANT_REVOKE: _persons_own,
    Action.REQUEST_ANSWER: _persons_own,
    Action.REQUEST_LIST_OWN: _person,
    Action.SHARED_WITH_ME: _professional,
    Action.REQUEST_LIST_SENT: _professional,
    Action.DEPOSIT_PERSONS: _professional,
    Action.GRANT_STATE: _grantee,
    Action.GRANT_RECEIPT: _grant_party,  # the receipt: the same three (R)
    Action.GRANTS_RECEIVED: _professional,
    Action.GRANT_READ: _grant_party,
    # The grantee reports what came of the grant (a right opened, a document missing or
    # unreadable), whatever its state now: a report reads nothing of the person's.
    Action.GRANT_OUTCOME: _grantee,
    Action.GRANT_PULL: _pull,
    Action.REQUEST_CREATE: _request,
    Action.DEPOSIT_CREATE: _deposit,
}

SCOPES: Mapping[Action, Scope] = {
    Action.GRANT_LIST_OWN: persons_own,
    Action.REQUEST_LIST_OWN: persons_own,
    Action.SHARED_WITH_ME: professionals_own,
    Action.GRANTS_RECEIVED: professionals_own,
    Action.REQUEST_LIST_SENT: professionals_own,
    Action.DEPOSIT_PERSONS: professionals_own,
}
