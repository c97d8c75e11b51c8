"""Posting to an address someone outside chose: a browser's push endpoint, a partner's
webhook. The one guard against making the server post to its own network (SSRF).

- ``check_url``: the address must be ``https`` (``http`` allowed outside production,
  for the tests' loopback far sides), without credentials, at most 2048 characters;
  in production it may not name the server's own machine or network by its very
  spelling (``OWN_NETWORK``: localhost, a private or loopback address in any form the
  resolver reads: "127.1", "2130706433", "0x7f.1", "[::ffff:10.0.0.1]").
- ``post``: one POST whose whole exchange has a deadline (a server answering one byte
  at a time defeats per-read timeouts: the sockets are shut at ``2 * timeout``); in
  production the name is resolved ONCE, every address it resolves to must be public,
  and the connection goes to the address checked then, never resolved again (DNS
  rebinding); a redirect is never followed (it would post where the owner did not say);
  no proxy or ``.netrc`` from the environment; the answer's body is never read.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.exceptions
import urllib3.util.connection

MAX_URL_LENGTH = 2048
# check_url's reasons: not an address we post to at all; one on the server's own network.
BAD_URL = "endpoint"
OWN_NETWORK = "own_network"


def check_url(url: str, *, production: bool) -> SplitResult:
    """The URL's parts if the server may post there; else ``ValueError`` with
    ``BAD_URL`` or ``OWN_NETWORK`` (production only) as its message."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        raise ValueError(BAD_URL)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a port out of range, a bracket left open
        raise ValueError(BAD_URL) from error
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise ValueError(BAD_URL)
    if port == 0:
        raise ValueError(BAD_URL)
    if production and own_network(parts.hostname):
        raise ValueError(OWN_NETWORK)
    return parts


def own_network(host: str) -> bool:
    """Whether ``host`` names the server's own machine or network without a look-up:
    localhost, or an address written in the URL (in any form the resolver reads:
    "127.1", "2130706433", "0x7f.1") that is not a public one. A name is checked
    when a message is sent, on the addresses it resolves to then (``public_address``)."""
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
    return not is_public(address)


# IPv6 ranges that carry an IPv4 address in their last 32 bits: IPv4-compatible
# (::a.b.c.d, deprecated), IPv4-translated (::ffff:0:a.b.c.d, SIIT) and NAT64's
# well-known prefix (64:ff9b::/96, RFC 6052). A gateway translating them would post to
# that IPv4 address, so they are as public as it is. NAT64's local-use prefix
# (64:ff9b:1::/48, RFC 8215) is never public; 6to4 (2002::/16) carries its IPv4 in
# bits 16 to 48 (``sixtofour``).
_CARRY_IPV4 = (
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
)
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the server may post to ``address`` in production: a globally reachable
    address, and for an IPv6 address carrying an IPv4 one (mapped, compatible,
    translated, NAT64, 6to4), that IPv4 address too. Python's ``is_global`` alone
    judges "::127.0.0.1" or "64:ff9b::a00:1" public."""
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address in _LOCAL_NAT64:
        return False
    inner = address.ipv4_mapped or address.sixtofour
    if inner is None and any(address in network for network in _CARRY_IPV4):
        inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return inner is None or inner.is_global


def public_address(host: str, port: int) -> str | None:
    """An address to connect to if every address ``host`` resolves to is a public one
    (production's rule), else None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(
        is_public(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses
    ):
        return None
    return addresses[0]


def public_host(host: str, port: int) -> bool:
    """Whether every address ``host`` resolves to is a public one (production's rule)."""
    return public_address(host, port) is not None


# --- one POST ---------------------------------------------------------------------------

# Posted.failure when there was no answer.
REFUSED = "endpoint_refused"  # production: the name resolved to the server's own network
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
NETWORK_ERROR = "network_error"


@dataclass(frozen=True)
class Posted:
    """How a POST went: the far side's status and ``Retry-After``, or why none came."""

    status: int | None = None
    retry_after: str | None = None
    failure: str = ""


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    production: bool,
) -> Posted:
    """POST ``body`` to ``url`` (checked by ``check_url`` first), the whole exchange cut
    at ``2 * timeout``; never raises for the far side's doing."""
    with (
        requests.Session() as session,
        _Deadline(session, 2 * timeout, public_only=production) as deadline,
    ):
        # No proxy or .netrc from the environment: the host is someone else's choice.
        session.trust_env = False
        try:
            response = session.post(
                url,
                data=body,
                headers=dict(headers),
                timeout=(timeout, timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as error:
            if deadline.refused:
                return Posted(failure=REFUSED)
            if deadline.passed or isinstance(error, requests.Timeout):
                return Posted(failure=TIMEOUT)
            if isinstance(error, requests.ConnectionError):
                return Posted(failure=UNREACHABLE)
            return Posted(failure=NETWORK_ERROR)
        with contextlib.closing(response):
            return Posted(
                status=response.status_code, retry_after=response.headers.get("Retry-After")
            )


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
    here (the TLS name and the Host header stay the URL's), never resolved again."""
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is None or not deadline.public_only:
        return _watched(connect())
    port = conn.port or 443
    address = public_address(conn.host, port)
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
