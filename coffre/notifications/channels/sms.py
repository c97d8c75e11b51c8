"""SMS: one message to one French mobile number, through Brevo's transactional SMS API.

Brevo (a French provider; ``brevo-python``, its maintained SDK) sends a transactional
SMS with ``POST /v3/transactionalSMS/sms``: an ``api-key`` header and a JSON body
(``sender``, ``recipient`` in international form, ``content``, ``tag``, ``type``);
it answers 201 with a ``messageId``. The delivery's key goes out as the ``tag``, so a
duplicate (the outbox is at least once) can be found in Brevo's logs.

Targets are logins: ``0612345678`` becomes ``+33612345678`` (``to_e164``); overseas
mobiles keep their own country code (``0692…`` is La Réunion's ``+262692…``). A number
that is not a French mobile is refused (``FAILED``): Coffre sends no SMS abroad.

Answers: 2xx sent; 400 failed (Brevo refuses the message or the number: a retry
changes nothing); 401/402/403 (the key, the credits: the operator's to fix), 429, 5xx,
a timeout or no connection: retry later. The SDK's own retries are off: the outbox
retries, with back-off, without holding a worker.

The ``log`` provider (development) logs that an SMS went, never the number or the text.
"""

from __future__ import annotations

import logging
import re
import ssl
from urllib.parse import urlsplit

import httpx
from brevo import Brevo
from brevo.core.api_error import ApiError
from brevo.core.parse_error import ParsingError

from coffre.notifications.channels.answers import retry_after_seconds
from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing, Sent
from coffre.notifications.channels.log import key_digest
from coffre.settings import Settings

log = logging.getLogger(__name__)

# French mobile numbers: 06 and 07 in metropolitan France; overseas mobiles are dialled
# from abroad with their own country code (ARCEP's numbering plan).
_OVERSEAS = {
    "0639": "+262",  # Mayotte
    "0690": "+590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "+590",
    "0692": "+262",  # La Réunion
    "0693": "+262",
    "0694": "+594",  # Guyane
    "0696": "+596",  # Martinique
    "0697": "+596",
}
_NATIONAL = re.compile(r"^0[67][0-9]{8}$")
_INTERNATIONAL = re.compile(r"^\+(33|262|590|594|596)([67][0-9]{8})$")
_SEPARATORS = re.compile(r"[\s.\-()]")

# GSM 03.38 basic character set: text outside it goes as Unicode (70 characters a part
# instead of 160), which Brevo must be told.
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def to_e164(login: str) -> str | None:
    """The international form of a French mobile number, or None if it is not one."""
    text = _SEPARATORS.sub("", login)
    if text.startswith("0033"):
        text = "+33" + text[4:]
    if _NATIONAL.match(text):
        return _OVERSEAS.get(text[:4], "+33") + text[1:]
    match = _INTERNATIONAL.match(text)
    if match is None:
        return None
    country, number = match.groups()
    national = "0" + number
    expected = _OVERSEAS.get(national[:4], "+33")
    if country == "33" and expected != "+33":
        return expected + number  # +33 692… is dialled +262 692…
    if country != "33" and expected != f"+{country}":
        return None
    return f"+{country}{number}"


def sms_text(message: Outgoing) -> str:
    """What the SMS says: the body, after the title unless the body already begins with it."""
    if not message.title or message.body.startswith(message.title):
        return message.body
    return f"{message.title}\n{message.body}"


class BrevoSmsChannel:
    """Sends an ``Outgoing`` to a French mobile number through Brevo."""

    name = "sms"

    def __init__(self, settings: Settings) -> None:
        if not settings.sms_api_key:
            raise ChannelSetupError(
                "COFFRE_SMS_PROVIDER=brevo needs COFFRE_SMS_API_KEY (Brevo: SMTP & API, "
                "API keys), or set COFFRE_SMS_PROVIDER=log (docs/SETTINGS.md)."
            )
        self._api_key = settings.sms_api_key
        self._base_url = settings.sms_api_url.rstrip("/")
        parts = urlsplit(self._base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ChannelSetupError(
                "COFFRE_SMS_API_URL must be Brevo's API URL, e.g. https://api.brevo.com/v3."
            )
        self._sender = settings.sms_sender
        self._timeout = settings.channel_timeout_seconds
        # Made once: loading the authorities costs ~25 ms, a client per send ~0.1 ms.
        self._tls = ssl.create_default_context()

    def send(self, target: str, message: Outgoing) -> Sent:
        recipient = to_e164(target)
        if recipient is None:
            return self._done(message, Sent(Outcome.FAILED, "not_a_french_mobile"))
        content = sms_text(message)
        # One client per send, closed after it: Brevo's SDK cannot close its own, and
        # channels are shared by the outbox's threads.
        with httpx.Client(timeout=self._timeout, follow_redirects=False, verify=self._tls) as http:
            client = Brevo(
                api_key=self._api_key,
                base_url=self._base_url,
                max_retries=0,
                timeout=self._timeout,
                httpx_client=http,
            )
            try:
                client.transactional_sms.send_transac_sms(
                    sender=self._sender,
                    recipient=recipient,
                    content=content,
                    tag=message.key,
                    type="transactional",
                    unicode_enabled=not set(content) <= _GSM7,
                    request_options={"max_retries": 0},
                )
            except (ApiError, ParsingError) as answered:
                # ParsingError: an answer not shaped as Brevo's (a 2xx of it still
                # means the provider took the message).
                status = answered.status_code or 0
                retry_after = (answered.headers or {}).get("retry-after")
                return self._done(message, _answer(status, retry_after))
            except httpx.TimeoutException:
                return self._done(message, Sent(Outcome.RETRY, "timeout"))
            except httpx.TransportError:
                return self._done(message, Sent(Outcome.RETRY, "unreachable"))
        return self._done(message, Sent(Outcome.SENT, "http_201"))

    def _done(self, message: Outgoing, sent: Sent) -> Sent:
        # Never the number nor the text: only how it went and the key's digest.
        level = logging.INFO if sent.outcome is Outcome.SENT else logging.WARNING
        if sent.reason in ("http_401", "http_402", "http_403"):
            level = logging.ERROR  # the operator must act: the key or the credits
        log.log(
            level,
            "sms %s (%s), key %s",
            sent.outcome.value,
            sent.reason or "-",
            key_digest(message.key),
        )
        return sent


def _answer(status: int, retry_after: str | None) -> Sent:
    if 200 <= status < 300:
        return Sent(Outcome.SENT, f"http_{status}")
    if status == 400:
        return Sent(Outcome.FAILED, "http_400")
    return Sent(Outcome.RETRY, f"http_{status}", retry_after_seconds(retry_after))


class LogSmsChannel:
    """Development's SMS: logs that one went (no number, no text); refuses what Brevo
    would refuse (not a French mobile), so development behaves like production."""

    name = "sms"

    def send(self, target: str, message: Outgoing) -> Sent:
        if to_e164(target) is None:
            sent = Sent(Outcome.FAILED, "not_a_french_mobile")
        else:
            sent = Sent(Outcome.SENT, "logged")
        log.info(
            "sms %s (%s, log provider), key %s",
            sent.outcome.value,
            sent.reason,
            key_digest(message.key),
        )
        return sent
