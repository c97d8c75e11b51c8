"""A worker killed (SIGKILL) in the middle of a job: another worker runs the job
again, nothing is lost and nothing is sent twice (coffre/jobs/queue.py's watch, the
outbox's claims: coffre/notifications/outbox.py).

Real notifications go through the real outbox to a real (loopback) SMS provider
speaking Brevo's API; each request carries its delivery's idempotency key (``tag``).
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from coffre.settings import Settings
from tests.jobs.conftest import (
    NOTIFICATIONS,
    PATIENCE,
    Workers,
    deliveries_of,
    notify_many,
    person_on_sms,
    queue_rows,
    wait_until,
)
from tests.notifications.servers import SmsProvider


def _waiting_on_deliveries(settings: Settings) -> int:
    """How many sessions wait for the lock the test holds on the deliveries table."""
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'deliveries'::regclass"
    return _count(settings, query)


def _running(settings: Settings, task: str) -> int:
    query = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task AND status = 'doing'"
    return _count(settings, query, task=task)


def _count(settings: Settings, query: str, **params: object) -> int:
    value = queue_rows(settings, query, **params)[0][0]
    assert isinstance(value, int)
    return value


@pytest.fixture
def sms_settings(queue_settings: Settings, sms_provider: SmsProvider) -> Settings:
    # Deliveries every 5 s (the shortest); a claim's lease as short as allowed.
    return queue_settings.model_copy(
        update={**sms_provider.settings(), "notifications_deliver_seconds": 5}
    )


def test_a_worker_killed_mid_job_loses_nothing_and_sends_nothing_twice(
    sms_settings: Settings,
    sms_provider: SmsProvider,
    workers: Workers,
) -> None:
    workers.settings = sms_settings
    account_id = person_on_sms(sms_settings)
    notify_many(sms_settings, account_id, NOTIFICATIONS)

    engine = create_engine(sms_settings.database_url)
    holder = engine.connect()
    try:
        # The test holds the deliveries table: the first worker's delivery job starts,
        # reads the 20 notifications and waits there to write their deliveries.
        holder.execute(text("LOCK TABLE deliveries IN SHARE MODE"))
        first = workers.start()
        wait_until(lambda: _waiting_on_deliveries(sms_settings) >= 1, PATIENCE, "the job mid-way")
        assert _running(sms_settings, "notifications.deliver") == 1
        second = workers.start()
        wait_until(
            lambda: (
                queue_rows(sms_settings, "SELECT count(*) FROM procrastinate_workers") == [(2,)]
            ),
            PATIENCE,
            "the second worker",
        )
        workers.kill(first)
        assert first.returncode == -9
    finally:
        holder.rollback()  # the lock goes; the killed worker's write never commits
        holder.close()
        engine.dispose()

    # The second worker takes the killed one for dead (no heartbeat for
    # COFFRE_JOBS_STALLED_SECONDS, 3 s here), puts its
    # job back in the queue, and delivers every notification, once.
    wait_until(lambda: len(sms_provider.messages) >= NOTIFICATIONS, PATIENCE, "every SMS sent")
    wait_until(
        lambda: all(state == "sent" for _, state, _ in deliveries_of(sms_settings)),
        PATIENCE,
        "recorded",
    )
    deliveries = deliveries_of(sms_settings)
    assert len(deliveries) == NOTIFICATIONS
    assert all(attempts == 1 for _, _, attempts in deliveries)
    tags = Counter(str(message.body["tag"]) for message in sms_provider.messages)
    assert set(tags) == {key for key, _, _ in deliveries}
    assert max(tags.values()) == 1  # none twice
    assert all(message.recipient == "+33612345678" for message in sms_provider.messages)
    assert second.poll() is None
    assert "put back in the queue" in workers.output(second)


def test_a_worker_killed_while_sending_loses_nothing_once_its_claims_lapse(
    sms_settings: Settings,
    sms_provider: SmsProvider,
    workers: Workers,
) -> None:
    """Killed with messages in flight: the provider may have taken some of them while
    the worker died before recording it. Those deliveries are claimed (leased) by the
    dead worker; when the lease lapses another worker sends them again: every message
    arrives (at least once), and only one that was in flight at the kill can arrive
    twice, with the same idempotency key (docs/JOBS.md, docs/CHANNELS.md)."""
    lease = 30  # the shortest the settings allow
    settings = sms_settings.model_copy(update={"notifications_lease_seconds": lease})
    workers.settings = settings
    account_id = person_on_sms(settings)
    notify_many(settings, account_id, NOTIFICATIONS)
    sms_provider.slow(2.0)
    first = workers.start()
    wait_until(lambda: sms_provider.received >= 1, PATIENCE, "the first sends in flight")
    workers.kill(first)
    # Everything the killed worker sent had arrived by now (it sends no more): an upper
    # bound of what was in flight, taken or not by the provider.
    in_flight_at_kill = sms_provider.received
    assert in_flight_at_kill < NOTIFICATIONS
    sms_provider.slow(0)
    second = workers.start()

    wait_until(
        lambda: (
            {str(m.body["tag"]) for m in sms_provider.messages}
            == {key for key, _, _ in deliveries_of(settings)}
            and all(state == "sent" for _, state, _ in deliveries_of(settings))
        ),
        lease + PATIENCE,
        "every message sent after the lease",
    )
    deliveries = deliveries_of(settings)
    assert len(deliveries) == NOTIFICATIONS
    tags = Counter(str(message.body["tag"]) for message in sms_provider.messages)
    twice = [tag for tag, count in tags.items() if count > 1]
    assert max(tags.values()) <= 2
    assert len(twice) <= in_flight_at_kill
    assert second.poll() is None


def test_two_workers_deliver_each_notification_once(
    sms_settings: Settings,
    sms_provider: SmsProvider,
    workers: Workers,
) -> None:
    account_id = person_on_sms(sms_settings)
    workers.settings = sms_settings
    one, two = workers.start(), workers.start()
    wait_until(
        lambda: queue_rows(sms_settings, "SELECT count(*) FROM procrastinate_workers") == [(2,)],
        PATIENCE,
        "both workers",
    )
    # Written while both run, in four batches: either worker's turn may take any.
    for _ in range(4):
        notify_many(sms_settings, account_id, NOTIFICATIONS // 4)
    wait_until(lambda: len(sms_provider.messages) >= NOTIFICATIONS, PATIENCE, "every SMS sent")
    wait_until(
        lambda: all(state == "sent" for _, state, _ in deliveries_of(sms_settings)),
        PATIENCE,
        "recorded",
    )
    deliveries = deliveries_of(sms_settings)
    tags = Counter(str(message.body["tag"]) for message in sms_provider.messages)
    assert len(deliveries) == NOTIFICATIONS
    assert set(tags) == {key for key, _, _ in deliveries}
    assert max(tags.values()) == 1
    assert one.poll() is None and two.poll() is None
