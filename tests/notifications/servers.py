"""The far sides of Coffre's channels, started by the tests on loopback.

- ``PushEndpoint``: a push service's endpoint (RFC 8030) for subscriptions whose keys
  the test generates (EC P-256 + a 16-byte auth secret, as a browser does); it checks
  the VAPID header (RFC 8292), decrypts what it receives with ``http-ece`` (RFC 8291,
  aes128gcm) and records the messages. It can be told to answer 404/410/429/500 or to
  be slow.
- ``SmsProvider``: Brevo's transactional SMS API as Brevo answers it
  (``POST /v3/transactionalSMS/sms``, ``api-key`` header, JSON body with ``sender``,
  ``recipient``, ``content``, ``tag``...; 201 with ``reference`` and ``messageId``;
  400 ``invalid_parameter``, 401 ``unauthorized``, 402, 429, 5xx on demand).
- ``SmtpServer``: a real SMTP server (aiosmtpd) recording what it accepts, optionally
  with STARTTLS (a certificate the test makes) and a login; it can refuse (5xx/4xx)
  or be slow.

Every server binds 127.0.0.1 on a free port and stops at the end of its fixture.
``settings()`` on each gives the ``Settings`` fields that point Coffre at it, for
``settings.model_copy(update=...)``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import ipaddress
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from py_vapid import Vapid02

from tests.servers.ports import LOOPBACK, assert_loopback, free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Far:
    """What a test told a server to do with the next requests (shared with its threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: int | None = None  # None: answer as the real service would
        self.retry_after: str | None = None
        self.delay_seconds = 0.0
        self.dribble_seconds = 0.0  # > 0: answer one byte at a time, this far apart
        self.stopping = threading.Event()

    def wait(self) -> None:
        if self.delay_seconds:
            self.stopping.wait(self.delay_seconds)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the outbox's parallel deliverers connect at once


class _LoopbackHTTP:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.port = free_port()
        self.httpd = _Server((LOOPBACK, self.port), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.origin = f"http://{LOOPBACK}:{self.port}"
        assert_loopback(self.origin)

    def close(self, far: _Far) -> None:
        far.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # quiet: the tests read what the servers recorded instead

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def reply_json(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
        self.reply(
            status,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )


# --- Web Push -------------------------------------------------------------------------


@dataclass(frozen=True)
class PushMessage:
    """One push message the endpoint accepted and decrypted."""

    token: str  # which subscription (the endpoint's last path segment)
    headers: dict[str, str]  # lower-case names
    plaintext: bytes
    vapid_key: str  # the ``k`` of the VAPID Authorization header (the server's public key)
    vapid_claims: dict[str, Any]

    @property
    def payload(self) -> Any:
        return json.loads(self.plaintext)


@dataclass
class _Subscriber:
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes


class PushEndpoint:
    """A push service's endpoint on loopback; see the module's docstring."""

    def __init__(self) -> None:
        self.far = _Far()
        self._subscribers: dict[str, _Subscriber] = {}
        self.messages: list[PushMessage] = []
        self.received = 0  # every POST, answered or not
        self.refused: list[tuple[str, int]] = []  # (token, status) of what was not accepted
        self._http = _LoopbackHTTP(_PushHandler)
        self._http.httpd.endpoint = self  # type: ignore[attr-defined]
        self.origin = self._http.origin

    def subscribe(self) -> dict[str, Any]:
        """A new subscription as the page's ``PushSubscription.toJSON()`` gives it."""
        token = secrets.token_urlsafe(16)
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth_secret = secrets.token_bytes(16)
        with self.far.lock:
            self._subscribers[token] = _Subscriber(private_key, auth_secret)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{token}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth_secret)},
        }

    def forget(self, subscription: dict[str, Any]) -> None:
        """The browser dropped this subscription: its endpoint now answers 410."""
        with self.far.lock:
            self._subscribers.pop(subscription["endpoint"].rsplit("/", 1)[1], None)

    def answer(self, status: int | None, *, retry_after: str | None = None) -> None:
        """Answer every next request with ``status`` (None: back to normal)."""
        with self.far.lock:
            self.far.status = status
            self.far.retry_after = retry_after

    def slow(self, seconds: float) -> None:
        """Wait this long before answering each next request (0: no wait)."""
        self.far.delay_seconds = seconds

    def dribble(self, seconds_per_byte: float) -> None:
        """Answer each next request one byte at a time (a status line that never ends),
        so no single read waits long: per-read timeouts never fire."""
        self.far.dribble_seconds = seconds_per_byte

    def messages_for(self, subscription: dict[str, Any]) -> list[PushMessage]:
        token = subscription["endpoint"].rsplit("/", 1)[1]
        with self.far.lock:
            return [m for m in self.messages if m.token == token]

    def close(self) -> None:
        self._http.close(self.far)


class _PushHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        endpoint: PushEndpoint = self.server.endpoint  # type: ignore[attr-defined]
        body = self.body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        token = self.path.rsplit("/", 1)[-1]
        with endpoint.far.lock:
            endpoint.received += 1
            forced, retry_after = endpoint.far.status, endpoint.far.retry_after
            subscriber = endpoint._subscribers.get(token)
        endpoint.far.wait()
        if endpoint.far.dribble_seconds:
            self._dribble(endpoint.far)
            return
        status = forced or self._check(headers, subscriber, body)
        if isinstance(status, PushMessage):
            with endpoint.far.lock:
                endpoint.messages.append(status)
                number = len(endpoint.messages)
            self.reply(201, headers={"Location": f"{endpoint.origin}/message/{number}"})
            return
        with endpoint.far.lock:
            endpoint.refused.append((token, status))
        extra = {"Retry-After": retry_after} if retry_after else {}
        if 300 <= status < 400:  # a redirect elsewhere (a push service never sends one)
            extra["Location"] = f"{endpoint.origin}/elsewhere"
        self.reply_json(status, {"code": status, "errno": 0, "message": "refused"}, extra)

    def _dribble(self, far: _Far) -> None:
        self.close_connection = True
        try:
            deadline = time.monotonic() + 30
            for byte in itertools.chain(b"HTTP/1.1 201", itertools.repeat(32)):
                if time.monotonic() > deadline or far.stopping.wait(far.dribble_seconds):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            return  # the client hung up: what a deadline does

    def _check(
        self, headers: dict[str, str], subscriber: _Subscriber | None, body: bytes
    ) -> PushMessage | int:
        if not self.path.startswith("/push/"):
            return 404
        if subscriber is None:
            return 410
        # RFC 8030 §5.2: TTL is required; RFC 8292: a VAPID token for this origin.
        if "ttl" not in headers or headers.get("content-encoding") != "aes128gcm":
            return 400
        match = re.fullmatch(r"vapid t=([^,]+),\s*k=(\S+)", headers.get("authorization", ""))
        if match is None:
            return 401
        try:
            if not Vapid02.verify(headers["authorization"]):
                return 403
        except Exception:  # noqa: BLE001 - any malformed token is a refusal
            return 403
        token, key = match.groups()
        claims = json.loads(b64url_decode(token.split(".")[1]))
        server: PushEndpoint = self.server.endpoint  # type: ignore[attr-defined]
        if claims.get("aud") != server.origin or int(claims.get("exp", 0)) < time.time():
            return 403
        try:
            plaintext = http_ece.decrypt(
                body,
                private_key=subscriber.private_key,
                auth_secret=subscriber.auth_secret,
                version="aes128gcm",
            )
        except http_ece.ECEException:
            return 400
        return PushMessage(
            token=self.path.rsplit("/", 1)[-1],
            headers=headers,
            plaintext=plaintext,
            vapid_key=key,
            vapid_claims=claims,
        )


# --- SMS (Brevo's transactional SMS API) ----------------------------------------------


@dataclass(frozen=True)
class SmsRequest:
    """One request Brevo's API would have turned into an SMS."""

    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]

    @property
    def recipient(self) -> str:
        return str(self.body["recipient"])

    @property
    def content(self) -> str:
        return str(self.body["content"])


class SmsProvider:
    """Brevo's ``POST /v3/transactionalSMS/sms`` on loopback; see the module's docstring."""

    PATH = "/v3/transactionalSMS/sms"

    def __init__(self) -> None:
        self.far = _Far()
        self.api_key = "xkeysib-" + secrets.token_hex(32)
        self.sender = "Coffre"
        self.messages: list[SmsRequest] = []  # accepted (201)
        self.received = 0
        self.refused: list[int] = []
        self._http = _LoopbackHTTP(_SmsHandler)
        self._http.httpd.provider = self  # type: ignore[attr-defined]
        self.base_url = f"{self._http.origin}/v3"

    def settings(self) -> dict[str, Any]:
        return {
            "sms_provider": "brevo",
            "sms_api_key": self.api_key,
            "sms_api_url": self.base_url,
            "sms_sender": self.sender,
        }

    def answer(self, status: int | None, *, retry_after: str | None = None) -> None:
        """Answer every next request with ``status`` (None: back to normal)."""
        with self.far.lock:
            self.far.status = status
            self.far.retry_after = retry_after

    def slow(self, seconds: float) -> None:
        self.far.delay_seconds = seconds

    def close(self) -> None:
        self._http.close(self.far)


_BREVO_ERRORS = {
    400: ("invalid_parameter", "Invalid parameter"),
    401: ("unauthorized", "Key not found"),
    402: ("not_enough_credits", "Not enough credits"),
    429: ("too_many_requests", "Too many requests"),
}


class _SmsHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        provider: SmsProvider = self.server.provider  # type: ignore[attr-defined]
        raw = self.body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        with provider.far.lock:
            provider.received += 1
            forced, retry_after = provider.far.status, provider.far.retry_after
        provider.far.wait()
        if self.path != SmsProvider.PATH:
            self._error(404, "document_not_found", "Not found", provider)
            return
        if forced:
            code, message = _BREVO_ERRORS.get(forced, ("internal_error", "Internal error"))
            extra = {"Retry-After": retry_after} if retry_after else {}
            self._error(forced, code, message, provider, extra)
            return
        if not secrets.compare_digest(headers.get("api-key", ""), provider.api_key):
            self._error(401, "unauthorized", "Key not found", provider)
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "bad_request", "Malformed JSON", provider)
            return
        problem = _brevo_sms_problem(body)
        if problem:
            self._error(400, "invalid_parameter", problem, provider)
            return
        with provider.far.lock:
            provider.messages.append(SmsRequest(headers=headers, body=body))
        content = str(body["content"])
        self.reply_json(
            201,
            {
                "reference": "ab1cde2fgh3i4jklmno",
                "messageId": 1511882900176220 + len(provider.messages),
                "smsCount": max(1, -(-len(content) // 160)),
                "usedCredits": 0.045,
                "remainingCredits": 100.0,
            },
        )

    def _error(
        self,
        status: int,
        code: str,
        message: str,
        provider: SmsProvider,
        extra: dict[str, str] | None = None,
    ) -> None:
        with provider.far.lock:
            provider.refused.append(status)
        self.reply_json(status, {"code": code, "message": message}, extra)


def _brevo_sms_problem(body: Any) -> str:
    """What Brevo refuses with 400 in a send-SMS body ('' when it accepts it)."""
    if not isinstance(body, dict):
        return "body must be an object"
    for name in ("sender", "recipient"):
        if not isinstance(body.get(name), str) or not body[name]:
            return f"{name} is missing"
    if not body.get("content") and not body.get("templateId"):
        return "content is missing"
    sender = body["sender"]
    if not (re.fullmatch(r"[A-Za-z0-9]{1,11}", sender) or re.fullmatch(r"[0-9]{1,15}", sender)):
        return "sender is invalid"
    if not re.fullmatch(r"\+?[0-9]{6,15}", body["recipient"]):
        return "recipient is invalid"
    tag = body.get("tag")
    if tag is not None and not (
        (isinstance(tag, str) and tag)
        or (
            isinstance(tag, list)
            and 0 < len(tag) <= 10
            and all(isinstance(t, str) and t for t in tag)
        )
    ):
        return "tag is invalid"
    if body.get("type", "transactional") not in ("transactional", "marketing"):
        return "type is invalid"
    return ""


# --- SMTP -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _SmtpBehaviour:
    data_reply: str | None = None  # e.g. "550 5.1.1 mailbox unavailable"
    rcpt_reply: str | None = None
    delay_seconds: float = 0.0
    mails: list[Mail] = field(default_factory=list)
    connections: int = 0


class _SmtpHandler:
    def __init__(self, behaviour: _SmtpBehaviour, lock: threading.Lock) -> None:
        self.behaviour = behaviour
        self.lock = lock

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.behaviour.rcpt_reply:
            return self.behaviour.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.behaviour.delay_seconds:
            await asyncio.sleep(self.behaviour.delay_seconds)
        if self.behaviour.data_reply:
            return self.behaviour.data_reply
        login = (
            session.auth_data.login.decode()
            if isinstance(session.auth_data, LoginPassword)
            else None
        )
        raw = envelope.original_content or b""
        with self.lock:
            self.behaviour.mails.append(
                Mail(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=list(envelope.rcpt_tos),
                    raw=raw,
                    tls=session.ssl is not None,
                    login=login,
                )
            )
        return "250 OK: queued"


class SmtpServer:
    """aiosmtpd on loopback; see the module's docstring."""

    def __init__(self, tmp: Path, *, tls: bool = False, implicit: bool = False) -> None:
        """``tls``: STARTTLS required, then a login; ``implicit`` (with ``tls``): TLS from
        the first byte instead (port 465's way)."""
        self.lock = threading.Lock()
        self.behaviour = _SmtpBehaviour()
        self.username = "coffre"
        self.password = secrets.token_urlsafe(12)
        self.ca_file: Path | None = None
        context = None
        if tls:
            import ssl

            cert, key = _self_signed(tmp)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            self.ca_file = cert
        self.implicit = implicit
        self.port = free_port()
        self.controller = Controller(
            _SmtpHandler(self.behaviour, self.lock),
            hostname=LOOPBACK,
            port=self.port,
            server_hostname="localhost",
            ssl_context=context if implicit else None,
            tls_context=None if implicit else context,
            require_starttls=tls and not implicit,
            authenticator=self._authenticate,
            auth_require_tls=tls and not implicit,
            decode_data=False,
        )
        self.controller.start()
        self.host = LOOPBACK

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == self.username
            and secrets.compare_digest(auth_data.password.decode(), self.password)
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def settings(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "smtp_host": self.host,
            "smtp_port": self.port,
            "smtp_security": "tls" if self.implicit else "starttls" if self.ca_file else "none",
            "smtp_from": "Coffre <ne-pas-repondre@coffre.test>",
        }
        if self.ca_file:
            fields |= {
                "smtp_ca_file": self.ca_file,
                "smtp_username": self.username,
                "smtp_password": self.password,
            }
        return fields

    @property
    def mails(self) -> list[Mail]:
        with self.lock:
            return list(self.behaviour.mails)

    def answer(self, reply: str | None, *, at: str = "DATA") -> None:
        """Reply ``reply`` (e.g. "550 5.1.1 no such user") at RCPT or DATA; None: accept."""
        if at == "RCPT":
            self.behaviour.rcpt_reply = reply
        else:
            self.behaviour.data_reply = reply

    def slow(self, seconds: float) -> None:
        self.behaviour.delay_seconds = seconds

    def close(self) -> None:
        self.behaviour.delay_seconds = 0
        self.controller.stop()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost the SMTP client is told to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# --- fixtures (tests/notifications/conftest.py imports them; another folder's conftest
# may import them the same way: `from tests.notifications.servers import push_endpoint`)


@pytest.fixture
def push_endpoint() -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint()
    try:
        yield endpoint
    finally:
        endpoint.close()


@pytest.fixture
def sms_provider() -> Iterator[SmsProvider]:
    provider = SmsProvider()
    try:
        yield provider
    finally:
        provider.close()


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """Plain SMTP (no TLS), login offered but not required."""
    server = SmtpServer(tmp_path)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def smtp_server_implicit_tls(tmp_path: Path) -> Iterator[SmtpServer]:
    """TLS from the first byte (port 465's way), then a login."""
    server = SmtpServer(tmp_path, tls=True, implicit=True)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def smtp_server_tls(tmp_path: Path) -> Iterator[SmtpServer]:
    """STARTTLS required (certificate in ``ca_file``), then a login."""
    server = SmtpServer(tmp_path, tls=True)
    try:
        yield server
    finally:
        server.close()
