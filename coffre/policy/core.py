"""The vocabulary of authorisation: roles, actions, actors, and the facts rules read.

The rules themselves are one decision table per area (``coffre/policy/<area>.py``,
each a ``RULES`` mapping from action to rule); ``coffre.policy.can`` looks the action
up in the merged table. A rule takes the actor and the facts its area's service
gathered (a dataclass of this module, or a row with ``owner_id``) and answers yes
or no; the caller turns a no into the same answer as a missing id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeAlias


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
    DOCUMENT_LIST = "document.list"  # anyone lists; each sees the documents of their scope
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
    # Certificates with a life (coffre/structures/certificates.py): revoking one, the
    # root-signed revocation list, the v2 trust root and its rotations.
    CERTIFICATE_REVOKE = "certificate.revoke"
    REVOCATIONS_PUBLISH = "revocations.publish"
    TRUST_ROOT_PUBLISH = "trust_root.publish"
    # A professional replaces their own keys (coffre/structures/rotation.py).
    KEYS_ROTATE = "keys.rotate"
    # Regaining access without the recovery kit, and leaving (coffre/accounts/reset.py,
    # erasure.py).
    ACCOUNT_RESET_ISSUE = "account.reset_issue"
    ACCOUNT_RESET_CANCEL = "account.reset_cancel"
    ACCOUNT_ERASE = "account.erase"
    # The second factor (coffre/accounts/totp.py): who may turn it on, and off.
    TOTP_ENROL = "totp.enrol"
    TOTP_DISABLE = "totp.disable"
    # The trusted contact (coffre/contacts/): a person names one, and answers for it.
    CONTACT_NAME = "contact.name"
    # The territory's charter (coffre/consent/service.py); reading it is public.
    CHARTER_PUBLISH = "charter.publish"
    # The territory admin's preview of a charter file before publishing it (nothing
    # stored), the next version that ends an adhesion, and who adheres since when.
    CHARTER_PREVIEW = "charter.preview"
    TERRITORY_ADHESIONS = "territory.adhesions"
    # Consent (coffre/consent/): sharing, pulling, asking, depositing.
    GRANT_CREATE = "grant.create"
    GRANT_REVOKE = "grant.revoke"
    GRANT_PULL = "grant.pull"
    SHARED_WITH_ME = "grant.shared_with_me"
    GRANT_LIST_OWN = "grant.list_own"  # the grants a person made
    GRANT_STATE = "grant.state"  # the grant's own professional learns why a pull fails
    GRANT_RECEIPT = "grant.receipt"  # the receipt: its person, grantee, charter officer
    # The partner grants API (coffre/consent/received.py): the grants made to a
    # professional, page by page; one grant (its person, its grantee, the charter
    # officer); the grantee's report of what came of it.
    GRANTS_RECEIVED = "grant.received_list"
    GRANT_READ = "grant.read"
    GRANT_OUTCOME = "grant.outcome"
    REQUEST_CREATE = "request.create"
    REQUEST_ANSWER = "request.answer"
    REQUEST_LIST_OWN = "request.list_own"  # a person's requests waiting for an answer
    REQUEST_LIST_SENT = "request.list_sent"  # a professional's requests sent
    DEPOSIT_CREATE = "deposit.create"
    DEPOSIT_PERSONS = "deposit.persons"  # the persons a professional may deposit for
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
    AUDIT_COSIGN = "audit.cosign"  # the charter officer cosigns the log's checkpoints
    AUDIT_HISTORY = "audit.history"  # a person's own history ("Qui a vu mes documents")
    ACCOUNT_EXPORT = "account.export"  # a person's full export
    # The référent de parcours (coffre/referents/, coffre/policy/referents.py).
    REFERENT_READ = "referent.read"  # the person's own référent, proposals, hand-over
    REFERENT_DESIGNATE = "referent.designate"  # the person chooses (or changes) it
    REFERENT_MANAGE = "referent.manage"  # the person ends the link or sets its options
    REFERENT_PROPOSE = "referent.propose"  # a professional offers to be the référent
    REFERENT_ANSWER = "referent.answer"  # the person accepts or declines a proposal
    REFERENT_HANDOVER_NAME = "referent.handover_name"  # naming a successor
    REFERENT_HANDOVER_ANSWER = "referent.handover_answer"  # the person accepts or refuses
    REFERENT_FOLLOWED = "referent.followed"  # the référent's list of persons followed
    REFERENT_VIEW = "referent.view"  # the référent's view of one person followed
    # Relays between structures (coffre/relays/, coffre/policy/relays.py).
    RELAY_CREATE = "relay.create"  # a professional orients a person they accompany
    RELAY_ORIENT = "relay.orient"  # the kind of account that orients (before any person)
    RELAY_LIST = "relay.list"  # the relays the caller may see
    RELAY_LIST_MINE = "relay.list_mine"  # a person's relays (scope: the person)
    RELAY_LIST_HELD = "relay.list_held"  # a professional's boxes (scope: the professional)
    RELAY_READ = "relay.read"  # one relay
    RELAY_ANSWER = "relay.answer"  # the person agrees or refuses
    RELAY_TAKE = "relay.take"  # a member of the target structure takes or declines it
    RELAY_CLOSE = "relay.close"  # the person, the orienting or responsible professional
    RELAY_NOTE_KEY = "relay.note_key"  # a holder of the note key adds a reader
    RELAY_RETURN = "relay.return"  # the taker sends a return
    # The person's own reminders (coffre/reminders/, coffre/policy/reminders.py).
    REMINDER_CREATE = "reminder.create"
    REMINDER_LIST = "reminder.list"  # scope: the person
    REMINDER_MANAGE = "reminder.manage"  # read, change or delete one
    # The person's organiser: notes, contacts, appointments (coffre/organiser/).
    ORGANISER_LIST = "organiser.list"  # anyone asks; scope: the person's own
    ORGANISER_CREATE = "organiser.create"
    ORGANISER_MANAGE = "organiser.manage"  # change or delete one
    # Reaching an account outside the app (coffre/notifications/, policy/notifications.py).
    NOTIFY_SETTINGS = "notify.settings"  # one's own channels, quiet hours, reminders
    NOTIFY_SUBSCRIPTION = "notify.subscription"  # one of one's own push subscriptions
    NOTIFY_DELIVERIES = "notify.deliveries"  # one's own delivery log
    NOTIFY_CONSOLE = "notify.console"  # the territory's delivery log (charter officer)
    NOTIFY_DESK = "notify.desk"  # e-mail and a daily digest (professionals and admins)
    # A structure's webhooks (coffre/webhooks/, coffre/policy/webhooks.py): its admin
    # registers, lists and deletes endpoints, reads the delivery log, replays.
    WEBHOOK_MANAGE = "webhook.manage"
    # A professional's personal access tokens (coffre/accounts/tokens.py,
    # coffre/policy/tokens.py): made, listed and revoked from a human session only.
    TOKEN_CREATE = "token.create"  # noqa: S105 (action names)
    TOKEN_LIST = "token.list"  # noqa: S105
    TOKEN_REVOKE = "token.revoke"  # noqa: S105


@dataclass(frozen=True)
class Actor:
    """Who is calling: an authenticated account and the session it used.

    A professional's personal access token (coffre/accounts/tokens.py) is a session of
    its own kind: ``token_id`` names it (and ``session_id == token_id``), ``scopes``
    holds what it may do (``coffre.policy.tokens.Scope`` values). ``scopes`` is None for
    a human session, which may do everything its role allows.
    """

    account_id: str
    role: Role
    session_id: str
    token_id: str | None = None
    scopes: frozenset[str] | None = None

    @property
    def is_token(self) -> bool:
        return self.token_id is not None


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
    # The person's active référent de parcours, still a certified member of the link's
    # structure (coffre/referents/).
    REFERENT = "referent"


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


Rule: TypeAlias = "Callable[[Actor, object | None], bool]"
# A list's scope: the account whose rows the actor sees in that list (the rows' owner,
# person or professional is that account), or None when the actor sees none. An area
# builds its row rules from the same function, and its repository's ``visible_to``
# turns the scope into the query's filter: a list shows exactly the rows ``can`` allows.
Scope: TypeAlias = "Callable[[Actor], str | None]"


def owns(actor: Actor, target: object | None) -> bool:
    """The target (a document, a grant, a request...) is the actor's own."""
    return getattr(target, "owner_id", None) == actor.account_id


def member(target: object | None) -> bool:
    """The facts are a standing, and it is a certified, active membership."""
    return isinstance(target, Standing) and target.is_member


def structure_admin(target: object | None) -> bool:
    """The facts are a standing, and it is a certified, active structure admin's."""
    return isinstance(target, Standing) and target.is_admin
