"""The deliverer (coffre/notifications/outbox.py) against the far sides on loopback:
dispatch into keyed deliveries, sending once, retries with back-off on a moved clock,
Retry-After, giving up, 404/410 removing the device, quiet hours, the daily digest,
and 20 deliverers at once sending each delivery exactly once, on both backends."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from coffre.accounts.models import Account
from coffre.clock import FrozenClock
from coffre.notifications.outbox import Outbox
from coffre.notifications.service import Kind
from tests.concurrency import burst
from tests.notifications.outbox.reach import (
    choose,
    coffre_of,
    deliveries,
    payloads,
    person,
    subscribe,
    tell,
)
from tests.notifications.servers import PushEndpoint, SmsProvider, SmtpServer
from tests.structures.world import Who, log_in


def test_a_notification_goes_out_once_by_each_way_the_person_chose(
    reach_api: TestClient, push_endpoint: PushEndpoint, sms_provider: SmsProvider
) -> None:
    amina = person(reach_api)
    phone = subscribe(reach_api, amina, push_endpoint)
    choose(reach_api, amina, sms=True)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox

    report = outbox.deliver()
    again = outbox.deliver()

    assert report.dispatched == 1 and report.outcomes == {"sent": 2}
    assert again.dispatched == 0 and again.claimed == 0
    [push] = payloads(push_endpoint, phone)
    assert push["body"] == (
        "Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir."
    )
    [sms] = sms_provider.messages
    assert sms.recipient == "+33612345678"
    assert {(d.channel, d.state, d.attempts) for d in deliveries(reach_api)} == {
        ("push", "sent", 1),
        ("sms", "sent", 1),
    }


def test_a_push_service_down_is_retried_with_back_off_then_given_up(
    reach_api: TestClient, push_endpoint: PushEndpoint, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    phone = subscribe(reach_api, amina, push_endpoint)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox
    push_endpoint.answer(500)

    waits = []
    for _ in range(8):  # COFFRE_NOTIFICATIONS_MAX_ATTEMPTS
        before = clock.now()
        assert outbox.deliver().claimed == 1
        [delivery] = deliveries(reach_api)
        if delivery.state != "pending":
            break
        waits.append(delivery.next_attempt_at - before)
        assert outbox.deliver().claimed == 0  # not due yet
        clock.advance(seconds=(delivery.next_attempt_at - clock.now()).total_seconds())

    # 60 s doubled at each attempt; the 8th attempt fails for good.
    assert waits == [timedelta(seconds=60 * 2**n) for n in range(7)]
    assert (delivery.state, delivery.attempts, delivery.reason) == ("given_up", 8, "http_500")
    assert payloads(push_endpoint, phone) == []
    push_endpoint.answer(None)
    clock.advance(days=1)
    assert outbox.deliver().claimed == 0  # given up stays given up


def test_a_retry_waits_as_long_as_the_far_side_asks(
    reach_api: TestClient, sms_provider: SmsProvider, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    choose(reach_api, amina, sms=True, push=False)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox
    sms_provider.answer(429, retry_after="900")

    outbox.deliver()
    [delivery] = deliveries(reach_api)
    assert delivery.state == "pending"
    assert delivery.next_attempt_at == clock.now() + timedelta(seconds=900)
    sms_provider.answer(None)
    clock.advance(seconds=899)
    assert outbox.deliver().claimed == 0
    clock.advance(seconds=1)
    assert outbox.deliver().outcomes == {"sent": 1}
    assert len(sms_provider.messages) == 1


def test_a_delivery_old_enough_is_given_up_whatever_its_attempts(
    reach_api: TestClient, push_endpoint: PushEndpoint, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    subscribe(reach_api, amina, push_endpoint)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox
    push_endpoint.answer(503)
    outbox.deliver()
    clock.advance(hours=48)  # COFFRE_NOTIFICATIONS_GIVE_UP_HOURS
    outbox.deliver()
    [delivery] = deliveries(reach_api)
    assert (delivery.state, delivery.attempts) == ("given_up", 2)


def test_a_device_the_push_service_forgot_is_removed(
    reach_api: TestClient, push_endpoint: PushEndpoint
) -> None:
    amina = person(reach_api)
    kept = subscribe(reach_api, amina, push_endpoint, "Téléphone")
    gone = subscribe(reach_api, amina, push_endpoint, "Ancien téléphone")
    push_endpoint.forget(gone)  # its endpoint answers 410 now
    tell(reach_api, amina)

    report = coffre_of(reach_api).outbox.deliver()

    assert report.outcomes == {"sent": 1, "failed": 1}
    listed = reach_api.get(
        "/api/v1/notifications/push-subscriptions", headers=amina.headers
    ).json()["subscriptions"]
    assert [s["endpoint"] for s in listed] == [kept["endpoint"]]
    assert len(payloads(push_endpoint, kept)) == 1
    # The next notification goes to the device left only.
    tell(reach_api, amina)
    assert coffre_of(reach_api).outbox.deliver().outcomes == {"sent": 1}


def test_a_delivery_due_in_quiet_hours_waits_until_they_end(
    reach_api: TestClient, push_endpoint: PushEndpoint, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    phone = subscribe(reach_api, amina, push_endpoint)
    choose(reach_api, amina, quiet_start="21:00", quiet_end="08:00", timezone="Europe/Paris")
    # 23:30 in Paris (winter: UTC+1).
    clock._now = datetime(2026, 1, 20, 22, 30, tzinfo=UTC)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox

    assert outbox.deliver().claimed == 0
    [delivery] = deliveries(reach_api)
    assert delivery.next_attempt_at == datetime(2026, 1, 21, 7, 0, tzinfo=UTC)  # 08:00 Paris
    clock.advance(hours=8, minutes=29)
    assert outbox.deliver().claimed == 0
    assert payloads(push_endpoint, phone) == []
    clock.advance(minutes=1)
    assert outbox.deliver().outcomes == {"sent": 1}
    assert len(payloads(push_endpoint, phone)) == 1


def test_quiet_hours_chosen_after_the_event_still_hold_it_back(
    reach_api: TestClient, push_endpoint: PushEndpoint, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    phone = subscribe(reach_api, amina, push_endpoint)
    clock._now = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Paris (summer)
    tell(reach_api, amina)
    outbox = coffre_of(reach_api).outbox
    outbox.dispatch()
    choose(reach_api, amina, quiet_start="12:00", quiet_end="14:00")

    assert outbox.deliver().outcomes == {"quiet": 1}
    [delivery] = deliveries(reach_api)
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert delivery.next_attempt_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    clock.advance(hours=2)
    assert outbox.deliver().outcomes == {"sent": 1}
    assert len(payloads(push_endpoint, phone)) == 1


def test_a_professional_on_the_daily_digest_gets_one_email_a_day_with_a_count(
    reach_api: TestClient, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    pro = person(reach_api, slot=22, login="dupont-pro")
    coffre = coffre_of(reach_api)
    _make_professional(reach_api, pro)
    choose(reach_api, pro, email="c.dupont@ccas.example", email_on=True, digest="daily")
    clock._now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    tell(reach_api, pro, Kind.GRANT_RECEIVED, n=3)

    assert coffre.outbox.deliver().claimed == 0  # none for each event
    assert coffre.outbox.digest() == 0  # before 17:00 Paris
    clock._now = datetime(2026, 3, 10, 16, 5, tzinfo=UTC)  # 17:05 in Paris
    # 20 digest runs at once add it once: keyed per (account, day, channel, recipient).
    assert sum(burst(20, lambda _: coffre.outbox.digest())) == 1
    assert coffre.outbox.digest() == 0
    assert coffre.outbox.deliver().outcomes == {"sent": 1}
    [mail] = smtp_server.mails
    assert mail.rcpt_tos == ["c.dupont@ccas.example"]
    text = mail.message.get_content()
    assert "3 nouveautés depuis hier" in text
    assert len(deliveries(reach_api, pro)) == 1
    # The next day: notifications of the 24 hours before 17:00 only.
    clock.advance(days=1)
    assert coffre.outbox.digest() == 0  # nothing new since yesterday's digest
    tell(reach_api, pro, Kind.REQUEST_DECLINED)
    clock.advance(minutes=1)
    assert coffre.outbox.digest() == 0  # after today's 17:00: tomorrow's digest
    clock.advance(days=1)
    assert coffre.outbox.digest() == 1
    coffre.outbox.deliver()
    assert "1 nouveauté depuis hier" in smtp_server.mails[-1].message.get_content()


def _make_professional(api: TestClient, who: Who) -> None:
    # The account's kind, as an invitation would have made it: the digest's and the
    # e-mail's rules read only the kind (tests of invitations are elsewhere).
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        db.execute(update(Account).where(Account.id == who.account_id).values(kind="professional"))
    log_in(api, who)


def test_twenty_deliverers_at_once_send_each_delivery_exactly_once(
    reach_api: TestClient, push_endpoint: PushEndpoint, sms_provider: SmsProvider
) -> None:
    amina = person(reach_api)
    phones = [subscribe(reach_api, amina, push_endpoint, f"Téléphone {i}") for i in range(3)]
    choose(reach_api, amina, sms=True)
    tell(reach_api, amina, n=10)  # 10 notifications x (3 devices + SMS) = 40 deliveries
    outbox = coffre_of(reach_api).outbox
    assert outbox.dispatch() == 10
    # One device is removed before they leave: its 10 deliveries end, unsent.
    [_, _, removed] = reach_api.get(
        "/api/v1/notifications/push-subscriptions", headers=amina.headers
    ).json()["subscriptions"]
    reach_api.delete(
        f"/api/v1/notifications/push-subscriptions/{removed['id']}", headers=amina.headers
    )
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def deliverer() -> None:
        try:
            start.wait()
            for _ in range(3):
                outbox.deliver()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliverer) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = deliveries(reach_api)
    assert Counter(d.state for d in rows) == {"sent": 30, "failed": 10}
    assert {d.reason for d in rows if d.state == "failed"} == {"turned_off"}
    assert {d.attempts for d in rows} == {1}
    topics = Counter(
        m.headers["topic"] for phone in phones for m in push_endpoint.messages_for(phone)
    )
    assert len(topics) == 20 and set(topics.values()) == {1}
    assert len(sms_provider.messages) == 10
    assert push_endpoint.received == 20 and sms_provider.received == 10


def test_a_burst_of_events_leaves_in_one_run_a_batch_at_a_time(
    reach_api: TestClient, sms_provider: SmsProvider, clock: FrozenClock
) -> None:
    amina = person(reach_api)
    choose(reach_api, amina, sms=True, push=False)
    tell(reach_api, amina, n=12)
    coffre = coffre_of(reach_api)
    small = coffre.settings.model_copy(update={"notifications_batch": 5})
    outbox = Outbox(coffre.db, clock, small, coffre.outbox.channels)

    report = outbox.deliver()

    assert (report.dispatched, report.claimed, report.outcomes) == (12, 12, {"sent": 12})
    assert len(sms_provider.messages) == 12
