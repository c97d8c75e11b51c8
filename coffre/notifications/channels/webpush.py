"""Web Push: one message to one browser's push subscription (RFC 8030, 8291, 8292).

The page subscribes with the server's VAPID public key (``public_key``) and hands the
server its ``PushSubscription.toJSON()``: an endpoint URL at the browser's push service
and two keys (``p256dh``, ``auth``). The message (JSON ``{title, body, url}``) is
encrypted to those keys with RFC 8291's ``aes128gcm``, so the push service carries
ciphertext only; the request is signed with the VAPID key (RFC 8292) so the service
knows which server may push to that subscription. ``pywebpush`` encrypts, ``py_vapid``
signs; the POST is ours, so that its whole exchange has a deadline (see ``_post``).

Headers: ``TTL`` and ``Urgency`` from the settings; ``Topic`` from the delivery's key,
so a second copy of the same delivery (the outbox is at least once) replaces the first
at the push service while the phone is away instead of showing twice.

The endpoint comes from the client: in production it must be an ``https`` URL whose
host resolves to public addresses only, so a subscription cannot make the server post
to its own network. Answers: 2xx sent; 404/410 the subscription is gone (the outbox
removes it); 429, 5xx, a timeout or no connection: retry later (``Retry-After``);
a redirect (never followed) or any other 4xx: failed.

The VAPID key is a PEM file (``COFFRE_PUSH_VAPID_KEY_FILE``); development and test
make one there when it is absent; production refuses to start without it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.exceptions
import urllib3.util.connection
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, VapidException
from pywebpush import WebPusher, WebPushException

from coffre.notifications.channels.answers import retry_after_seconds
from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing, Sent
from coffre.notifications.channels.log import key_digest
from coffre.settings import Settings

log = logging.getLogger(__name__)

# RFC 8291 §4: push services accept 4096-byte bodies; minus the aes128gcm header (86
# bytes), the tag (16) and the padding delimiter (1), 3993 bytes of plaintext remain.
MAX_PAYLOAD_BYTES = 3993
MAX_ENDPOINT_LENGTH = 2048
# parse_subscription's reason for an endpoint on the server's own machine or network.
OWN_NETWORK = "own_network"
TOPIC_LENGTH = 32  # RFC 8030 §5.4: at most 32 characters of the base64url alphabet
VAPID_LIFETIME_SECONDS = 12 * 3600  # RFC 8292 §2: at most 24 hours


@dataclass(frozen=True)
class Subscription:
    """A browser's push subscription, checked."""

    endpoint: str
    p256dh: str  # base64url, the browser's P-256 public key (uncompressed point)
    auth: str  # base64url, the 16-byte authentication secret

    def as_json(self) -> str:
        return json.dumps(
            {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
        )


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_subscription(raw: str | Mapping[str, Any], *, production: bool) -> Subscription:
    """Check a subscription (the page's ``toJSON()``, as JSON text or a mapping).

    Raises ``ValueError`` with a short reason when it is not one a browser makes:
    the endpoint not an https URL (http and loopback are allowed outside production,
    for the tests' endpoint) or, in production, on the server's own machine or network
    by its very URL (``OWN_NETWORK``: localhost, a private address), keys not a P-256
    point and a 16-byte secret.
    """
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        endpoint = data["endpoint"]
        keys = data["keys"]
        p256dh, auth = keys["p256dh"], keys["auth"]
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError("malformed") from error
    if not all(isinstance(v, str) for v in (endpoint, p256dh, auth)):
        raise ValueError("malformed")
    if len(endpoint) > MAX_ENDPOINT_LENGTH or any(c.isspace() for c in endpoint):
        raise ValueError("endpoint")
    parts = urlsplit(endpoint)
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise ValueError("endpoint")
    if production and _own_network(parts.hostname):
        raise ValueError(OWN_NETWORK)
    try:
        point = _b64url_decode(p256dh)
        secret = _b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as error:
        raise ValueError("keys") from error
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise ValueError("keys")
    return Subscription(endpoint=endpoint, p256dh=_b64url(point), auth=_b64url(secret))


def _own_network(host: str) -> bool:
    """Whether ``host`` names the server's own machine or network without a look-up:
    localhost, or an address written in the URL (in any form the resolver reads:
    "127.1", "2130706433", "0x7f.1") that is not a public one. A name is checked
    when a message is sent, on the addresses it resolves to then (``_public_address``)."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            name.split("%", 1)[0]
        )
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(name))
        except (OSError, ValueError):
            return False  # a name
    return not address.is_global


def _public_address(host: str, port: int) -> str | None:
    """An address to connect to if every address ``host`` resolves to is a public one
    (production's rule), else None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(
        ipaddress.ip_address(a.split("%", 1)[0]).is_global for a in addresses
    ):
        return None
    return addresses[0]


def _public_host(host: str, port: int) -> bool:
    """Whether every address ``host`` resolves to is a public one (production's rule)."""
    return _public_address(host, port) is not None


def topic(key: str) -> str:
    """The push ``Topic`` for a delivery's key: 32 characters of base64url."""
    return _b64url(hashlib.sha256(key.encode()).digest())[:TOPIC_LENGTH]


# --- the VAPID key --------------------------------------------------------------------


def load_vapid_key(settings: Settings) -> ec.EllipticCurvePrivateKey:
    """The server's VAPID private key; made once in development and test when absent."""
    path = settings.push_vapid_key_file
    if not path.exists():
        if settings.environment == "production":
            raise ChannelSetupError(
                f"COFFRE_PUSH_VAPID_KEY_FILE: no key at {path}. Make one once with "
                f"'openssl ecparam -name prime256v1 -genkey -noout -out {path}' "
                "(readable by the server only) and keep it: a new key ends every "
                "phone's push subscription (docs/SETTINGS.md)."
            )
        _create_key_file(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ChannelSetupError(
            f"COFFRE_PUSH_VAPID_KEY_FILE: {path} is not a readable unencrypted PEM private key."
        ) from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ChannelSetupError(
            f"COFFRE_PUSH_VAPID_KEY_FILE: {path} must hold a P-256 (prime256v1) key."
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key at ``path`` unless another process wrote one first."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(descriptor, "wb") as file:  # mkstemp: mode 0600
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # A hard link appears whole or not at all and never replaces a key another
        # process (a second worker starting) made meanwhile: theirs is kept.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    log.info("development VAPID key created (COFFRE_PUSH_VAPID_KEY_FILE)")


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    """The application server key the page subscribes with: base64url, uncompressed."""
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def vapid_public_key(settings: Settings) -> str:
    """``GET /notifications/push-key``: the server's VAPID public key, base64url."""
    return public_key_of(load_vapid_key(settings))


# --- a deadline over one exchange -------------------------------------------------

_current = threading.local()


class _Deadline:
    """Shuts the exchange's sockets down once ``seconds`` have passed, wherever it is
    (connecting, sending, waiting for the status line, reading headers)."""

    def __init__(self, session: requests.Session, seconds: float, *, public_only: bool) -> None:
        self.passed = False
        # Production: connect only to the public address checked at that moment (a name
        # checked once and resolved again to connect could be answered 127.0.0.1 the
        # second time: DNS rebinding); ``refused`` says it did not.
        self.public_only = public_only
        self.refused = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        for adapter in session.adapters.values():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                adapter.poolmanager.pool_classes_by_scheme = {
                    "http": _WatchedHTTPPool,
                    "https": _WatchedHTTPSPool,
                }
                # Pools made before this change would not watch their sockets.
                adapter.poolmanager.clear()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if not self.passed:
                return
        _shut(sock)

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> _Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        _current.deadline = None


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(sock: socket.socket) -> socket.socket:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)
    return sock


def _open(
    conn: urllib3.connection.HTTPConnection, connect: Callable[[], socket.socket]
) -> socket.socket:
    """The connection's socket: in production, to the one address resolved and checked
    here (the TLS name and the Host header stay the endpoint's), never resolved again."""
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is None or not deadline.public_only:
        return _watched(connect())
    port = conn.port or 443
    address = _public_address(conn.host, port)
    if address is None:
        deadline.refused = True
        raise urllib3.exceptions.NewConnectionError(conn, "not a public address")
    try:
        sock = urllib3.util.connection.create_connection(
            (address, port),
            conn.timeout,
            source_address=conn.source_address,
            socket_options=conn.socket_options,
        )
    except TimeoutError as error:
        raise urllib3.exceptions.ConnectTimeoutError(conn, "connection timed out") from error
    except OSError as error:
        raise urllib3.exceptions.NewConnectionError(conn, f"no connection: {error}") from error
    return _watched(sock)


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _open(self, super()._new_conn)


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _open(self, super()._new_conn)


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


# --- the channel ----------------------------------------------------------------------


class WebPushChannel:
    """Sends an ``Outgoing`` to a push subscription given as JSON text."""

    name = "push"

    def __init__(self, settings: Settings, key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self._key = key if key is not None else load_vapid_key(settings)
        self._vapid = Vapid02(self._key)
        self.public_key = public_key_of(self._key)
        self._subject = settings.push_vapid_subject
        self._ttl = settings.push_ttl_seconds
        self._urgency = settings.push_urgency
        self._timeout = settings.channel_timeout_seconds
        self._production = settings.environment == "production"
        try:  # py_vapid's own rule for ``sub`` is stricter than the setting's pattern
            self._vapid.sign({"sub": self._subject, "aud": "https://push.example"})
        except VapidException as error:
            raise ChannelSetupError(
                "COFFRE_PUSH_VAPID_SUBJECT must be mailto:<address with a domain> or an "
                "https:// URL (docs/SETTINGS.md)."
            ) from error

    def send(self, target: str, message: Outgoing) -> Sent:
        try:
            subscription = parse_subscription(target, production=self._production)
        except ValueError as error:
            reason = "endpoint_refused" if str(error) == OWN_NETWORK else "invalid_subscription"
            return self._done(message, Sent(Outcome.FAILED, reason))
        parts = urlsplit(subscription.endpoint)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self._production and not _public_host(host, port):
            return self._done(message, Sent(Outcome.FAILED, "endpoint_refused"))
        payload = json.dumps(
            {"title": message.title, "body": message.body, "url": message.url},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        if len(payload) > MAX_PAYLOAD_BYTES:
            return self._done(message, Sent(Outcome.FAILED, "too_large"))
        try:
            headers = self._vapid.sign(
                {
                    "sub": self._subject,
                    "aud": f"{parts.scheme}://{parts.netloc}",
                    "exp": int(time.time()) + VAPID_LIFETIME_SECONDS,
                }
            )
        except VapidException:  # an audience py_vapid cannot sign for (an IPv6 literal)
            return self._done(message, Sent(Outcome.FAILED, "invalid_subscription"))
        headers["Urgency"] = self._urgency
        headers["Topic"] = topic(message.key)
        return self._done(message, self._post(subscription, payload, headers))

    def _post(self, subscription: Subscription, payload: bytes, headers: dict[str, str]) -> Sent:
        try:
            pusher = WebPusher(
                {
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                }
            )
            body = pusher.encode(payload, content_encoding="aes128gcm")["body"]
        except (WebPushException, ValueError):
            return Sent(Outcome.FAILED, "invalid_subscription")
        headers = {
            **headers,
            "Content-Encoding": "aes128gcm",
            "TTL": str(self._ttl),
        }
        # The endpoint's server is the client's choice: the whole exchange is cut at a
        # deadline (a server answering one byte at a time defeats per-read timeouts),
        # its body is never read (only the status counts), and a redirect is not
        # followed (it would post the message where the subscription did not say).
        with (
            requests.Session() as session,
            _Deadline(session, 2 * self._timeout, public_only=self._production) as deadline,
        ):
            # No proxy or .netrc from the environment: the host is the client's choice.
            session.trust_env = False
            try:
                response = session.post(
                    subscription.endpoint,
                    data=body,
                    headers=headers,
                    timeout=(self._timeout, self._timeout),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as error:
                if deadline.refused:
                    return Sent(Outcome.FAILED, "endpoint_refused")
                if deadline.passed or isinstance(error, requests.Timeout):
                    return Sent(Outcome.RETRY, "timeout")
                if isinstance(error, requests.ConnectionError):
                    return Sent(Outcome.RETRY, "unreachable")
                return Sent(Outcome.RETRY, "network_error")
            with contextlib.closing(response):
                return _answer(response.status_code, response.headers.get("Retry-After"))

    def _done(self, message: Outgoing, sent: Sent) -> Sent:
        # Never the endpoint (it names the person's browser) nor the text.
        log.log(
            logging.INFO if sent.outcome is Outcome.SENT else logging.WARNING,
            "push %s (%s), key %s",
            sent.outcome.value,
            sent.reason or "-",
            key_digest(message.key),
        )
        return sent


def _answer(status: int, retry_after: str | None) -> Sent:
    if 200 <= status < 300:
        return Sent(Outcome.SENT, f"http_{status}")
    if 300 <= status < 400:
        return Sent(Outcome.FAILED, "redirected")
    if status in (404, 410):
        return Sent(Outcome.GONE, f"http_{status}")
    if status == 429 or status >= 500:
        return Sent(Outcome.RETRY, f"http_{status}", retry_after_seconds(retry_after))
    return Sent(Outcome.FAILED, f"http_{status}")
