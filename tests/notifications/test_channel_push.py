"""The Web Push channel against a push endpoint on loopback that decrypts (RFC 8291).

The endpoint holds the subscription's private keys the test generated, as a browser
would; it checks the VAPID signature against the server's public key and decrypts
the aes128gcm body with ``http-ece``. No backend: a channel touches no database.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from coffre.notifications.channels.base import Outcome, Outgoing
from coffre.notifications.channels.webpush import (
    WebPushChannel,
    parse_subscription,
    topic,
    vapid_public_key,
)
from coffre.settings import Settings
from tests.notifications.servers import PushEndpoint, b64url_decode

MESSAGE = Outgoing(
    key="notification:01J0000000000000000000000:push:7",
    title="Coffre",
    body="Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir.",
    url="/app#notifications",
)


@pytest.fixture
def push_settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        push_vapid_key_file=tmp_path / "vapid.pem",
        push_vapid_subject="mailto:exploitation@coffre.test",
        channel_timeout_seconds=1,
    )


@pytest.fixture
def channel(push_settings: Settings) -> WebPushChannel:
    return WebPushChannel(push_settings)


def test_the_message_decrypted_by_the_endpoint_is_what_was_sent(
    channel: WebPushChannel, push_endpoint: PushEndpoint, push_settings: Settings
) -> None:
    subscription = push_endpoint.subscribe()

    sent = channel.send(json.dumps(subscription), MESSAGE)

    assert sent.outcome is Outcome.SENT
    [received] = push_endpoint.messages_for(subscription)
    assert received.payload == {"title": MESSAGE.title, "body": MESSAGE.body, "url": MESSAGE.url}
    # Signed by the key the page subscribes with (GET /notifications/push-key).
    assert received.vapid_key == channel.public_key == vapid_public_key(push_settings)
    assert received.vapid_claims["sub"] == "mailto:exploitation@coffre.test"
    assert received.vapid_claims["aud"] == push_endpoint.origin
    assert time.time() < received.vapid_claims["exp"] <= time.time() + 24 * 3600


def test_headers_carry_ttl_urgency_and_a_topic_from_the_key_and_nothing_of_the_text(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    subscription = push_endpoint.subscribe()
    channel.send(json.dumps(subscription), MESSAGE)

    [received] = push_endpoint.messages
    headers = received.headers
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(4 * 24 * 3600)
    assert headers["urgency"] == "normal"
    assert headers["topic"] == topic(MESSAGE.key)
    assert len(headers["topic"]) == 32
    assert set(headers["topic"]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert set(headers) <= {
        "host",
        "user-agent",
        "accept-encoding",
        "accept",
        "connection",
        "content-length",
        "content-encoding",
        "ttl",
        "urgency",
        "topic",
        "authorization",
    }
    seen = " ".join(headers.values())
    for word in ("Coffre", "professionnel", "documents", "notification", "#notifications"):
        assert word not in seen


def test_the_same_delivery_twice_has_the_same_topic_so_the_service_keeps_one(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    subscription = push_endpoint.subscribe()
    channel.send(json.dumps(subscription), MESSAGE)
    channel.send(json.dumps(subscription), MESSAGE)
    other = Outgoing(key=MESSAGE.key + "x", title=MESSAGE.title, body=MESSAGE.body)
    channel.send(json.dumps(subscription), other)

    topics = [m.headers["topic"] for m in push_endpoint.messages]
    assert topics[0] == topics[1] != topics[2]


@pytest.mark.parametrize("status", [404, 410])
def test_an_endpoint_answering_gone_is_gone(
    channel: WebPushChannel, push_endpoint: PushEndpoint, status: int
) -> None:
    push_endpoint.answer(status)

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.GONE, f"http_{status}")


def test_a_subscription_the_browser_dropped_is_gone(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    subscription = push_endpoint.subscribe()
    push_endpoint.forget(subscription)

    assert channel.send(json.dumps(subscription), MESSAGE).outcome is Outcome.GONE


@pytest.mark.parametrize(
    ("status", "retry_after", "seconds"), [(429, "7", 7), (500, None, None), (503, "120", 120)]
)
def test_a_busy_or_broken_service_is_retried_when_it_says(
    channel: WebPushChannel,
    push_endpoint: PushEndpoint,
    status: int,
    retry_after: str | None,
    seconds: int | None,
) -> None:
    push_endpoint.answer(status, retry_after=retry_after)

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert (sent.outcome, sent.reason, sent.retry_after_seconds) == (
        Outcome.RETRY,
        f"http_{status}",
        seconds,
    )


@pytest.mark.parametrize("status", [400, 403, 413])
def test_any_other_refusal_fails_at_once(
    channel: WebPushChannel, push_endpoint: PushEndpoint, status: int
) -> None:
    push_endpoint.answer(status)

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, f"http_{status}")


@pytest.mark.parametrize("status", [301, 307, 308])
def test_a_redirect_is_never_followed(
    channel: WebPushChannel, push_endpoint: PushEndpoint, status: int
) -> None:
    push_endpoint.answer(status)

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "redirected")
    assert push_endpoint.received == 1


def test_a_slow_endpoint_is_given_up_within_the_timeout_and_retried(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    push_endpoint.slow(5)
    started = time.monotonic()

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert time.monotonic() - started < 2.5  # the setting: 1 s
    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "timeout")


def test_an_endpoint_answering_a_byte_at_a_time_is_cut_at_the_deadline(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    # Each byte comes well within the 1 s read timeout: only the whole-exchange
    # deadline (twice the setting) ends it.
    push_endpoint.dribble(0.2)
    started = time.monotonic()

    sent = channel.send(json.dumps(push_endpoint.subscribe()), MESSAGE)

    assert time.monotonic() - started < 3.5
    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "timeout")


def test_an_endpoint_nobody_listens_on_is_retried(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    subscription = push_endpoint.subscribe()
    push_endpoint.close()

    sent = channel.send(json.dumps(subscription), MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "unreachable")


def test_a_malformed_subscription_fails_without_a_request(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    good = push_endpoint.subscribe()
    bad_keys = {**good, "keys": {"p256dh": good["keys"]["auth"], "auth": good["keys"]["auth"]}}
    ipv6 = {**good, "endpoint": "http://[::1]:9/push/x"}
    targets = ("not json", json.dumps({"endpoint": good["endpoint"]}), json.dumps(bad_keys))
    for target in (*targets, json.dumps(ipv6)):
        assert channel.send(target, MESSAGE).outcome is Outcome.FAILED
    assert push_endpoint.received == 0


def test_production_posts_only_to_https_endpoints_on_public_addresses(
    tmp_path: Path, push_endpoint: PushEndpoint
) -> None:
    key_file = tmp_path / "vapid.pem"
    WebPushChannel(Settings(environment="test", push_vapid_key_file=key_file))  # makes the key
    production = WebPushChannel(
        Settings(
            environment="production",
            secret_key="x" * 40,
            push_vapid_key_file=key_file,
        )
    )
    subscription = push_endpoint.subscribe()
    as_https = {**subscription, "endpoint": subscription["endpoint"].replace("http:", "https:")}

    assert production.send(json.dumps(subscription), MESSAGE).reason == "invalid_subscription"
    assert production.send(json.dumps(as_https), MESSAGE).reason == "endpoint_refused"
    assert push_endpoint.received == 0
    with pytest.raises(ValueError, match="endpoint"):
        parse_subscription(subscription, production=True)


def test_a_message_too_large_for_a_push_fails(
    channel: WebPushChannel, push_endpoint: PushEndpoint
) -> None:
    huge = Outgoing(key="k", title="Coffre", body="é" * 2000)

    sent = channel.send(json.dumps(push_endpoint.subscribe()), huge)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "too_large")
    assert push_endpoint.received == 0


def test_the_log_says_how_it_went_never_the_endpoint_nor_the_text(
    channel: WebPushChannel, push_endpoint: PushEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    subscription = push_endpoint.subscribe()
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="coffre")
    channel.send(json.dumps(subscription), MESSAGE)
    push_endpoint.answer(410)
    channel.send(json.dumps(subscription), MESSAGE)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "push sent" in logged and "push gone" in logged
    token = subscription["endpoint"].rsplit("/", 1)[1]
    for secret in (token, subscription["keys"]["auth"], MESSAGE.body, MESSAGE.key, "professionnel"):
        assert secret not in logged


def test_the_public_key_is_an_uncompressed_p256_point(channel: WebPushChannel) -> None:
    point = b64url_decode(channel.public_key)
    assert len(point) == 65 and point[0] == 4
    assert "=" not in channel.public_key
