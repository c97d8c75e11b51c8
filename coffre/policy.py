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


@dataclass(frozen=True)
class Actor:
    """Who is calling: an authenticated account and the session it used."""

    account_id: str
    role: Role
    session_id: str


class OwnedThing(Protocol):
    @property
    def owner_id(self) -> str: ...


def can(actor: Actor, action: Action, target: OwnedThing | None = None) -> bool:
    """The one authorisation decision."""
    if action is Action.DOCUMENT_UPLOAD:
        return actor.role is Role.PERSON
    if action in (
        Action.DOCUMENT_READ,
        Action.DOCUMENT_DOWNLOAD,
        Action.DOCUMENT_UPDATE,
        Action.DOCUMENT_DELETE,
    ):
        return (
            target is not None and actor.role is Role.PERSON and target.owner_id == actor.account_id
        )
    return False
