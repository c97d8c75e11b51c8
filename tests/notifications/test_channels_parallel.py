"""One channel instance serves the outbox's parallel deliverers: 20 sends at once through
each, every one arrives once and says sent (no shared connection, no mixed messages)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from coffre.notifications.channels.base import Channel, Outcome, Outgoing
from coffre.notifications.channels.email import EmailChannel
from coffre.notifications.channels.sms import BrevoSmsChannel
from coffre.notifications.channels.webpush import WebPushChannel
from coffre.settings import Settings
from tests.notifications.servers import PushEndpoint, SmsProvider, SmtpServer

PARALLEL = 20


def _messages() -> list[Outgoing]:
    return [
        Outgoing(key=f"notification:{n}:k", title="Coffre", body=f"Coffre : message {n}")
        for n in range(PARALLEL)
    ]


def _send_all(channel: Channel, targets: list[str]) -> list[Outcome]:
    with ThreadPoolExecutor(PARALLEL) as pool:
        sent = pool.map(lambda pair: channel.send(*pair), zip(targets, _messages(), strict=True))
        return [s.outcome for s in sent]


def test_push_in_parallel(tmp_path: Path, push_endpoint: PushEndpoint) -> None:
    channel = WebPushChannel(
        Settings(environment="test", push_vapid_key_file=tmp_path / "vapid.pem")
    )
    subscriptions = [push_endpoint.subscribe() for _ in range(PARALLEL)]

    outcomes = _send_all(channel, [json.dumps(s) for s in subscriptions])

    assert outcomes == [Outcome.SENT] * PARALLEL
    for n, subscription in enumerate(subscriptions):
        [message] = push_endpoint.messages_for(subscription)
        assert message.payload["body"] == f"Coffre : message {n}"


def test_sms_in_parallel(sms_provider: SmsProvider) -> None:
    channel = BrevoSmsChannel(Settings(environment="test", **sms_provider.settings()))
    numbers = [f"06123456{n:02d}" for n in range(PARALLEL)]

    outcomes = _send_all(channel, numbers)

    assert outcomes == [Outcome.SENT] * PARALLEL
    got = {(r.recipient, r.content) for r in sms_provider.messages}
    assert got == {(f"+336123456{n:02d}", f"Coffre : message {n}") for n in range(PARALLEL)}


def test_email_in_parallel(smtp_server: SmtpServer) -> None:
    channel = EmailChannel(Settings(environment="test", **smtp_server.settings()))
    addresses = [f"pro{n}@cias.example" for n in range(PARALLEL)]

    outcomes = _send_all(channel, addresses)

    assert outcomes == [Outcome.SENT] * PARALLEL
    got = {(m.rcpt_tos[0], m.message.get_content().strip()) for m in smtp_server.mails}
    assert got == {(f"pro{n}@cias.example", f"Coffre : message {n}") for n in range(PARALLEL)}
