"""E-mail: one plain-text message to one address, through an SMTP server.

For professionals and admins (persons have no address here). The connection is
plain, STARTTLS (refused if the server does not offer it: the message never goes in
clear by surprise) or TLS from the first byte; the server's certificate is checked
against the system's authorities plus ``COFFRE_SMTP_CA_FILE``; a login if set.

The ``Message-ID`` is made from the delivery's key, so a copy sent twice (the outbox
is at least once: a timeout after the server took the message) carries the same one
and can be recognised and dropped. ``Auto-Submitted: auto-generated`` (RFC 3834)
keeps vacation replies away. The subject is the message's title, the body its text:
nothing else of the event goes out.

Answers: the server's 2xx sent; a 5xx to the recipient or the data failed (a retry
changes nothing); a 4xx, a refused connection, a timeout, a broken TLS set-up or a
refused login (the operator's to fix): retry later.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, parseaddr

from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing, Sent
from coffre.notifications.channels.log import key_digest
from coffre.settings import Settings

log = logging.getLogger(__name__)

MAX_ADDRESS_LENGTH = 254  # RFC 5321 §4.5.3.1.3 (path) less the angle brackets


def message_id(key: str, domain: str) -> str:
    """The ``Message-ID`` of a delivery: the same key gives the same id."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<coffre.{digest}@{domain}>"


class _StartTlsUnavailable(smtplib.SMTPException):
    """The server does not offer STARTTLS: the message would go in clear."""


def valid_address(target: str) -> bool:
    """One plain ASCII ``local@domain`` address: no name, no list, no line break (an
    internationalised address would need SMTPUTF8, which relays rarely offer)."""
    if not target or len(target) > MAX_ADDRESS_LENGTH or not target.isascii():
        return False
    if any(c.isspace() for c in target):
        return False
    found = getaddresses([target])
    if len(found) != 1 or found[0][1] != target or found[0][0]:
        return False
    local, at, domain = target.rpartition("@")
    return bool(at and local and "." in domain and "@" not in local and not domain.endswith("."))


class EmailChannel:
    """Sends an ``Outgoing`` to an e-mail address through SMTP."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        name, address = parseaddr(settings.smtp_from)
        if not valid_address(address):
            raise ChannelSetupError(
                "COFFRE_SMTP_FROM must be an address such as "
                "'Coffre <ne-pas-repondre@example.fr>' (docs/SETTINGS.md)."
            )
        self._from = Address(display_name=name, addr_spec=address)
        self._envelope_from = address
        self._domain = address.rpartition("@")[2]
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._security = settings.smtp_security
        self._username = settings.smtp_username
        self._password = settings.smtp_password
        self._timeout = settings.channel_timeout_seconds
        self._context = ssl.create_default_context()
        if settings.smtp_ca_file is not None:
            try:
                self._context.load_verify_locations(cafile=settings.smtp_ca_file)
            except (OSError, ssl.SSLError) as error:
                raise ChannelSetupError(
                    f"COFFRE_SMTP_CA_FILE: {settings.smtp_ca_file} is not a readable PEM file."
                ) from error

    def compose(self, target: str, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self._from
        mail["To"] = target
        mail["Subject"] = message.title
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = message_id(message.key, self._domain)
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.body, charset="utf-8")
        return mail

    def send(self, target: str, message: Outgoing) -> Sent:
        if not valid_address(target):
            return self._done(message, Sent(Outcome.FAILED, "invalid_address"))
        mail = self.compose(target, message)
        client: smtplib.SMTP | None = None
        try:
            client = self._connect()
            client.send_message(mail, from_addr=self._envelope_from, to_addrs=[target])
            sent = Sent(Outcome.SENT, "smtp_250")
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            sent = _answer(codes[0] if codes else 0)
        except smtplib.SMTPAuthenticationError as refused:
            sent = Sent(Outcome.RETRY, f"smtp_auth_{refused.smtp_code}")
        except _StartTlsUnavailable:
            sent = Sent(Outcome.RETRY, "starttls_unavailable")
        except smtplib.SMTPResponseException as refused:
            sent = _answer(refused.smtp_code)
        except smtplib.SMTPServerDisconnected as cut:
            # smtplib turns a read that timed out into "disconnected": say which.
            timed_out = isinstance(cut.__context__, TimeoutError)
            sent = Sent(Outcome.RETRY, "timeout" if timed_out else "disconnected")
        except TimeoutError:
            sent = Sent(Outcome.RETRY, "timeout")
        except ssl.SSLError:
            sent = Sent(Outcome.RETRY, "tls_error")
        except smtplib.SMTPException:
            sent = Sent(Outcome.RETRY, "smtp_error")
        except OSError:
            sent = Sent(Outcome.RETRY, "unreachable")
        finally:
            if client is not None:
                client.close()
        return self._done(message, sent)

    def _connect(self) -> smtplib.SMTP:
        if self._security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._context
            )
        else:
            client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        try:
            client.ehlo()
            if self._security == "starttls":
                if not client.has_extn("starttls"):
                    raise _StartTlsUnavailable("STARTTLS not offered")
                client.starttls(context=self._context)
                client.ehlo()
            if self._username:
                client.login(self._username, self._password)
        except BaseException:
            client.close()
            raise
        return client

    def _done(self, message: Outgoing, sent: Sent) -> Sent:
        # Never the address nor the text: how it went and the key's digest only.
        level = logging.INFO if sent.outcome is Outcome.SENT else logging.WARNING
        if sent.reason.startswith(("smtp_auth", "tls_error", "starttls")):
            level = logging.ERROR  # the operator must act
        log.log(
            level,
            "email %s (%s), key %s",
            sent.outcome.value,
            sent.reason or "-",
            key_digest(message.key),
        )
        return sent


def _answer(code: int) -> Sent:
    if 200 <= code < 300:
        return Sent(Outcome.SENT, f"smtp_{code}")
    if 500 <= code < 600:
        return Sent(Outcome.FAILED, f"smtp_{code}")
    return Sent(Outcome.RETRY, f"smtp_{code}")
