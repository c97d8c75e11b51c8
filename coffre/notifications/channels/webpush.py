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
import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, VapidException
from pywebpush import WebPusher, WebPushException

from coffre import outbound
from coffre.notifications.channels.answers import retry_after_seconds
from coffre.notifications.channels.base import ChannelSetupError, Outcome, Outgoing, Sent
from coffre.notifications.channels.log import key_digest
from coffre.settings import Settings

log = logging.getLogger(__name__)

# RFC 8291 §4: push services accept 4096-byte bodies; minus the aes128gcm header (86
# bytes), the tag (16) and the padding delimiter (1), 3993 bytes of plaintext remain.
MAX_PAYLOAD_BYTES = 3993
MAX_ENDPOINT_LENGTH = outbound.MAX_URL_LENGTH
# parse_subscription's reason for an endpoint on the server's own machine or network.
OWN_NETWORK = outbound.OWN_NETWORK
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
    try:
        outbound.check_url(endpoint, production=production)
    except ValueError as error:
        raise ValueError(str(error)) from None
    try:
        point = _b64url_decode(p256dh)
        secret = _b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as error:
        raise ValueError("keys") from error
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise ValueError("keys")
    return Subscription(endpoint=endpoint, p256dh=_b64url(point), auth=_b64url(secret))


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
        if self._production and not outbound.public_host(host, port):
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
        # The endpoint's server is the client's choice (coffre/outbound.py): the whole
        # exchange is cut at a deadline, its body is never read (only the status counts),
        # a redirect is not followed, production connects to the checked address only.
        posted = outbound.post(
            subscription.endpoint,
            body,
            headers,
            timeout=self._timeout,
            production=self._production,
        )
        if posted.status is None:
            return Sent(
                Outcome.FAILED if posted.failure == outbound.REFUSED else Outcome.RETRY,
                posted.failure,
            )
        return _answer(posted.status, posted.retry_after)

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
