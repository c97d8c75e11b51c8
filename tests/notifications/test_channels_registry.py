"""``make_channels`` from the settings, and the VAPID key file it needs."""

from __future__ import annotations

import logging
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing
from coffre.notifications.channels.email import EmailChannel
from coffre.notifications.channels.log import LogChannel
from coffre.notifications.channels.registry import make_channels
from coffre.notifications.channels.sms import BrevoSmsChannel, LogSmsChannel
from coffre.notifications.channels.webpush import WebPushChannel, load_vapid_key, vapid_public_key
from coffre.settings import Settings

PRODUCTION = {"environment": "production", "secret_key": "s" * 40}


def test_development_gets_push_and_log_stand_ins(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "vapid.pem"

    channels = make_channels(Settings(environment="development", push_vapid_key_file=key_file))

    assert set(channels) == {"push", "sms", "email", "log"}
    assert isinstance(channels["push"], WebPushChannel)
    assert isinstance(channels["sms"], LogSmsChannel)
    assert isinstance(channels["email"], LogChannel) and channels["email"].name == "email"
    assert {name: channel.name for name, channel in channels.items()} == {
        "push": "push",
        "sms": "sms",
        "email": "email",
        "log": "log",
    }


def test_configured_providers_are_used(tmp_path: Path) -> None:
    settings = Settings(
        push_vapid_key_file=tmp_path / "vapid.pem",
        sms_provider="brevo",
        sms_api_key="xkeysib-test",
        smtp_host="127.0.0.1",
    )

    channels = make_channels(settings)

    assert isinstance(channels["sms"], BrevoSmsChannel)
    assert isinstance(channels["email"], EmailChannel)


def test_development_makes_the_vapid_key_once_readable_by_the_server_only(
    tmp_path: Path,
) -> None:
    settings = Settings(push_vapid_key_file=tmp_path / "var" / "vapid.pem")

    first = vapid_public_key(settings)
    second = vapid_public_key(settings)

    assert first == second
    assert stat.S_IMODE(settings.push_vapid_key_file.stat().st_mode) == 0o600
    assert [p.name for p in settings.push_vapid_key_file.parent.iterdir()] == ["vapid.pem"]


def test_processes_starting_together_end_with_one_key(tmp_path: Path) -> None:
    settings = Settings(push_vapid_key_file=tmp_path / "vapid.pem")

    with ThreadPoolExecutor(20) as pool:
        keys = set(pool.map(lambda _: vapid_public_key(settings), range(20)))

    assert len(keys) == 1
    assert keys == {vapid_public_key(settings)}


def test_production_never_makes_a_key(tmp_path: Path) -> None:
    settings = Settings(push_vapid_key_file=tmp_path / "vapid.pem", **PRODUCTION)  # type: ignore[arg-type]

    with pytest.raises(ChannelSetupError, match="openssl ecparam -name prime256v1"):
        make_channels(settings)
    assert not settings.push_vapid_key_file.exists()


def test_production_uses_a_key_made_with_openssl_s_format(tmp_path: Path) -> None:
    # `openssl ecparam -genkey -noout` writes a SEC1 "EC PRIVATE KEY" PEM.
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "vapid.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    settings = Settings(push_vapid_key_file=key_file, **PRODUCTION)  # type: ignore[arg-type]

    loaded = load_vapid_key(settings)

    assert loaded.private_numbers() == key.private_numbers()


@pytest.mark.parametrize("content", [b"not a key", "p384"])
def test_a_key_file_that_is_not_a_p256_key_refuses_to_start(
    tmp_path: Path, content: bytes | str
) -> None:
    key_file = tmp_path / "vapid.pem"
    if content == "p384":
        content = ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    assert isinstance(content, bytes)
    key_file.write_bytes(content)

    with pytest.raises(ChannelSetupError, match="COFFRE_PUSH_VAPID_KEY_FILE"):
        load_vapid_key(Settings(push_vapid_key_file=key_file))


def test_brevo_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    settings = Settings(push_vapid_key_file=tmp_path / "vapid.pem", sms_provider="brevo")

    with pytest.raises(ChannelSetupError, match="COFFRE_SMS_API_KEY"):
        make_channels(settings)


def test_the_log_channel_logs_that_a_message_went_and_nothing_of_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    message = Outgoing(key="notification:42:email:7", title="Coffre", body="Un document partagé")

    sent = LogChannel("email").send("camille@cias.example", message)

    assert sent.outcome is Outcome.SENT
    [record] = caplog.records
    text = record.getMessage()
    assert "channel email" in text
    for secret in ("camille", message.body, message.key):
        assert secret not in text


def test_a_vapid_subject_push_services_would_refuse_refuses_to_start(tmp_path: Path) -> None:
    settings = Settings(push_vapid_key_file=tmp_path / "vapid.pem", push_vapid_subject="mailto:a@b")

    with pytest.raises(ChannelSetupError, match="COFFRE_PUSH_VAPID_SUBJECT"):
        make_channels(settings)
