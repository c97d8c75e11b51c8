"""The SMS channel against Brevo's transactional SMS API as Brevo answers it, on loopback
(tests/notifications/servers.py ``sms_provider``); the numbers it accepts; the log provider."""

from __future__ import annotations

import logging
import time

import pytest

from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing
from coffre.notifications.channels.sms import BrevoSmsChannel, LogSmsChannel, sms_text, to_e164
from coffre.settings import Settings
from tests.notifications.servers import SmsProvider

MESSAGE = Outgoing(
    key="notification:01J0000000000000000000000:sms:7",
    title="Coffre",
    body="Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir.",
    url="/app",
)


def _channel(provider: SmsProvider, **extra: object) -> BrevoSmsChannel:
    fields = {"environment": "test", "channel_timeout_seconds": 1, **provider.settings(), **extra}
    return BrevoSmsChannel(Settings(**fields))  # type: ignore[arg-type]


def test_a_french_login_gets_one_sms_request_as_brevo_expects_it(
    sms_provider: SmsProvider,
) -> None:
    sent = _channel(sms_provider).send("0612345678", MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.SENT, "http_201")
    [request] = sms_provider.messages
    assert request.headers["api-key"] == sms_provider.api_key
    assert request.headers["content-type"].startswith("application/json")
    # Exactly these fields: the text is the message's, nothing else of the event.
    assert request.body == {
        "sender": "Coffre",
        "recipient": "+33612345678",
        "content": MESSAGE.body,
        "tag": MESSAGE.key,
        "type": "transactional",
        "unicodeEnabled": False,
    }


def test_text_outside_the_gsm_alphabet_goes_as_unicode(sms_provider: SmsProvider) -> None:
    message = Outgoing(key="k", title="Кофр", body="Кофр: у вас нагадування")

    assert _channel(sms_provider).send("07 12 34 56 78", message).outcome is Outcome.SENT

    [request] = sms_provider.messages
    assert request.body["unicodeEnabled"] is True
    assert request.content == "Кофр: у вас нагадування"
    assert request.recipient == "+33712345678"


def test_the_title_leads_the_text_unless_the_body_already_begins_with_it() -> None:
    assert sms_text(MESSAGE) == MESSAGE.body
    assert sms_text(Outgoing(key="k", title="Coffre", body="Vous avez un rappel")) == (
        "Coffre\nVous avez un rappel"
    )


@pytest.mark.parametrize(
    ("login", "e164"),
    [
        ("0612345678", "+33612345678"),
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033712345678", "+33712345678"),
        ("0692123456", "+262692123456"),  # La Réunion
        ("+33692123456", "+262692123456"),
        ("0639123456", "+262639123456"),  # Mayotte
        ("0690123456", "+590690123456"),  # Guadeloupe
        ("0694123456", "+594694123456"),  # Guyane
        ("0696123456", "+596696123456"),  # Martinique
        ("+262692123456", "+262692123456"),
        ("0145678901", None),  # a landline
        ("+4915112345678", None),  # abroad
        ("+262612345678", None),  # a metropolitan mobile under an overseas code
        ("061234567", None),
        ("camille.d", None),
        ("", None),
    ],
)
def test_french_mobile_logins_become_e164_and_others_are_refused(
    login: str, e164: str | None
) -> None:
    assert to_e164(login) == e164


def test_a_number_that_is_not_a_french_mobile_fails_without_a_request(
    sms_provider: SmsProvider,
) -> None:
    sent = _channel(sms_provider).send("+4915112345678", MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "not_a_french_mobile")
    assert sms_provider.received == 0


def test_a_refused_message_fails_at_once(sms_provider: SmsProvider) -> None:
    sms_provider.answer(400)

    sent = _channel(sms_provider).send("0612345678", MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "http_400")


def test_senders_are_those_brevo_takes(sms_provider: SmsProvider) -> None:
    sent = _channel(sms_provider, sms_sender="123456789012345").send("0612345678", MESSAGE)

    assert sent.outcome is Outcome.SENT  # up to 15 digits
    for refused in ("Coffre Social", "CoffreSocial", "1234567890123456", ""):
        with pytest.raises(ValueError):
            Settings(sms_sender=refused)  # refused at start-up, before Brevo sees it


def test_a_wrong_key_is_retried_for_the_operator_to_fix(
    sms_provider: SmsProvider, caplog: pytest.LogCaptureFixture
) -> None:
    channel = _channel(sms_provider, sms_api_key="xkeysib-wrong")
    caplog.set_level(logging.INFO)

    sent = channel.send("0612345678", MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "http_401")
    assert [r.levelno for r in caplog.records if r.name.startswith("coffre")] == [logging.ERROR]


@pytest.mark.parametrize(
    ("status", "retry_after", "seconds"),
    [(429, "30", 30), (500, None, None), (502, None, None), (503, "5", 5), (402, None, None)],
)
def test_a_provider_down_or_busy_is_retried(
    sms_provider: SmsProvider, status: int, retry_after: str | None, seconds: int | None
) -> None:
    sms_provider.answer(status, retry_after=retry_after)

    sent = _channel(sms_provider).send("0612345678", MESSAGE)

    assert (sent.outcome, sent.reason, sent.retry_after_seconds) == (
        Outcome.RETRY,
        f"http_{status}",
        seconds,
    )
    assert sms_provider.received == 1  # the SDK's own retries are off: the outbox retries


def test_a_slow_provider_is_given_up_within_the_timeout_and_retried(
    sms_provider: SmsProvider,
) -> None:
    sms_provider.slow(5)
    started = time.monotonic()

    sent = _channel(sms_provider).send("0612345678", MESSAGE)

    assert time.monotonic() - started < 2.5  # the setting: 1 s
    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "timeout")


def test_a_provider_nobody_listens_on_is_retried(sms_provider: SmsProvider) -> None:
    channel = _channel(sms_provider)
    sms_provider.close()

    sent = channel.send("0612345678", MESSAGE)

    assert (sent.outcome, sent.reason) == (Outcome.RETRY, "unreachable")


def test_brevo_without_a_key_or_a_url_refuses_to_start() -> None:
    with pytest.raises(ChannelSetupError, match="COFFRE_SMS_API_KEY"):
        BrevoSmsChannel(Settings(sms_provider="brevo"))
    with pytest.raises(ChannelSetupError, match="COFFRE_SMS_API_URL"):
        BrevoSmsChannel(
            Settings(sms_provider="brevo", sms_api_key="k", sms_api_url="api.brevo.com")
        )


def test_the_log_never_holds_the_number_nor_the_text(
    sms_provider: SmsProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="coffre")
    caplog.set_level(logging.INFO)
    _channel(sms_provider).send("0612345678", MESSAGE)
    LogSmsChannel().send("0612345678", MESSAGE)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sms sent (http_201)" in logged and "log provider" in logged
    for secret in ("0612345678", "612345678", MESSAGE.body, MESSAGE.key, sms_provider.api_key):
        assert secret not in logged


def test_the_log_provider_refuses_what_brevo_would() -> None:
    channel = LogSmsChannel()

    assert channel.send("0612345678", MESSAGE).outcome is Outcome.SENT
    assert channel.send("+4915112345678", MESSAGE).reason == "not_a_french_mobile"
