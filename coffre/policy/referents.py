"""Decision table: the référent de parcours (coffre/referents/, docs/NETWORK.md).

The person decides: they choose their référent among the certified professionals
(or accept a professional's proposal), change or end it, and answer a hand-over. A
professional proposes only to a person linked with them (a grant made to them, a
request answered: ``PersonLink``), and sees a person in the référent's view only while
they are that person's active référent AND still a certified member of the link's
structure (``Followed``). A successor is named by the référent themself or by an admin
of the link's structure (``HandoverNaming``); the successor sees nothing before the
person accepts (they are not the référent until then).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coffre.policy.core import Action, Actor, PersonLink, Role, Rule, Standing, owns


@dataclass(frozen=True)
class Candidate:
    """A professional the person names: their standing in the named structure."""

    professional_id: str
    account_kind: str
    standing: Standing


@dataclass(frozen=True)
class OwnedLink:
    """A link, proposal or hand-over of a person (``owner_id`` is the person)."""

    owner_id: str
    status: str


@dataclass(frozen=True)
class HandoverNaming:
    """One active link a successor would be named for: who follows the person now, the
    actor's standing in the link's structure, and the successor's best standing."""

    referent_id: str
    actor_standing: Standing
    successor_id: str
    successor_standing: Standing


@dataclass(frozen=True)
class Followed:
    """The caller as a person's référent: the active link's professional and the
    caller's standing in the link's structure (empty when no active link)."""

    referent_id: str
    standing: Standing


def _person(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PERSON


def _professional(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.PROFESSIONAL


def _designate(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PERSON
        and isinstance(target, Candidate)
        and target.account_kind == Role.PROFESSIONAL.value
        and target.professional_id != actor.account_id
        and target.standing.is_member
    )


def _own_active(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PERSON
        and owns(actor, target)
        and isinstance(target, OwnedLink)
        and target.status == "active"
    )


def _persons_own(actor: Actor, target: object | None) -> bool:
    # A proposal or hand-over made to the person: theirs to answer. Whether it still
    # waits is the service's question (answered already: a conflict, not a refusal).
    return actor.role is Role.PERSON and isinstance(target, OwnedLink) and owns(actor, target)


def _propose(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, PersonLink)
        and target.standing.is_member
        and target.linked
    )


def _name_successor(actor: Actor, target: object | None) -> bool:
    if actor.role is not Role.PROFESSIONAL or not isinstance(target, HandoverNaming):
        return False
    if target.successor_id == target.referent_id or not target.successor_standing.is_member:
        return False
    if target.referent_id == actor.account_id:
        return target.actor_standing.is_member
    return target.actor_standing.is_admin


def _view(actor: Actor, target: object | None) -> bool:
    return (
        actor.role is Role.PROFESSIONAL
        and isinstance(target, Followed)
        and target.referent_id == actor.account_id
        and target.standing.is_member
    )


RULES: Mapping[Action, Rule] = {
    Action.REFERENT_READ: _person,
    Action.REFERENT_DESIGNATE: _designate,
    Action.REFERENT_MANAGE: _own_active,
    Action.REFERENT_PROPOSE: _propose,
    Action.REFERENT_ANSWER: _persons_own,
    Action.REFERENT_HANDOVER_NAME: _name_successor,
    Action.REFERENT_HANDOVER_ANSWER: _persons_own,
    Action.REFERENT_FOLLOWED: _professional,
    Action.REFERENT_VIEW: _view,
}
