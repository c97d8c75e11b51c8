"""Login throttling: failures counted per account and per client address, with a growing delay.

CNIL délibération 2022-100 accepts ~50-bit passphrases when attempts are throttled
(DESIGN.md, "Security decisions"). Each failed login is recorded twice, under a
keyed hash of the login (scope ``account``) and of the client address (scope
``address``); neither is kept in clear. For each key, over a sliding window of
``COFFRE_LOGIN_WINDOW_SECONDS``:

- the first ``free`` failures cost nothing (typos);
- after ``n >= free`` failures, the next attempt is refused until
  ``last_failure + base * 2 ** (n - free)`` seconds (at most
  ``COFFRE_LOGIN_DELAY_MAX_SECONDS``);
- at ``max`` failures, every attempt is refused until the oldest of them leaves
  the window.

The address limits are higher than the account's: an association's shared
computer serves many persons. A refusal is decided before the login value is
looked at, so the right passphrase is refused too while throttled, and an unknown
login is throttled exactly like an existing one (nothing tells them apart).
A success clears the account's failures, not the address's.

Under parallel attempts the decision is the database's (issue 14): ``check`` holds
the attempt's keys (``coffre.db.engine.hold``) before it reads their failures, and
the caller's unit of work, opened with ``write=True``, keeps them until it has
written the failure and committed. So the attempts on one login or from one
address are checked one after the other, each seeing every failure before it, and
a burst of 40 wrong guesses gets no more checks than a slow series would.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session as DbSession

from coffre import metrics
from coffre.accounts import repository
from coffre.accounts.errors import TooManyAttempts
from coffre.db.engine import hold
from coffre.settings import Settings

# Purpose strings of the keyed hashes; the account one predates this module (rows
# written before it stay valid).
_ACCOUNT_PURPOSE = b"coffre/v1/login-throttle"
_ADDRESS_PURPOSE = b"coffre/v1/address-throttle"
# An IPv6 host usually holds a whole /64: count the network, not each address.
_IPV6_PREFIX = 64
# 2**20 times the base is far past any sensible cap: keeps the power small.
_MAX_EXPONENT = 20


class Scope(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Limits:
    """The numbers for one scope."""

    free_failures: int
    max_failures: int


@dataclass(frozen=True)
class Attempt:
    """The throttling keys of one login attempt (keyed hashes, never the values)."""

    account_key: bytes
    address_key: bytes | None

    def keys(self) -> list[tuple[Scope, bytes]]:
        keys = [(Scope.ACCOUNT, self.account_key)]
        if self.address_key is not None:
            keys.append((Scope.ADDRESS, self.address_key))
        return keys


def wait_seconds(
    failures: Sequence[datetime],
    now: datetime,
    *,
    limits: Limits,
    window: timedelta,
    base_seconds: int,
    max_delay_seconds: int,
) -> float:
    """How long the next attempt must wait, given the recent failures (newest first).

    ``failures`` holds the failures inside the window, newest first, at most
    ``limits.max_failures`` of them.
    """
    count = len(failures)
    until = now
    if count >= limits.max_failures:
        # Refused until the count drops below the cap: the max-th newest leaves the window.
        until = failures[limits.max_failures - 1] + window
    if count > 0 and count >= limits.free_failures:
        exponent = min(count - limits.free_failures, _MAX_EXPONENT)
        delay = min(base_seconds * 2**exponent, max_delay_seconds)
        until = max(until, failures[0] + timedelta(seconds=delay))
    return max(0.0, (until - now).total_seconds())


def address_identity(address: str) -> str:
    """What is counted for an address: IPv4 as is, IPv6 by its /64, anything else verbatim."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:255]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{_IPV6_PREFIX}", strict=False))
    return str(ip)


class LoginThrottle:
    """Decides whether a login attempt may proceed; records and clears failures.

    Its methods work inside the caller's unit of work, so a failure is written in
    the same transaction as the refusal it explains.
    """

    def __init__(self, settings: Settings) -> None:
        # The newest key of the ring (coffre/secrets/keyring.py): adding a secret starts
        # the counts afresh once, for at most one window (docs/THREATS.md).
        self._secret = settings.keyring.derive("coffre/login-throttle/v2")
        self._window = timedelta(seconds=settings.login_window_seconds)
        self._base = settings.login_delay_base_seconds
        self._max_delay = settings.login_delay_max_seconds
        self._limits = {
            Scope.ACCOUNT: Limits(settings.login_free_failures, settings.login_max_failures),
            Scope.ADDRESS: Limits(
                settings.login_address_free_failures, settings.login_address_max_failures
            ),
        }

    def _keyed(self, purpose: bytes, value: str) -> bytes:
        return hmac.new(self._secret, purpose + b"\n" + value.encode(), hashlib.sha256).digest()

    def attempt(self, login: str, address: str | None) -> Attempt:
        """The keys of an attempt on a normalised login from a client address (or none)."""
        address_key = None
        if address:
            address_key = self._keyed(_ADDRESS_PURPOSE, address_identity(address))
        return Attempt(self._keyed(_ACCOUNT_PURPOSE, login), address_key)

    def check(self, db: DbSession, attempt: Attempt, now: datetime) -> None:
        """Raise ``TooManyAttempts`` (with ``retry_after``) if this attempt must wait.

        Holds the attempt's keys until the caller's unit of work ends; that unit of
        work must be opened with ``write=True`` and record the failure before it
        commits. Keys are taken in one order (account, then address) everywhere.
        """
        for scope, key in sorted(attempt.keys()):
            hold(db, "login-throttle", scope.value, key)
        since = now - self._window
        longest = 0.0
        for scope, key in attempt.keys():
            limits = self._limits[scope]
            failures = repository.recent_failures(db, scope, key, since, limits.max_failures)
            wait = wait_seconds(
                failures,
                now,
                limits=limits,
                window=self._window,
                base_seconds=self._base,
                max_delay_seconds=self._max_delay,
            )
            longest = max(longest, wait)
        if longest > 0:
            metrics.LOGINS_THROTTLED.inc()
            raise TooManyAttempts(retry_after=math.ceil(longest))

    def record_failure(self, db: DbSession, attempt: Attempt, now: datetime) -> None:
        for scope, key in attempt.keys():
            repository.add_failure(db, scope, key, now)

    def clear_account(self, db: DbSession, attempt: Attempt) -> None:
        """After a success: the account starts afresh; the address keeps its count."""
        repository.clear_failures(db, Scope.ACCOUNT, attempt.account_key)

    def purge(self, db: DbSession, now: datetime) -> int:
        """Delete failures older than the window (they no longer count); returns how many."""
        return repository.purge_failures(db, now - self._window)
