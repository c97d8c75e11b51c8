"""A worker killed (SIGKILL) in the middle of a job: another worker runs the job
again, nothing is lost and nothing is sent twice (coffre/jobs/queue.py's watch, the
outbox's claims: coffre/notifications/outbox.py).

Real notifications go through the real outbox to a real (loopback) SMS provider
speaking Brevo's API; each request carries its delivery's idempotency key (``tag``).
"""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from api.app import create_app
from coffre.accounts.models import Account
from coffre.container import Coffre
from coffre.notifications import preferences
from coffre.notifications.models import Delivery
from coffre.notifications.service import Kind, notify
from coffre.settings import Settings
from tests.factories import make_person
from tests.jobs.conftest import Workers, queue_rows, wait_until
from tests.notifications.servers import SmsProvider, sms_provider  # noqa: F401 - fixture

NOTIFICATIONS = 20
PHONE = "0612345678"


def _person_on_sms(settings: Settings) -> str:
    """A person whose login is a mobile number and who chose SMS; their account id."""
    with TestClient(create_app(settings)) as api:
        person = make_person(api, login=PHONE)
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            account = db.scalars(select(Account).where(Account.login == person.login)).one()
            prefs = preferences.with_changes(preferences.get(db, account.id), sms=True)
            preferences.save(db, account.id, prefs, coffre.clock.now())
            return account.id
    finally:
        coffre.close()


def _notify(settings: Settings, account_id: str, count: int) -> None:
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            for _ in range(count):
                notify(db, account_id, Kind.DOCUMENT_PULLED, {}, coffre.clock.now())
    finally:
        coffre.close()


def _deliveries(settings: Settings) -> list[tuple[str, str, int]]:
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            rows = db.execute(select(Delivery.key, Delivery.state, Delivery.attempts)).all()
            return [(row.key, row.state, row.attempts) for row in rows]
    finally:
        coffre.close()


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
def sms_settings(queue_settings: Settings, sms_provider: SmsProvider) -> Settings:  # noqa: F811
    # Deliveries every 5 s (the shortest); a claim's lease as short as allowed.
    return queue_settings.model_copy(
        update={**sms_provider.settings(), "notifications_deliver_seconds": 5}
    )


def test_a_worker_killed_mid_job_loses_nothing_and_sends_nothing_twice(
    sms_settings: Settings,
    sms_provider: SmsProvider,  # noqa: F811
    workers: Workers,
) -> None:
    workers.settings = sms_settings
    account_id = _person_on_sms(sms_settings)
    _notify(sms_settings, account_id, NOTIFICATIONS)

    engine = create_engine(sms_settings.database_url)
    holder = engine.connect()
    try:
        # The test holds the deliveries table: the first worker's delivery job starts,
        # reads the 20 notifications and waits there to write their deliveries.
        holder.execute(text("LOCK TABLE deliveries IN SHARE MODE"))
        first = workers.start()
        wait_until(lambda: _waiting_on_deliveries(sms_settings) >= 1, 30, "the job mid-way")
        assert _running(sms_settings, "notifications.deliver") == 1
        second = workers.start()
        wait_until(
            lambda: (
                queue_rows(sms_settings, "SELECT count(*) FROM procrastinate_workers") == [(2,)]
            ),
            30,
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
    wait_until(lambda: len(sms_provider.messages) >= NOTIFICATIONS, 30, "every SMS sent")
    wait_until(
        lambda: all(state == "sent" for _, state, _ in _deliveries(sms_settings)), 10, "recorded"
    )
    deliveries = _deliveries(sms_settings)
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
    sms_provider: SmsProvider,  # noqa: F811
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
    account_id = _person_on_sms(settings)
    _notify(settings, account_id, NOTIFICATIONS)
    sms_provider.slow(2.0)
    first = workers.start()
    wait_until(lambda: sms_provider.received >= 1, 30, "the first sends in flight")
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
            == {key for key, _, _ in _deliveries(settings)}
            and all(state == "sent" for _, state, _ in _deliveries(settings))
        ),
        lease + 30,
        "every message sent after the lease",
    )
    deliveries = _deliveries(settings)
    assert len(deliveries) == NOTIFICATIONS
    tags = Counter(str(message.body["tag"]) for message in sms_provider.messages)
    twice = [tag for tag, count in tags.items() if count > 1]
    assert max(tags.values()) <= 2
    assert len(twice) <= in_flight_at_kill
    assert second.poll() is None


def test_two_workers_deliver_each_notification_once(
    sms_settings: Settings,
    sms_provider: SmsProvider,  # noqa: F811
    workers: Workers,
) -> None:
    account_id = _person_on_sms(sms_settings)
    workers.settings = sms_settings
    one, two = workers.start(), workers.start()
    wait_until(
        lambda: queue_rows(sms_settings, "SELECT count(*) FROM procrastinate_workers") == [(2,)],
        30,
        "both workers",
    )
    # Written while both run, in four batches: either worker's turn may take any.
    for _ in range(4):
        _notify(sms_settings, account_id, NOTIFICATIONS // 4)
    wait_until(lambda: len(sms_provider.messages) >= NOTIFICATIONS, 30, "every SMS sent")
    wait_until(
        lambda: all(state == "sent" for _, state, _ in _deliveries(sms_settings)), 10, "recorded"
    )
    deliveries = _deliveries(sms_settings)
    tags = Counter(str(message.body["tag"]) for message in sms_provider.messages)
    assert len(deliveries) == NOTIFICATIONS
    assert set(tags) == {key for key, _, _ in deliveries}
    assert max(tags.values()) == 1
    assert one.poll() is None and two.poll() is None
