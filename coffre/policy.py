"""Authorisation, decided in one place.

``can(actor, action, target)`` answers every question of the form "may this actor
do that to this thing?". Repositories build their ``visible_to`` queries from the
same rules, and a refusal looks exactly like "not found" to the caller.
This foundation knows one role (the person who owns a vault); the accounts and
consent issues add professionals, grants and the charter here, not in routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """The kind of an account (``accounts.kind``).

    A structure admin is a professional whose membership of a structure carries the
    admin role (``structures.memberships``); the territory admin and the charter
    officer are accounts of their own kind.
    """

    PERSON = "person"
    PROFESSIONAL = "professional"
    TERRITORY_ADMIN = "territory_admin"
    CHARTER_OFFICER = "charter_officer"


# Roles whose accounts must use a second factor (TOTP) at every login.
TOTP_REQUIRED = frozenset({Role.TERRITORY_ADMIN, Role.CHARTER_OFFICER})
# Roles whose accounts may turn TOTP on (and then must use it).
TOTP_ALLOWED = frozenset({Role.PERSON, Role.PROFESSIONAL, *TOTP_REQUIRED})


class Action(StrEnum):
    DOCUMENT_READ = "document.read"
    DOCUMENT_DOWNLOAD = "document.download"
    DOCUMENT_DELETE = "document.delete"
    DOCUMENT_UPDATE = "document.update"
    DOCUMENT_UPLOAD = "document.upload"
    STRUCTURE_ADMIT = "structure.admit"
    STRUCTURE_LIST = "structure.list"
    STRUCTURE_MEMBERS = "structure.members"
    INVITE_STRUCTURE_ADMIN = "invite.structure_admin"
    INVITE_PROFESSIONAL = "invite.professional"
    INVITE_CHARTER_OFFICER = "invite.charter_officer"
    INVITE_PERSON = "invite.person"
    MEMBERSHIP_CERTIFY = "membership.certify"
    MEMBERSHIP_END = "membership.end"
    PROFESSIONAL_KEYS = "professional.keys"
    # Regaining access without the recovery kit, and leaving (coffre/accounts/reset.py,
    # erasure.py).
    ACCOUNT_RESET_ISSUE = "account.reset_issue"
    ACCOUNT_RESET_CANCEL = "account.reset_cancel"
    ACCOUNT_ERASE = "account.erase"
    # The territory's charter (coffre/consent/service.py); reading it is public.
    CHARTER_PUBLISH = "charter.publish"
    # Consent (coffre/consent/): sharing, pulling, asking, depositing.
    GRANT_CREATE = "grant.create"
    GRANT_REVOKE = "grant.revoke"
    GRANT_PULL = "grant.pull"
    SHARED_WITH_ME = "grant.shared_with_me"
    REQUEST_CREATE = "request.create"
    REQUEST_ANSWER = "request.answer"
    DEPOSIT_CREATE = "deposit.create"
    DIRECTORY_READ = "directory.read"
    # The directory of services (coffre/directory/): the guide is public; contacts are
    # for professionals; the territory admin imports and exports; a structure's admin
    # sees and confirms its entries not verified for a long time.
    DIRECTORY_IMPORT = "directory.import"
    DIRECTORY_EXPORT = "directory.export"
    DIRECTORY_CONTACTS = "directory.contacts"
    DIRECTORY_VERIFY = "directory.verify"
    # Traceability (coffre/audit/): the trail's views.
    AUDIT_CONSOLE = "audit.console"  # the territory's trail, metadata only
    AUDIT_HISTORY = "audit.history"  # a person's own history ("Qui a vu mes documents")
    ACCOUNT_EXPORT = "account.export"  # a person's full export


@dataclass(frozen=True)
class Actor:
    """Who is calling: an authenticated account and the session it used."""

    account_id: str
    role: Role
    session_id: str


class OwnedThing(Protocol):
    @property
    def owner_id(self) -> str: ...


@dataclass(frozen=True)
class Standing:
    """The actor's place in one structure (loaded by the structures service)."""

    structure_id: str
    role: str | None = None  # "professional" | "structure_admin" | None
    certified: bool = False
    active: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "structure_admin" and self.certified and self.active

    @property
    def is_member(self) -> bool:
        return self.role is not None and self.certified and self.active


class ResetLink(StrEnum):
    """A link the person made with a professional, which lets that professional issue a
    reset code for the person's login (``coffre.accounts.reset.links_of`` finds them).

    Only links the person made count: a certificate or a structure says nothing about
    who accompanies whom. The référent de parcours (the network issue) joins here as
    ``REFERENT``, found in ``links_of``; nothing else in the decision changes.
    """

    # A grant from the person to the professional, active today (the consent gate's
    # notion: not revoked, started, not expired, pulls left), made to a structure in
    # which the professional is still a certified member.
    ACTIVE_GRANT = "active_grant"


@dataclass(frozen=True)
class ResetTarget:
    """A person's account to reset, the issuer's standing in the structure of their
    link with the person, and the links the person made with the issuer."""

    account_kind: str
    issuer_standing: Standing
    links: frozenset[ResetLink] = frozenset()


@dataclass(frozen=True)
class MembershipTarget:
    """A membership acted upon, with the actor's standing in the same structure."""

    member_id: str
    member_role: str
    standing: Standing


@dataclass(frozen=True)
class GrantAccess:
    """Everything a pull depends on, gathered by ``coffre.consent.gate``.

    ``open`` is True only when the grant is active (not revoked, not expired, pulls
    left), the professional is still a certified member of the grant's structure,
    the structure still adheres to the charter in force, and both the grant's charter
    version and the one in force still permit it.
    """

    grantee_id: str
    open: bool


@dataclass(frozen=True)
class PersonLink:
    """A professional's link with a person: a grant made to them, or a request answered."""

    standing: Standing
    linked: bool


ANY_ROLE = frozenset(Role)


def can(actor: Actor, action: Action, target: object | None = None) -> bool:
    """The one authorisation decision."""
    if action in _DIRECTORY_ACTIONS:
        return _can_in_directory(actor, action, target)
    if action.value.startswith(("structure.", "invite.", "membership.", "professional.")):
        return _can_in_network(actor, action, target)
    if action is Action.DOCUMENT_UPLOAD:
        return actor.role is Role.PERSON
    if action in (
        Action.DOCUMENT_READ,
        Action.DOCUMENT_DOWNLOAD,
        Action.DOCUMENT_UPDATE,
        Action.DOCUMENT_DELETE,
    ):
        owner = getattr(target, "owner_id", None)
        return actor.role is Role.PERSON and owner == actor.account_id
    if action is Action.ACCOUNT_RESET_ISSUE:
        # A reset code lets its holder replace a person's keys (after a waiting period
        # the person is told of and may cancel, coffre/accounts/reset.py): only for a
        # person's account, by a professional the person is linked with (ResetLink),
        # still a certified member of the link's structure, or by the territory admin
        # (the territory's trust root; the same notice, wait and cancel apply).
        if not isinstance(target, ResetTarget) or target.account_kind != Role.PERSON.value:
            return False
        return actor.role is Role.TERRITORY_ADMIN or (
            actor.role is Role.PROFESSIONAL
            and target.issuer_standing.is_member
            and bool(target.links)
        )
    if action is Action.ACCOUNT_RESET_CANCEL:
        # The holder of the account (a session opened with the passphrase or the kit)
        # sees and cancels a reset of their own account, whatever its kind (an operator
        # may reset any account: coffre admin reset-code).
        return actor.role in ANY_ROLE
    if action is Action.CHARTER_PUBLISH:
        return actor.role is Role.TERRITORY_ADMIN
    if action.value.startswith(("grant.", "request.", "deposit.", "directory.")):
        return _can_in_consent(actor, action, target)
    if action is Action.AUDIT_CONSOLE:
        # The charter officer checks that the network keeps to the charter; they see
        # metadata only (never contents: nothing is ever sealed to them).
        return actor.role is Role.CHARTER_OFFICER
    if action in (Action.AUDIT_HISTORY, Action.ACCOUNT_EXPORT):
        return actor.role is Role.PERSON
    if action is Action.ACCOUNT_ERASE:
        # Persons erase their own account. Professional and admin accounts carry the
        # network's trust (profiles, certificates): erased by an operator, not here.
        return actor.role is Role.PERSON
    return False


def _can_in_consent(actor: Actor, action: Action, target: object | None) -> bool:
    """Grants, pulls, requests, deposits (docs/CONSENT.md)."""
    person = actor.role is Role.PERSON
    professional = actor.role is Role.PROFESSIONAL
    if action is Action.DIRECTORY_READ:
        return actor.role in ANY_ROLE
    if action is Action.GRANT_CREATE:
        return person
    if action in (Action.GRANT_REVOKE, Action.REQUEST_ANSWER):
        # The grant or request is the person's own (``owner_id`` is its person).
        return person and getattr(target, "owner_id", None) == actor.account_id
    if action is Action.SHARED_WITH_ME:
        return professional
    if action is Action.GRANT_PULL:
        return (
            professional
            and isinstance(target, GrantAccess)
            and target.grantee_id == actor.account_id
            and target.open
        )
    if action is Action.REQUEST_CREATE:
        return professional and isinstance(target, Standing) and target.is_member
    if action is Action.DEPOSIT_CREATE:
        return (
            professional
            and isinstance(target, PersonLink)
            and target.standing.is_member
            and target.linked
        )
    return False


_DIRECTORY_ACTIONS = frozenset(
    {
        Action.DIRECTORY_IMPORT,
        Action.DIRECTORY_EXPORT,
        Action.DIRECTORY_CONTACTS,
        Action.DIRECTORY_VERIFY,
    }
)


def _can_in_directory(actor: Actor, action: Action, target: object | None) -> bool:
    """The directory of services (docs/ROLES.md). ``target`` is the actor's standing:
    in any structure for contacts, in the entry's structure for a verification."""
    if actor.role is Role.TERRITORY_ADMIN:
        return True
    if action is Action.DIRECTORY_CONTACTS:
        return actor.role is Role.PROFESSIONAL and isinstance(target, Standing) and target.is_member
    if action is Action.DIRECTORY_VERIFY:
        return actor.role is Role.PROFESSIONAL and isinstance(target, Standing) and target.is_admin
    return False


def _can_in_network(actor: Actor, action: Action, target: object | None) -> bool:
    """Structures, invitations, memberships: who may run the territory's network."""
    territory_admin = actor.role is Role.TERRITORY_ADMIN
    if action in (Action.STRUCTURE_LIST, Action.PROFESSIONAL_KEYS):
        return actor.role in ANY_ROLE
    if action in (
        Action.STRUCTURE_ADMIT,
        Action.INVITE_STRUCTURE_ADMIN,
        Action.INVITE_CHARTER_OFFICER,
    ):
        return territory_admin
    if action is Action.STRUCTURE_MEMBERS:
        return territory_admin or (isinstance(target, Standing) and target.is_admin)
    if action is Action.INVITE_PROFESSIONAL:
        return actor.role is Role.PROFESSIONAL and isinstance(target, Standing) and target.is_admin
    if action is Action.INVITE_PERSON:
        # Assisted sign-up: any professional currently certified in a structure.
        return actor.role is Role.PROFESSIONAL and isinstance(target, Standing) and target.is_member
    if not isinstance(target, MembershipTarget):
        return False
    if action is Action.MEMBERSHIP_CERTIFY:
        if target.member_id == actor.account_id:
            return False
        if target.member_role == "structure_admin":
            return territory_admin
        return actor.role is Role.PROFESSIONAL and target.standing.is_admin
    if action is Action.MEMBERSHIP_END:
        return (
            territory_admin
            or target.member_id == actor.account_id
            or (actor.role is Role.PROFESSIONAL and target.standing.is_admin)
        )
    return False
