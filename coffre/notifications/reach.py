"""Reaching an account outside the app, as the account (and the charter officer) see it:
its choices (channels, quiet hours, language, digest, reminders), its devices for Web
Push, and the delivery log. The deliverer itself is coffre/notifications/outbox.py.

A push subscription is one device: its endpoint is unique, so the same browser
subscribing again updates its row, and a browser another account subscribed on (a
shared phone) becomes this account's: the previous account stops being told there.
Endpoints are ``https``; outside production a loopback ``http`` endpoint is accepted
too (the tests' push endpoint), never another ``http`` host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.ids import is_valid_id, new_id
from coffre.notifications import errors, preferences
from coffre.notifications import repository as repo
from coffre.notifications.channels.webpush import Subscription, parse_subscription
from coffre.notifications.models import Delivery, NotificationSettings, PushSubscription
from coffre.notifications.preferences import Preferences
from coffre.policy import Action, Actor, Role, can
from coffre.settings import Settings
from coffre.structures.errors import NotAllowed
from coffre.text import check_text

MAX_LISTED = 100
CONSOLE_ACTION = "audit.console"
LABEL_LENGTH = 60
# The fields an account may set (``Preferences``'s), in the order the page shows them.
FIELDS = tuple(f.name for f in fields(Preferences))


@dataclass(frozen=True)
class SettingsView:
    prefs: Preferences
    chosen: tuple[str, ...]
    sms_possible: bool
    desk: bool


@dataclass(frozen=True)
class OfficerRow:
    """One delivery as the charter officer sees it: the person by pseudonym, a desk
    account by its display name; never an address, a number or a text."""

    id: str
    created_at: datetime
    kind: str
    channel: str
    state: str
    attempts: int
    reason: str
    sent_at: datetime | None
    recipient: str
    recipient_role: str


@dataclass(frozen=True)
class _Owned:
    owner_id: str


class Reach:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        push_key: Callable[[], str | None],
        pseudonym: Callable[[str], str],
    ) -> None:
        self._db = db
        self._clock = clock
        self._production = settings.environment == "production"
        self._max_devices = settings.push_max_devices
        self._push_key = push_key
        self._pseudonym = pseudonym

    # -- choices --------------------------------------------------------------------
    def settings(self, actor: Actor) -> SettingsView:
        self._allowed(actor, Action.NOTIFY_SETTINGS)
        with self._db.unit_of_work() as db:
            return self._view(db, actor)

    def update(self, actor: Actor, changes: Mapping[str, Any]) -> SettingsView:
        """Set the fields ``changes`` names (the others stay); all checked, or nothing
        is saved. Text is checked for control characters before anything else."""
        self._allowed(actor, Action.NOTIFY_SETTINGS)
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        for value in changes.values():
            if isinstance(value, str):
                check_text(value)
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            # One change of an account's choices at a time: the first one inserts the
            # row, and parallel first changes (a double tap) would each insert it.
            hold(db, "notification-settings", actor.account_id)
            found = repo.account_kind_and_login(db, actor.account_id)
            if found is None:
                raise NotAllowed()
            _kind, login = found
            current = preferences.get(db, actor.account_id)
            email = changes.get("email", current.email)
            if isinstance(email, str):
                email = email.strip() or None
            wanted = preferences.with_changes(
                current, **{**changes, "email": email} if "email" in changes else changes
            )
            desk = can(actor, Action.NOTIFY_DESK)
            preferences.checked(wanted, desk=desk, login=login)
            preferences.save(db, actor.account_id, wanted, now)
            row = db.get(NotificationSettings, actor.account_id)
            assert row is not None
            chosen = set(filter(None, row.chosen.split(","))) | set(changes)
            row.chosen = ",".join(name for name in FIELDS if name in chosen)
            db.flush()
            return self._view(db, actor)

    # -- devices ----------------------------------------------------------------------
    def push_key(self, actor: Actor) -> str:
        self._allowed(actor, Action.NOTIFY_SETTINGS)
        key = self._push_key()
        if key is None:
            raise errors.PushUnavailable()
        return key

    def subscriptions(self, actor: Actor) -> Sequence[PushSubscription]:
        self._allowed(actor, Action.NOTIFY_SETTINGS)
        with self._db.unit_of_work() as db:
            return repo.subscriptions_of(db, actor.account_id)

    def subscribe(
        self, actor: Actor, subscription: Mapping[str, Any], label: str | None
    ) -> PushSubscription:
        """Add this device (or update it: same endpoint) for the actor."""
        self._allowed(actor, Action.NOTIFY_SETTINGS)
        if label is not None:
            check_text(label)
        checked = self._checked(subscription)
        shown = (label or "").strip()[:LABEL_LENGTH] or "Appareil"
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            # One decision per account at a time: the count below is the database's.
            hold(db, "push-subscriptions", actor.account_id)
            # And one decision per device: accounts sharing a phone may subscribe its
            # browser at the same moment (every caller takes the account's lock first).
            hold(db, "push-endpoint", checked.endpoint)
            row = repo.subscription_by_endpoint(db, checked.endpoint)
            if row is not None and row.account_id != actor.account_id:
                db.delete(row)  # the device is this account's now (a shared phone)
                db.flush()
                row = None
            if row is None:
                if repo.count_subscriptions(db, actor.account_id) >= self._max_devices:
                    raise errors.TooManyPushSubscriptions()
                row = PushSubscription(
                    id=new_id(),
                    account_id=actor.account_id,
                    endpoint=checked.endpoint,
                    created_at=now,
                )
                db.add(row)
            row.p256dh = checked.p256dh
            row.auth = checked.auth
            row.label = shown
            db.flush()
            return row

    def unsubscribe(self, actor: Actor, subscription_id: str) -> None:
        # write=True: it reads, then writes (SQLite: BEGIN IMMEDIATE, no lock upgrade).
        with self._db.unit_of_work(write=True) as db:
            row = (
                db.get(PushSubscription, subscription_id) if is_valid_id(subscription_id) else None
            )
            if row is None or not can(actor, Action.NOTIFY_SUBSCRIPTION, _Owned(row.account_id)):
                raise errors.PushSubscriptionNotFound()
            # One statement decides: of parallel removals, the others find nothing.
            if not repo.remove_subscription(db, row.id):
                raise errors.PushSubscriptionNotFound()

    # -- delivery logs -------------------------------------------------------------------
    def deliveries(self, actor: Actor) -> Sequence[Delivery]:
        """The actor's own deliveries, newest first (at most ``MAX_LISTED``)."""
        self._allowed(actor, Action.NOTIFY_DELIVERIES)
        with self._db.unit_of_work() as db:
            return repo.deliveries_of(db, actor.account_id, MAX_LISTED)

    def console_deliveries(
        self, actor: Actor, states: Sequence[str] = (), limit: int = MAX_LISTED
    ) -> list[OfficerRow]:
        """The territory's newest deliveries for the charter officer; reading it is on
        record (an ``audit.console`` entry, view ``deliveries``), refused tries too."""
        now = self._clock.now()
        details: dict[str, Any] = {"view": "deliveries"}
        if not can(actor, Action.NOTIFY_CONSOLE):
            with self._db.unit_of_work() as db:
                entry = audit.by(
                    actor, CONSOLE_ACTION, outcome="refused", object_type="console", details=details
                )
                audit.append(db, entry, now)
            raise NotAllowed()
        if any(state not in repo.STATES for state in states) or not 1 <= limit <= MAX_LISTED:
            raise errors.InvalidDeliveryFilter()
        if states:
            details["filters"] = {"state": ",".join(states)}
        with self._db.unit_of_work() as db:
            found = repo.newest_deliveries(db, limit, states)
            desks = {d.account_id for d, kind in found if kind != Role.PERSON.value}
            names = repo.display_names(db, desks)
            rows = [
                OfficerRow(
                    id=d.id,
                    created_at=d.created_at,
                    kind=d.kind,
                    channel=d.channel,
                    state=d.state,
                    attempts=d.attempts,
                    reason=d.reason,
                    sent_at=d.sent_at,
                    recipient=(
                        self._pseudonym(d.account_id)
                        if kind == Role.PERSON.value
                        else names.get(d.account_id, "—")
                    ),
                    recipient_role=kind,
                )
                for d, kind in found
            ]
            audit.append(
                db, audit.by(actor, CONSOLE_ACTION, object_type="console", details=details), now
            )
            return rows

    @staticmethod
    def end_for_erased(db: DbSession, account_id: str, now: datetime) -> None:
        """An erased account's ways out go with it (its e-mail address, its devices'
        endpoints); deliveries still waiting end as failed (``account_gone``)."""
        repo.forget_account(db, account_id, now)

    # -- internals ----------------------------------------------------------------------
    @staticmethod
    def _allowed(actor: Actor, action: Action) -> None:
        if not can(actor, action):
            raise NotAllowed()

    def _view(self, db: DbSession, actor: Actor) -> SettingsView:
        row = db.get(NotificationSettings, actor.account_id)
        found = repo.account_kind_and_login(db, actor.account_id)
        login = found[1] if found is not None else ""
        return SettingsView(
            prefs=preferences.get(db, actor.account_id),
            chosen=tuple(filter(None, row.chosen.split(","))) if row is not None else (),
            sms_possible=preferences.is_phone_login(login),
            desk=can(actor, Action.NOTIFY_DESK),
        )

    def _checked(self, subscription: Mapping[str, Any]) -> Subscription:
        for value in (
            subscription.get("endpoint"),
            *(subscription.get("keys") or {}).values(),
        ):
            if isinstance(value, str):
                check_text(value)
        try:
            checked = parse_subscription(subscription, production=self._production)
        except ValueError as error:
            raise errors.InvalidPushSubscription() from error
        parts = urlsplit(checked.endpoint)
        if parts.scheme != "https" and not _loopback(parts.hostname or ""):
            raise errors.InvalidPushSubscription()
        if len(checked.endpoint) > 1000:
            raise errors.InvalidPushSubscription()
        return checked


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
