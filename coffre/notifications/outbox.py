"""The deliverer: notifications (the outbox) out of Coffre, at least once, never twice
for the same (notification, channel, recipient).

``deliver`` is the job ``notifications.deliver`` (coffre/jobs/registry.py); any number of
deliverers may run at once, in the app or in workers:

1. Dispatch: the oldest notifications without ``dispatched_at`` become deliveries, one
   per way out the account chose (each push device, SMS, e-mail), inserted with ON
   CONFLICT DO NOTHING on their idempotency key, and are marked dispatched in the same
   unit of work. A professional on the daily digest gets none here (``digest``).
   A delivery that falls in the account's quiet hours is due when they end.
2. Claim: ONE UPDATE moves due deliveries to ``sending`` with a lease and counts the
   attempt; PostgreSQL skips rows another deliverer is claiming, SQLite's write lock
   serialises the claims. A lease that runs out (a deliverer killed mid-send) makes the
   delivery due again: at least once.
3. Send, outside any transaction, through the channel (coffre/notifications/channels/
   base.py), a few at a time so that one slow provider does not hold the others.
4. Record, only if the claim is still ours (same state and attempt): SENT ends it;
   GONE ends it and removes the push subscription (404/410); FAILED ends it;
   RETRY waits ``retry * 2**(attempts-1)`` (at most 6 hours; longer if the far side's
   Retry-After says so; after quiet hours), or gives up after the last attempt or
   ``notifications_give_up_hours`` after the event: the delivery log says ``given_up``.

What goes out is the kind's lock-screen-safe text in the account's language
(coffre/notifications/messages.py), never the notification's data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from coffre.clock import Clock, as_utc
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.notifications import preferences
from coffre.notifications import repository as repo
from coffre.notifications.channels.answers import retry_wait
from coffre.notifications.channels.base import Channel, Outcome, Outgoing, Sent
from coffre.notifications.messages import DIGEST, text_for
from coffre.notifications.models import Delivery, Notification, PushSubscription
from coffre.settings import Settings

log = logging.getLogger(__name__)

# Sends in flight at once per deliverer: each is bounded by the channel's timeout.
SENDERS = 8
# Batches one run dispatches and sends at most (COFFRE_NOTIFICATIONS_BATCH each).
ROUNDS = 10


@dataclass
class Report:
    """What one run did (for logs and tests)."""

    dispatched: int = 0
    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> None:
        self.outcomes[state] = self.outcomes.get(state, 0) + 1


@dataclass(frozen=True)
class _Claim:
    id: str
    attempts: int
    channel: str
    created_at: datetime


@dataclass(frozen=True)
class _Ready:
    claim: _Claim
    target: str
    message: Outgoing
    prefs: preferences.Preferences


class Outbox:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, channels: Mapping[str, Channel]
    ) -> None:
        self._db = db
        self._clock = clock
        self._channels = dict(channels)
        self._batch = settings.notifications_batch
        self._lease = timedelta(seconds=settings.notifications_lease_seconds)
        self._retry = timedelta(seconds=settings.notifications_retry_seconds)
        self._max_attempts = settings.notifications_max_attempts
        self._give_up = timedelta(hours=settings.notifications_give_up_hours)
        self._digest_hour = settings.notifications_digest_hour

    @property
    def channels(self) -> Mapping[str, Channel]:
        return self._channels

    # -- the job --------------------------------------------------------------------
    def deliver(self) -> Report:
        """One run: dispatch what is new, then send what is due, a batch of each at a
        time, until a batch comes back short (at most ``ROUNDS`` batches: a burst of
        events leaves in one run, and a run still ends)."""
        report = Report()
        for _ in range(ROUNDS):
            dispatched = self.dispatch()
            claimed = self._send_batch(report)
            report.dispatched += dispatched
            report.claimed += claimed
            if dispatched < self._batch and claimed < self._batch:
                break
        return report

    def _send_batch(self, report: Report) -> int:
        claims = self._claim()
        if claims:
            ready = self._prepare(claims, report)
            if ready:
                with ThreadPoolExecutor(max_workers=min(SENDERS, len(ready))) as pool:
                    for state in pool.map(self._send_and_record, ready):
                        report.count(state)
        return len(claims)

    def dispatch(self) -> int:
        """Turn the oldest undispatched notifications into deliveries (one batch)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # A read first: most runs find nothing, and take no write lock for it.
            if not repo.any_undispatched(db):
                return 0
        with self._db.unit_of_work(write=True) as db:
            rows = repo.undispatched(db, self._batch)
            if not rows:
                return 0
            recipients = repo.recipients(db, {row.account_id for row in rows})
            values: list[dict[str, Any]] = []
            for row in rows:
                recipient = recipients.get(row.account_id)
                if recipient is None or recipient.daily:
                    continue  # an erased account; a digest reader (``digest``)
                due = preferences.quiet_until(recipient.prefs, now) or now
                for channel, target, to in recipient.targets(self._channels):
                    key = repo.delivery_key("n", row.id, channel, to)
                    new = self._new(key, row.account_id, row.kind, channel, target, due, now)
                    new["notification_id"] = row.id
                    values.append(new)
            repo.insert_deliveries(db, values)
            db.execute(
                update(Notification)
                .where(
                    Notification.id.in_([row.id for row in rows]),
                    Notification.dispatched_at.is_(None),
                )
                .values(dispatched_at=now)
                .execution_options(synchronize_session=False)
            )
            return len(rows)

    def digest(self) -> int:
        """The daily digests due now (returns how many deliveries were added): for each
        desk account that chose it, once its local ``notifications_digest_hour`` has
        passed, one message per way out saying how many notifications it had in the 24
        hours before that hour (none if none). Keyed by (account, local day, channel,
        recipient): run it as often as you like. Read first; the write lock is taken
        only when a digest is to be added."""
        now = self._clock.now()
        values: list[dict[str, Any]] = []
        with self._db.unit_of_work() as db:
            accounts = repo.daily_digest_accounts(db)
            recipients = repo.recipients(db, accounts)
            for account_id in accounts:
                recipient = recipients.get(account_id)
                if recipient is None or not recipient.daily:
                    continue
                prefs = recipient.prefs
                local = now.astimezone(prefs.zone)
                if local.hour < self._digest_hour:
                    continue
                day = local.date()
                targets = {
                    repo.delivery_key("digest", account_id, day.isoformat(), channel, to): (
                        channel,
                        target,
                    )
                    for channel, target, to in recipient.targets(self._channels)
                }
                missing = set(targets) - repo.existing_keys(db, list(targets))
                if not missing:
                    continue
                end = preferences.local_moment(prefs, day, self._digest_hour)
                start = preferences.local_moment(prefs, day - timedelta(days=1), self._digest_hour)
                count = repo.count_since(db, account_id, start, end)
                if count == 0:
                    continue
                due = preferences.quiet_until(prefs, now) or now
                for key in sorted(missing):
                    channel, target = targets[key]
                    row = self._new(key, account_id, DIGEST, channel, target, due, now)
                    row["count"] = count
                    values.append(row)
        if not values:
            return 0
        with self._db.unit_of_work(write=True) as db:
            return repo.insert_deliveries(db, values)

    # -- claiming, sending, recording --------------------------------------------------
    def _claim(self) -> list[_Claim]:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            if not repo.any_due(db, now):
                return []
        with self._db.unit_of_work(write=True) as db:
            candidates = repo.select_due(db, now, self._batch)
            statement = (
                update(Delivery)
                .where(Delivery.id.in_(candidates), repo.due(now))
                .values(
                    state=repo.SENDING,
                    lease_until=now + self._lease,
                    attempts=Delivery.attempts + 1,
                    updated_at=now,
                )
                .returning(Delivery.id, Delivery.attempts, Delivery.channel, Delivery.created_at)
                .execution_options(synchronize_session=False)
            )
            rows = db.execute(statement).all()
        return [_Claim(r.id, r.attempts, r.channel, as_utc(r.created_at)) for r in rows]

    def _prepare(self, claims: list[_Claim], report: Report) -> list[_Ready]:
        """The target and text of each claimed delivery, read in one short unit of work;
        a delivery without a target any more ends, one now in quiet hours waits (both
        written afterwards in a unit of work of their own that writes first: SQLite
        refuses a read-then-write transaction when another writer committed between)."""
        now = self._clock.now()
        ready: list[_Ready] = []
        ended: list[tuple[_Claim, str]] = []
        waiting: list[tuple[_Claim, datetime]] = []
        with self._db.unit_of_work() as db:
            ids = [claim.id for claim in claims]
            rows = {d.id: d for d in db.scalars(select(Delivery).where(Delivery.id.in_(ids)))}
            recipients = repo.recipients(db, {d.account_id for d in rows.values()})
            for claim in claims:
                delivery = rows.get(claim.id)
                if delivery is None:
                    continue
                recipient = recipients.get(delivery.account_id)
                if recipient is None:
                    ended.append((claim, "account_gone"))
                    continue
                prefs = recipient.prefs
                wait = preferences.quiet_until(prefs, now)
                if wait is not None:
                    waiting.append((claim, wait))
                    continue
                target = self._target(db, recipient, delivery)
                if target is None:
                    ended.append((claim, "turned_off"))
                    continue
                text = text_for(delivery.kind, prefs.language, delivery.count)
                message = Outgoing(key=delivery.key, title=text.title, body=text.body, url="/")
                ready.append(_Ready(claim, target, message, prefs))
        if ended or waiting:
            with self._db.unit_of_work(write=True) as db:
                for claim, reason in ended:
                    if self._update(db, claim, repo.FAILED, reason, now, {}):
                        report.count(repo.FAILED)
                for claim, until in waiting:
                    # Not an attempt: the claim's count is given back.
                    values = {"next_attempt_at": until, "attempts": claim.attempts - 1}
                    if self._update(db, claim, repo.PENDING, "quiet_hours", now, values):
                        report.count("quiet")
        return ready

    def _target(self, db: DbSession, recipient: repo.Recipient, delivery: Delivery) -> str | None:
        """The address the reference stands for, if the account still wants that way."""
        prefs = recipient.prefs
        if delivery.channel == "push":
            sub = db.get(PushSubscription, delivery.target)
            if not prefs.push or sub is None or sub.account_id != recipient.account_id:
                return None
            return json_subscription(sub)
        if delivery.channel == "sms":
            if prefs.sms and preferences.is_phone_login(recipient.login):
                return recipient.login
            return None
        if delivery.channel == "email":
            if recipient.desk and prefs.email_on and prefs.email:
                return prefs.email
            return None
        return recipient.account_id  # log: nothing to address

    def _send_and_record(self, ready: _Ready) -> str:
        channel = self._channels.get(ready.claim.channel)
        if channel is None:
            sent = Sent(Outcome.RETRY, "no_channel")
        else:
            try:
                sent = channel.send(ready.target, ready.message)
            except Exception as exc:  # a channel's bug must not stop the other sends
                log.exception("delivery %s: channel %s raised", ready.claim.id, channel.name)
                sent = Sent(Outcome.RETRY, f"error_{type(exc).__name__}"[:64])
        return self._record(ready, sent)

    def _record(self, ready: _Ready, sent: Sent) -> str:
        claim = ready.claim
        now = self._clock.now()
        reason = (sent.reason or sent.outcome.value)[:64]
        with self._db.unit_of_work() as db:
            if sent.outcome is Outcome.SENT:
                state = repo.SENT
                values: dict[str, Any] = {"sent_at": now}
            elif sent.outcome is Outcome.RETRY:
                late = now - claim.created_at >= self._give_up
                if claim.attempts >= self._max_attempts or late:
                    state = repo.GIVEN_UP
                    values = {}
                else:
                    state = repo.PENDING
                    values = {"next_attempt_at": self._next_attempt(ready, sent, now)}
            else:  # GONE, FAILED
                state = repo.FAILED
                values = {}
            changed = self._update(db, claim, state, reason, now, values)
            if changed and sent.outcome is Outcome.GONE and claim.channel == "push":
                delivery = db.get(Delivery, claim.id)
                if delivery is not None:
                    repo.remove_subscription(db, delivery.target)
        if state == repo.GIVEN_UP:
            log.warning(
                "delivery %s given up after %d attempts (%s)", claim.id, claim.attempts, reason
            )
        return state if changed else "lost_lease"

    def _next_attempt(self, ready: _Ready, sent: Sent, now: datetime) -> datetime:
        at = now + retry_wait(self._retry, ready.claim.attempts, sent.retry_after_seconds)
        return preferences.quiet_until(ready.prefs, at) or at

    @staticmethod
    def _update(
        db: DbSession, claim: _Claim, state: str, reason: str, now: datetime, values: dict[str, Any]
    ) -> bool:
        """Record an outcome if the claim is still ours (a deliverer whose lease ran out
        and whose delivery was claimed again records nothing)."""
        result = db.execute(
            update(Delivery)
            .where(
                Delivery.id == claim.id,
                Delivery.state == repo.SENDING,
                Delivery.attempts == claim.attempts,
            )
            .values(state=state, reason=reason, lease_until=None, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def _new(
        key: str,
        account_id: str,
        kind: str,
        channel: str,
        target: str,
        due: datetime,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "id": new_id(),
            "key": key,
            "notification_id": None,
            "account_id": account_id,
            "kind": kind,
            "channel": channel,
            "target": target,
            "state": repo.PENDING,
            "attempts": 0,
            "next_attempt_at": due,
            "lease_until": None,
            "reason": "",
            "count": None,
            "created_at": now,
            "updated_at": now,
            "sent_at": None,
        }


def json_subscription(sub: PushSubscription) -> str:
    """A push target as the channel takes it (the page's PushSubscription.toJSON())."""
    return json.dumps(
        {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
        separators=(",", ":"),
    )
