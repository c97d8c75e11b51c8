"""The e-mail channel against a real SMTP server on loopback (aiosmtpd), plain and with
STARTTLS and a login (tests/notifications/servers.py)."""

from __future__ import annotations

import logging
import time

import pytest

from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing
from coffre.notifications.channels.email import EmailChannel, message_id
from coffre.settings import Settings
from tests.notifications.servers import SmtpServer
from tests.servers.ports import free_port

MESSAGE = Outgoing(
    key="notification:01J0000000000000000000000:email:7",
    title="Coffre : une personne a partagé un document avec vous",
    body="Une personne a partagé un document avec vous. Ouvrez Coffre pour le voir.\n"
    "Ceci est un message automatique : n'y répondez pas.",
    url="/app",
)
ADDRESS = "camille.durand@cias.example"


def _channel(server: SmtpServer, **extra: object) -> EmailChannel:
    fields = {"environment": "test", "channel_timeout_seconds": 1, **server.settings(), **extra}
    return EmailChannel(Settings(**fields))  # type: ignore[arg-type]


def test_one_plain_text_mail_with_the_message_and_nothing_else(smtp_server: SmtpServer) -> None:
    sent = _channel(smtp_server).send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.SENT, "smtp_250")
    [mail] = smtp_server.mails
    assert mail.mail_from == "ne-pas-repondre@coffre.test"
    assert mail.rcpt_tos == [ADDRESS]
    message = mail.message
    assert set(message.keys()) == {
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }
    assert message["From"] == "Coffre <ne-pas-repondre@coffre.test>"
    assert message["To"] == ADDRESS
    assert message["Subject"] == MESSAGE.title
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().rstrip("\n") == MESSAGE.body


def test_the_message_id_comes_from_the_key_so_a_duplicate_can_be_dropped(
    smtp_server: SmtpServer,
) -> None:
    channel = _channel(smtp_server)
    channel.send(ADDRESS, MESSAGE)
    channel.send(ADDRESS, MESSAGE)
    channel.send(ADDRESS, Outgoing(key=MESSAGE.key + "x", title="t", body="b"))

    ids = [mail.message["Message-ID"] for mail in smtp_server.mails]
    assert ids[0] == ids[1] == message_id(MESSAGE.key, "coffre.test") != ids[2]
    assert MESSAGE.key not in ids[0]


def test_starttls_and_a_login_when_the_server_wants_them(smtp_server_tls: SmtpServer) -> None:
    sent = _channel(smtp_server_tls).send(ADDRESS, MESSAGE)

    assert sent.outcome is Outcome.SENT
    [mail] = smtp_server_tls.mails
    assert mail.tls and mail.login == smtp_server_tls.username


def test_tls_from_the_first_byte_and_a_login(smtp_server_implicit_tls: SmtpServer) -> None:
    sent = _channel(smtp_server_implicit_tls).send(ADDRESS, MESSAGE)

    assert sent.outcome is Outcome.SENT
    [mail] = smtp_server_implicit_tls.mails
    assert mail.login == smtp_server_implicit_tls.username


def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(
    smtp_server: SmtpServer,
) -> None:
    channel = _channel(smtp_server, smtp_security="starttls")

    sent = channel.send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "starttls_unavailable")
    assert smtp_server.mails == []


def test_a_certificate_nobody_vouches_for_is_refused(smtp_server_tls: SmtpServer) -> None:
    channel = _channel(smtp_server_tls, smtp_ca_file=None)

    sent = channel.send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "tls_error")
    assert smtp_server_tls.mails == []


def test_a_wrong_password_is_retried_for_the_operator_to_fix(
    smtp_server_tls: SmtpServer,
) -> None:
    sent = _channel(smtp_server_tls, smtp_password="wrong").send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "smtp_auth_535")
    assert smtp_server_tls.mails == []


@pytest.mark.parametrize("at", ["RCPT", "DATA"])
def test_a_permanent_refusal_fails(smtp_server: SmtpServer, at: str) -> None:
    smtp_server.answer("550 5.1.1 mailbox unavailable", at=at)

    sent = _channel(smtp_server).send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "smtp_550")


@pytest.mark.parametrize("at", ["RCPT", "DATA"])
def test_a_temporary_refusal_is_retried(smtp_server: SmtpServer, at: str) -> None:
    smtp_server.answer("451 4.3.0 try again later", at=at)

    sent = _channel(smtp_server).send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "smtp_451")


def test_a_slow_server_is_given_up_within_the_timeout_and_retried(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.slow(5)
    started = time.monotonic()

    sent = _channel(smtp_server).send(ADDRESS, MESSAGE)

    assert time.monotonic() - started < 2.5  # the setting: 1 s
    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "timeout")


def test_a_server_nobody_listens_on_is_retried() -> None:
    settings = Settings(
        environment="test",
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_security="none",
        channel_timeout_seconds=1,
    )

    sent = EmailChannel(settings).send(ADDRESS, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "unreachable")


@pytest.mark.parametrize(
    "target",
    [
        "not an address",
        "a@b",
        "Camille <camille@cias.example>",
        "a@cias.example, b@cias.example",
        "a@cias.example\r\nBcc: x@evil.example",
        "amélie@cias.example",
        "",
    ],
)
def test_a_malformed_address_fails_without_a_connection(
    smtp_server: SmtpServer, target: str
) -> None:
    sent = _channel(smtp_server).send(target, MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "invalid_address")
    assert smtp_server.mails == []


def test_a_from_that_is_not_an_address_refuses_to_start() -> None:
    with pytest.raises(ChannelSetupError, match="COFFRE_SMTP_FROM"):
        EmailChannel(Settings(smtp_host="127.0.0.1", smtp_from="Coffre"))


def test_the_log_never_holds_the_address_nor_the_text(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="coffre")
    caplog.set_level(logging.INFO)
    channel = _channel(smtp_server)
    channel.send(ADDRESS, MESSAGE)
    smtp_server.answer("550 5.1.1 no such user " + ADDRESS, at="RCPT")
    channel.send(ADDRESS, MESSAGE)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("coffre"))
    assert "email sent" in logged and "email failed (smtp_550)" in logged
    for secret in (ADDRESS, "camille", MESSAGE.title, MESSAGE.body, MESSAGE.key):
        assert secret not in logged
