"""Decision table: reaching an account outside the app (coffre/notifications/).

Every account chooses its own channels, quiet hours and reminders, owns its push
subscriptions (one per device) and reads its own delivery log; the charter officer
reads the territory's delivery log, persons shown by pseudonym as in the console;
professionals and admins may also be reached by e-mail and choose a daily digest.
"""

from __future__ import annotations

from collections.abc import Mapping

from coffre.policy.core import ANY_ROLE, Action, Actor, Role, Rule, owns


def _any_account(actor: Actor, target: object | None) -> bool:
    return actor.role in ANY_ROLE


def _own(actor: Actor, target: object | None) -> bool:
    return owns(actor, target)


def _officer(actor: Actor, target: object | None) -> bool:
    return actor.role is Role.CHARTER_OFFICER


# Who may be reached by e-mail and choose a daily digest: the desks' accounts (persons
# have no e-mail address here, and one message a day would hide what a person must
# know at once).
DESK_ROLES = frozenset({Role.PROFESSIONAL, Role.TERRITORY_ADMIN, Role.CHARTER_OFFICER})


def _desk(actor: Actor, target: object | None) -> bool:
    return actor.role in DESK_ROLES


RULES: Mapping[Action, Rule] = {
    Action.NOTIFY_SETTINGS: _any_account,
    Action.NOTIFY_DELIVERIES: _any_account,
    Action.NOTIFY_SUBSCRIPTION: _own,
    Action.NOTIFY_CONSOLE: _officer,
    Action.NOTIFY_DESK: _desk,
}
