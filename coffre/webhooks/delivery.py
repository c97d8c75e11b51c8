"""The webhooks' deliverer: the job ``webhooks.deliver`` (coffre/jobs/registry.py),
at least once per (message, endpoint), never twice at the same time.

1. Claim: ONE UPDATE moves due deliveries to ``sending`` with a lease and counts the
   attempt (``repository.claim``); PostgreSQL skips rows another deliverer is
   claiming, SQLite's write lock serialises the claims. Any number of deliverers may
   run at once, in the app or in workers. A lease that runs out (a deliverer killed
   mid-send) makes the delivery due again.
2. Send, outside any transaction, a few at a time: the body as stored, signed as
   Standard Webhooks says (``webhook-id`` = ``msg_`` + the message id, the same on
   every attempt and replay; ``webhook-timestamp``; ``webhook-signature`` = ``v1,`` +
   HMAC-SHA256 by the ``standardwebhooks`` package), posted through coffre/outbound.py
   (https only in production, never to the server's own network, connected to the
   address checked, no redirect followed, the whole exchange cut at twice
   ``COFFRE_WEBHOOKS_TIMEOUT_SECONDS``).
3. Record, only if the claim is still ours: a 2xx ends it ``sent``; an address refused
   in production ends it ``failed``; anything else (a timeout, no connection, any
   other status) waits ``retry * 2**(attempts-1)`` (at most 6 hours, longer if the
   partner's ``Retry-After`` says so), or is ``given_up`` after the last attempt. The
   delivery log keeps the state, the attempts, the last HTTP status and the next try.

The timestamp is the wall clock's (``wall``), not the scheduling clock's: the partner
compares it with its own clock to refuse old replays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from standardwebhooks import Webhook

from coffre import outbound
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.notifications.channels.answers import retry_after_seconds, retry_wait
from coffre.secrets import stored as secret_store
from coffre.secrets.keyring import SecretKeyRetired
from coffre.settings import Settings
from coffre.webhooks import repository as repo

log = logging.getLogger(__name__)

# Posts in flight at once per deliverer: each is bounded by the timeout.
SENDERS = 8
# Batches one run claims at most (COFFRE_WEBHOOKS_BATCH each): a run still ends.
ROUNDS = 10
USER_AGENT = "Coffre-Webhooks/1"


@dataclass
class Report:
    """What one run did (for logs and tests)."""

    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> None:
        self.outcomes[state] = self.outcomes.get(state, 0) + 1


@dataclass(frozen=True)
class _Ready:
    id: str
    attempts: int
    message_id: str
    payload: str
    url: str
    secret: str


def message_header_id(message_id: str) -> str:
    """The ``webhook-id`` of a message (its id in the delivery log too)."""
    return f"msg_{message_id}"


def signed_headers(secret: str, message_id: str, payload: str, at: float) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    header_id = message_header_id(message_id)
    stamp = int(at)
    signature = Webhook(secret).sign(header_id, datetime.fromtimestamp(stamp, UTC), payload)
    return {
        "webhook-id": header_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


class Deliverer:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._clock = clock
        self._wall = wall
        self._batch = settings.webhooks_batch
        self._lease = timedelta(seconds=settings.webhooks_lease_seconds)
        self._retry = timedelta(seconds=settings.webhooks_retry_seconds)
        self._max_attempts = settings.webhooks_max_attempts
        self._timeout = settings.webhooks_timeout_seconds
        self._production = settings.environment == "production"
        self._keyring = settings.keyring

    def deliver(self) -> Report:
        """One run: claim what is due and send it, a batch at a time, until a batch
        comes back short (at most ``ROUNDS`` batches)."""
        report = Report()
        for _ in range(ROUNDS):
            claimed = self._send_batch(report)
            report.claimed += claimed
            if claimed < self._batch:
                break
        return report

    def _send_batch(self, report: Report) -> int:
        claims = self._claim()
        if not claims:
            return 0
        ready = self._prepare(claims)
        if ready:
            with ThreadPoolExecutor(max_workers=min(SENDERS, len(ready))) as pool:
                for state in pool.map(self._send_and_record, ready):
                    report.count(state)
        return len(claims)

    def _claim(self) -> dict[str, int]:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # A read first: most runs find nothing, and take no write lock for it.
            if not repo.any_due(db, now):
                return {}
        with self._db.unit_of_work(write=True) as db:
            rows = repo.claim(db, now, self._batch, now + self._lease)
        return {row.id: row.attempts for row in rows}

    def _prepare(self, claims: dict[str, int]) -> list[_Ready]:
        with self._db.unit_of_work() as db:
            rows = repo.to_send(db, list(claims))
        ready: list[_Ready] = []
        for r in rows:
            try:
                # Opened here, kept in memory for this batch only (never logged).
                secret = secret_store.open_webhook(
                    self._keyring, r.endpoint_id, r.secret_kid, r.secret_box, r.secret
                )
            except SecretKeyRetired as retired:
                # Its key was retired too early: the others go; this one stays claimed
                # until its lease ends and is tried again (the key put back, it leaves).
                log.warning(
                    "webhook delivery %s: secret sealed under key %s, not in COFFRE_SECRET_KEYS",
                    r.id,
                    retired.kid,
                )
                continue
            ready.append(_Ready(r.id, claims[r.id], r.message_id, r.payload, r.url, secret))
        return ready

    def _send_and_record(self, ready: _Ready) -> str:
        try:
            posted = self._post(ready)
        except Exception:  # a bug here must not stop the other sends: retried later
            log.exception("webhook delivery %s: send raised", ready.id)
            posted = outbound.Posted(failure="error")
        return self._record(ready, posted)

    def _post(self, ready: _Ready) -> outbound.Posted:
        try:
            outbound.check_url(ready.url, production=self._production)
        except ValueError:
            return outbound.Posted(failure=outbound.REFUSED)
        headers = signed_headers(ready.secret, ready.message_id, ready.payload, self._wall())
        return outbound.post(
            ready.url,
            ready.payload.encode("utf-8"),
            headers,
            timeout=self._timeout,
            production=self._production,
        )

    def _record(self, ready: _Ready, posted: outbound.Posted) -> str:
        now = self._clock.now()
        values: dict[str, Any] = {"last_status": posted.status}
        if posted.status is not None and 200 <= posted.status < 300:
            state = repo.SENT
            values.update(reason=f"http_{posted.status}", sent_at=now, next_attempt_at=None)
        elif posted.failure == outbound.REFUSED:
            state = repo.FAILED
            values.update(reason=outbound.REFUSED, next_attempt_at=None)
        else:
            reason = f"http_{posted.status}" if posted.status is not None else posted.failure
            values["reason"] = reason[:64]
            if ready.attempts >= self._max_attempts:
                state = repo.GIVEN_UP
                values["next_attempt_at"] = None
            else:
                state = repo.PENDING
                wait = retry_wait(
                    self._retry, ready.attempts, retry_after_seconds(posted.retry_after)
                )
                values["next_attempt_at"] = now + wait
        values["state"] = state
        with self._db.unit_of_work() as db:
            changed = repo.record(db, ready.id, ready.attempts, values, now)
        # Never the URL (a partner's address may carry a token) nor the body.
        log.log(
            logging.INFO if state == repo.SENT else logging.WARNING,
            "webhook delivery %s %s (%s), attempt %d",
            ready.id,
            state,
            values.get("reason", "-"),
            ready.attempts,
        )
        return state if changed else "lost_lease"
