"""Loopback ports for the test servers, and the guard that keeps tests on loopback.

Servers started by the tests bind 127.0.0.1 only, on ports chosen here. Ports are
picked *below* the kernel's ephemeral range, so that the many outgoing connections
the servers make between their own components (which take ephemeral ports) cannot
steal a port between the moment we pick it and the moment the server binds it.
Parallel runs are kept apart by random choice plus a bind check; a server that still
loses the race fails to start and its starter retries with new ports.
"""

from __future__ import annotations

import contextlib
import ipaddress
import random
import socket
from collections.abc import Collection, Iterator
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
GRPC_OFFSET = 10000  # SeaweedFS derives a gRPC port as http port + 10000
_LOWEST = 10000


def _ephemeral_range() -> tuple[int, int]:
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        low, high = (int(part) for part in text.split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999  # Linux default


def _bind(port: int) -> socket.socket | None:
    """Bind 127.0.0.1:port and return the socket (held to reserve it), or None if taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        return None
    return sock


@contextlib.contextmanager
def _reserved() -> Iterator[list[socket.socket]]:
    held: list[socket.socket] = []
    try:
        yield held
    finally:
        for sock in held:
            sock.close()


def free_ports(count: int, *, with_grpc: bool = False, exclude: Collection[int] = ()) -> list[int]:
    """Return `count` distinct free loopback ports, none of them in ``exclude``.

    With ``with_grpc``, each returned port ``p`` also has ``p + 10000`` free (and
    distinct from every other returned port and its companion).
    """
    ephemeral_low, _ = _ephemeral_range()
    highest = ephemeral_low - 1 - (GRPC_OFFSET if with_grpc else 0)
    if highest <= _LOWEST:
        raise RuntimeError("no port range below the ephemeral range to choose from")
    chosen: list[int] = []
    with _reserved() as held:
        for _ in range(count * 200):
            if len(chosen) == count:
                break
            port = random.randint(_LOWEST, highest)  # noqa: S311 - not a secret
            wanted = [port, port + GRPC_OFFSET] if with_grpc else [port]
            if any(p in exclude for p in wanted):
                continue
            socks = [_bind(p) for p in wanted]
            if all(s is not None for s in socks):
                held.extend(s for s in socks if s is not None)
                chosen.append(port)
            else:
                for s in socks:
                    if s is not None:
                        s.close()
        if len(chosen) != count:
            raise RuntimeError(f"could not find {count} free loopback ports")
    return chosen


def free_port() -> int:
    """One free loopback port (no gRPC companion)."""
    return free_ports(1)[0]


def assert_loopback(url_or_endpoint: str) -> None:
    """Raise AssertionError unless the address is on 127.0.0.0/8 (or is localhost).

    Accepts a URL (``postgresql+psycopg://postgres@127.0.0.1:5432/db``,
    ``http://127.0.0.1:8333``) or a bare ``host:port`` endpoint. Tests call it before
    they talk to a server, so a stray setting can never point a test at a real one.
    """
    text = url_or_endpoint.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = parts.hostname  # a unix-socket-only URL has none: refused, TCP loopback only
    if host is None:
        raise AssertionError(f"refusing a non-loopback address (no host): {url_or_endpoint!r}")
    if host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise AssertionError(
            f"refusing a non-loopback address: {url_or_endpoint!r} (host {host!r})"
        ) from None
    if not (address.version == 4 and address in ipaddress.ip_network("127.0.0.0/8")):
        raise AssertionError(f"refusing a non-loopback address: {url_or_endpoint!r}")
