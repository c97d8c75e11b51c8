"""What recovery, passphrase change, reset and erasure share with login.

One place for the pieces these flows borrow from ``AccountService``: the keyed
verifier of a login value, the login throttle (a recovery attempt or a re-typed
passphrase counts against the same per-account and per-address budget as a
login), checks of the new passphrase's key material, and sessions (revoke all,
open one). Keeping them here means the flows call the very code login uses,
and follow it when it changes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository
from coffre.accounts.credential_errors import WrongPassphrase
from coffre.accounts.errors import InvalidKeyMaterial, NotAuthenticated
from coffre.accounts.kdf import AccountKdf, check_kdf, store_kdf
from coffre.accounts.models import Account
from coffre.accounts.service import (
    KEY_SIZE,
    WRAPPED_MASTER_KEY_SIZE,
    AccountService,
    LoginResult,
)
from coffre.accounts.sessions import SessionKind, open_session
from coffre.accounts.throttle import Attempt
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.policy import TOTP_REQUIRED, Role
from coffre.settings import Settings

# A login placeholder of erased accounts starts with a character no login may hold
# (coffre.accounts.login), so no one can sign up, log in or recover with it.
ERASED_LOGIN_PREFIX = "~erased~"

T = TypeVar("T")


@dataclass(frozen=True)
class Proven:
    """What an act proven by the passphrase works with: the unit of work it runs in,
    the account read again under the throttle's lock, and the throttle's attempt."""

    db: DbSession
    account: Account
    attempt: Attempt


class Credentials:
    def __init__(self, accounts: AccountService, settings: Settings) -> None:
        self._accounts = accounts
        self._throttle = accounts.throttle
        self._settings = settings

    # -- login values ---------------------------------------------------------
    def verifier(self, auth_key: bytes, db: DbSession | None = None) -> bytes:
        """The keyed hash stored for a login value (the same as at sign-up and login);
        its key read in ``db``, the caller's unit of work, when given."""
        return self._accounts._verifier(auth_key, db)

    def matches(self, expected: bytes | None, auth_key: bytes, db: DbSession | None = None) -> bool:
        """Whether ``auth_key`` is the login value behind ``expected``.

        The same work when there is nothing to compare with (unknown login, erased
        account), so the answer's timing does not tell them apart.
        """
        given = self.verifier(auth_key, db) if len(auth_key) == KEY_SIZE else b""
        reference = expected if expected else self.verifier(b"", db)
        same = hmac.compare_digest(reference, given)
        return same and bool(expected)

    # -- throttling: the login's own budget -------------------------------------
    def attempt(self, login: str, address: str | None) -> Attempt:
        return self._throttle.attempt(login, address)

    def check(self, db: DbSession, attempt: Attempt, now: datetime) -> None:
        """Raise ``TooManyAttempts`` while this login (or address) must wait."""
        self._throttle.check(db, attempt, now)

    def failed(self, db: DbSession, attempt: Attempt, now: datetime) -> None:
        self._throttle.record_failure(db, attempt, now)

    def succeeded(self, db: DbSession, attempt: Attempt) -> None:
        self._throttle.clear_account(db, attempt)

    # -- an act proven by the passphrase ----------------------------------------
    def proven(
        self,
        database: Database,
        account_id: str,
        auth_key: bytes,
        act: Callable[[Proven], T],
        *,
        address: str | None,
        now: datetime,
        unless: Callable[[Account], bool] | None = None,
        on_wrong: Callable[[DbSession, Account], None] | None = None,
    ) -> T | None:
        """Run ``act`` once the account's current login value ``auth_key`` is proven,
        in one write unit of work, under the login throttle's lock: the throttle is
        checked first (``too_many_attempts``), the account read again under the lock (a
        parallel change or erasure may have committed since: PostgreSQL, READ COMMITTED),
        and a wrong value counted like a failed login and refused with
        ``wrong_passphrase`` once the failure is committed (``on_wrong`` adds what the
        act records of a refusal, in the same unit of work). ``act`` decides itself
        whether a success clears the throttle (``succeeded``).

        ``unless``: a state of the account, read under the lock, in which there is
        nothing to do: None is returned before the passphrase is compared (a parallel
        act already did the work, with which the caller's value may no longer match).
        An account gone or erased is ``not_authenticated``."""
        wrong = False
        result: T | None = None
        with database.unit_of_work(write=True) as db:
            account = repository.account_by_id(db, account_id)
            if account is None or account.deleted_at is not None:
                raise NotAuthenticated()
            attempt = self.attempt(account.login, address)
            self.check(db, attempt, now)
            db.refresh(account)
            if account.deleted_at is not None:
                raise NotAuthenticated()
            if unless is not None and unless(account):
                return None
            wrong = not self.matches(account.auth_verifier, auth_key, db)
            if wrong:
                self.failed(db, attempt, now)
                if on_wrong is not None:
                    on_wrong(db, account)
            else:
                result = act(Proven(db, account, attempt))
        if wrong:
            raise WrongPassphrase()
        return result

    # -- second factor: asked exactly as at login -----------------------------
    def second_factor(
        self, db: DbSession, account: Account, totp_code: str | None, now: datetime
    ) -> CoffreError | None:
        """The login's refusal for this second factor (``totp_required``, ``invalid_totp``)
        or None. The recovery kit replaces the passphrase, never the second factor."""
        refusal, _restricted = self._accounts._second_factor(db, account, totp_code, now)
        return refusal

    # -- sessions ------------------------------------------------------------
    def revoke_sessions(
        self, db: DbSession, account_id: str, now: datetime, *, keep: str | None = None
    ) -> int:
        return repository.revoke_sessions(db, account_id, now, keep=keep)

    def open_session(
        self,
        db: DbSession,
        account: Account,
        now: datetime,
        *,
        kind: SessionKind,
        user_agent: str | None,
    ) -> LoginResult:
        """A new session, as login opens one (restricted to TOTP enrolment when the
        role requires a second factor that is not set up yet)."""
        credential = repository.totp_credential(db, account.id)
        enrolled = credential is not None and credential.confirmed_at is not None
        restricted = Role(account.kind) in TOTP_REQUIRED and not enrolled
        ttl = self._settings.session_ttl_seconds
        token = open_session(
            db,
            account_id=account.id,
            now=now,
            ttl_seconds=ttl,
            kind=kind,
            user_agent=user_agent,
            restricted=restricted,
        )
        return LoginResult(token=token, account=account, expires_in=ttl, restricted=restricted)


def check_passphrase_material(
    kdf: AccountKdf, auth_key: bytes, wrapped_master_passphrase: bytes
) -> None:
    """A new passphrase's parameters, login value and wrapped master key (SPEC §3, §5, §19).

    The same rules as at sign-up: parameters checked as a client checks them, exact
    sizes, a v1 blob. The server cannot check that the blob opens; the client just made it.
    """
    check_kdf(kdf)
    if (
        len(auth_key) != KEY_SIZE
        or len(wrapped_master_passphrase) != WRAPPED_MASTER_KEY_SIZE
        or wrapped_master_passphrase[0] != 1
    ):
        raise InvalidKeyMaterial()


def set_passphrase(
    account: Account,
    kdf: AccountKdf,
    auth_verifier: bytes,
    wrapped_master_passphrase: bytes,
) -> None:
    """Replace what the passphrase protects on the server: params, verifier, wrapped master key."""
    store_kdf(account, kdf)
    account.auth_verifier = auth_verifier
    account.wrapped_master_passphrase = wrapped_master_passphrase


def token_hash(token: str) -> bytes:
    """Only this is stored for the recovery token and reset code (like session tokens)."""
    return hashlib.sha256(token.encode()).digest()
