"""Decision table: relays between structures (coffre/relays/, docs/NETWORK.md "Relais").

The person decides: nothing reaches the target structure before the person agreed.
A professional orients only a person they accompany (a grant made to them, a request
answered, or their référent link: ``PersonLink``), as a certified member of a
structure. Who sees a relay (``RelayFacts``): the person; the orienting and the
responsible professional; the person's référent; the professional who took it; and,
once the person agreed, the certified members of the target structure (one of them
takes it). Only those members take or decline; only the taker sends a return; the
person, the orienting or the responsible professional close it; a holder of the note
key (the person, the note's author, the taker for a return) adds a reader's sealed key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coffre.policy.core import Action, Actor, PersonLink, Role, Rule, Scope


@dataclass(frozen=True)
class RelayFacts:
    """The caller's relation to one relay, gathered by ``coffre.relays.service``."""

    owner_id: str  # the person concerned
    orienting_id: str
    responsible_id: str
    taken_by: str | None
    agreed: bool  # the person agreed (agreed_at is set)
    target_member: bool  # the caller is a certified, active member of the target structure
    referent: bool  # the caller is the person's active référent


def persons_own(actor: Actor) -> str | None:
    """The person whose relays the actor lists (box ``mine``): a person, themselves."""
    return actor.account_id if actor.role is Role.PERSON else None


def professionals_own(actor: Actor) -> str | None:
    """The professional whose boxes the actor lists (orienting, responsible, taken,
    incoming, followed): a professional, themselves."""
    return actor.account_id if actor.role is Role.PROFESSIONAL else None


def _person(actor: Actor, target: object | None) -> bool:
    return persons_own(actor) is not None


def _professional(actor: Actor, target: object | None) -> bool:
    return professionals_own(actor) is not None


def _person_or_professional(actor: Actor, target: object | None) -> bool:
    return _person(actor, target) or _professional(actor, target)


def _create(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, PersonLink)
        and target.standing.is_member
        and target.linked
    )


def _the_person(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PERSON
        and isinstance(target, RelayFacts)
        and target.owner_id == actor.account_id
    )


def _in_charge(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, RelayFacts)
        and actor.account_id in (target.orienting_id, target.responsible_id)
    )


def _taker(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, RelayFacts)
        and target.taken_by == actor.account_id
    )


def _receiving(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, RelayFacts)
        and target.agreed
        and target.target_member
    )


def _referent(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL and isinstance(target, RelayFacts) and target.referent


def _read(actor: Actor, target: object | None) -> bool:
    return any(
        rule(actor, target) for rule in (_the_person, _in_charge, _taker, _receiving, _referent)
    )


def _close(actor: Actor, target: object | None) -> bool:
    return _the_person(actor, target) or _in_charge(actor, target)


def _note_key(actor: Actor, target: object | None) -> bool:
    return _the_person(actor, target) or _in_charge(actor, target) or _taker(actor, target)


RULES: Mapping[Action, Rule] = {
    Action.RELAY_ORIENT: _professional,
    Action.RELAY_CREATE: _create,
    Action.RELAY_LIST: _person_or_professional,
    Action.RELAY_LIST_MINE: _person,
    Action.RELAY_LIST_HELD: _professional,
    Action.RELAY_READ: _read,
    Action.RELAY_ANSWER: _the_person,
    Action.RELAY_TAKE: _receiving,
    Action.RELAY_CLOSE: _close,
    Action.RELAY_NOTE_KEY: _note_key,
    Action.RELAY_RETURN: _taker,
}

# The lists' scopes (coffre/policy/__init__.py ``scope``): whose relays ``GET /relays``
# shows, the row rule ``_read`` checking each one again.
SCOPES: Mapping[Action, Scope] = {
    Action.RELAY_LIST_MINE: persons_own,
    Action.RELAY_LIST_HELD: professionals_own,
}
