"""Decision table: accounts, resets, erasure and a person's own trail."""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import (
    ANY_ROLE,
    TOTP_ALLOWED,
    TOTP_REQUIRED,
    Action,
    Actor,
    ResetTarget,
    Role,
    Rule,
)


def _reset_issue(actor: Actor, target: object | None) -> bool:
    # A reset code lets its holder replace a person's keys (after a waiting period the
    # person is told of and may cancel, coffre/accounts/reset.py): only for a person's
    # account, by a professional the person is linked with (ResetLink), still a
    # certified member of the link's structure, or by the territory admin (the
    # territory's trust root; the same notice, wait and cancel apply).
    if not isinstance(target, ResetTarget) or target.account_kind != Role.PERSON.value:
        return False
    return actor.role is Role.TERRITORY_ADMIN or (
        actor.role is Role.PROFESSIONAL and target.issuer_standing.is_member and bool(target.links)
    )


def _any_holder(actor: Actor, target: object | None) -> bool:
    # The holder of the account (a session opened with the passphrase or the kit) sees
    # and cancels a reset of their own account, whatever its kind (an operator may
    # reset any account: coffre admin reset-code).
    return actor.role in ANY_ROLE


def _person(actor: Actor, target: object | None) -> bool:
    # A person's own history, export and erasure. Professional and admin accounts
    # carry the network's trust (profiles, certificates): erased by an operator.
    return actor.role is Role.PERSON


def _totp_enrol(actor: Actor, target: object | None) -> bool:
    return actor.role in TOTP_ALLOWED


def _totp_disable(actor: Actor, target: object | None) -> bool:
    # The roles that must use a second factor may not turn it off.
    return actor.role in TOTP_ALLOWED and actor.role not in TOTP_REQUIRED


def _charter_officer(actor: Actor, target: object | None) -> bool:
    # The charter officer checks that the network keeps to the charter; they see
    # metadata only (never contents: nothing is ever sealed to them).
    return actor.role is Role.CHARTER_OFFICER


RULES: Mapping[Action, Rule] = {
    Action.ACCOUNT_RESET_ISSUE: _reset_issue,
    Action.ACCOUNT_RESET_CANCEL: _any_holder,
    Action.ACCOUNT_ERASE: _person,
    Action.AUDIT_HISTORY: _person,
    Action.ACCOUNT_EXPORT: _person,
    Action.AUDIT_CONSOLE: _charter_officer,
    # Cosigning checkpoints (coffre/audit/cosigning.py): the officer states the log grew
    # only by appending, as they checked it in their page.
    Action.AUDIT_COSIGN: _charter_officer,
    Action.TOTP_ENROL: _totp_enrol,
    Action.TOTP_DISABLE: _totp_disable,
    # A trusted contact is named by a person for their own account (coffre/contacts/).
    Action.CONTACT_NAME: _person,
}
