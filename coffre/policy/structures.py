"""Decision table: structures, invitations, memberships (who runs the network)."""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import (
    ANY_ROLE,
    Action,
    Actor,
    MembershipTarget,
    Role,
    Rule,
    member,
    structure_admin,
)


def _anyone(actor: Actor, target: object | None) -> bool:
    return actor.role in ANY_ROLE


def _territory_admin(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.TERRITORY_ADMIN


def _members(actor: Actor, target: object | None) -> bool:
    return _territory_admin(actor, target) or structure_admin(target)


def _invite_professional(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL and structure_admin(target)


def _invite_person(actor: Actor, target: object | None) -> bool:
    # Assisted sign-up: any professional currently certified in a structure.
    return actor.role is Role.PROFESSIONAL and member(target)


def _certify(actor: Actor, target: object | None) -> bool:
    if not isinstance(target, MembershipTarget) or target.member_id == actor.account_id:
        return False
    if target.member_role == "structure_admin":
        return _territory_admin(actor, target)
    return actor.role is Role.PROFESSIONAL and target.standing.is_admin


def _end_membership(actor: Actor, target: object | None) -> bool:
    if not isinstance(target, MembershipTarget):
        return False
    return (
        _territory_admin(actor, target)
        or target.member_id == actor.account_id
        or (actor.role is Role.PROFESSIONAL and target.standing.is_admin)
    )


def _revoke_certificate(actor: Actor, target: object | None) -> bool:
    # The territory admin revokes any certificate; a structure admin, a professional's
    # of their own structure (never their own: the territory admin revokes admins).
    if not isinstance(target, MembershipTarget):
        return False
    if _territory_admin(actor, target):
        return True
    return (
        actor.role is Role.PROFESSIONAL
        and target.member_role == "professional"
        and target.member_id != actor.account_id
        and target.standing.is_admin
    )


def _rotate_keys(actor: Actor, target: object | None) -> bool:
    # A professional (structure admins included) replaces their own keys; the
    # territory admin's key is the root (its rotation is SPEC §26.5's), a charter
    # officer's and a person's are replaced by a reset.
    return actor.role is Role.PROFESSIONAL


RULES: Mapping[Action, Rule] = {
    Action.STRUCTURE_LIST: _anyone,
    Action.PROFESSIONAL_KEYS: _anyone,
    Action.STRUCTURE_ADMIT: _territory_admin,
    Action.INVITE_STRUCTURE_ADMIN: _territory_admin,
    Action.INVITE_CHARTER_OFFICER: _territory_admin,
    Action.STRUCTURE_MEMBERS: _members,
    Action.INVITE_PROFESSIONAL: _invite_professional,
    Action.INVITE_PERSON: _invite_person,
    Action.MEMBERSHIP_CERTIFY: _certify,
    Action.MEMBERSHIP_END: _end_membership,
    Action.CERTIFICATE_REVOKE: _revoke_certificate,
    Action.REVOCATIONS_PUBLISH: _territory_admin,
    Action.TRUST_ROOT_PUBLISH: _territory_admin,
    Action.KEYS_ROTATE: _rotate_keys,
}
