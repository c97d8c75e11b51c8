"""Regaining access with the recovery kit, and changing the passphrase (SPEC §3–§5).

Recovery runs in two steps, like login:

1. ``begin``: the client parses the printed code (SPEC §4.3), derives the recovery
   login value and sends it. The server checks it against ``recovery_verifier``
   under the login's own throttle (one budget for logins and recoveries, per
   account and per address), then asks for the second factor exactly as login
   does (the kit replaces the passphrase, never the second factor). It answers
   with the master key wrapped for recovery, the wrapped keyring, the public keys
   and a recovery token that lives ten minutes and serves once (only its SHA-256
   is stored).
2. ``complete``: the client unwraps the master key, wraps it under a new
   passphrase (SPEC §5.2) and sends the new KDF parameters, login value and
   wrapped master key with the token. The server replaces them, revokes every
   session and opens a new one.

The master key and the keyring do not change, so every document stays readable.
The server never receives the recovery secret, a passphrase or the master key.

A passphrase change while logged in (``change_passphrase``) is step 2 without the
kit: the current login value stands in for the token (a stolen session alone
cannot change the passphrase), and the other sessions are revoked.

A new recovery code while logged in (``change_recovery_code``, "Refaire mon kit de
récupération"): the client proves the passphrase with its login value, draws a new
recovery secret, wraps the same master key under it (SPEC §4, §5.2) and sends the new
recovery login value and wrapped master key. Both are replaced together in one
transaction, so the old kit stops working at that commit (a recovery started with it
ends too); the passphrase and the sessions stay.

The KDF upgrade (``upgrade_kdf``) is the same step with the same passphrase: a v1
account's client, having just unlocked it, wraps the master key again under v2
keys (SPEC §19) and sends them proven by the v1 login value. The sessions stay
(nothing was lost or stolen); once v2, the account never takes v1 parameters again
(``format_v1_refused``, coffre/accounts/kdf.py).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from coffre.accounts import credential_repository as tokens
from coffre.accounts import repository
from coffre.accounts.credential_errors import InvalidRecoveryToken
from coffre.accounts.credentials import (
    Credentials,
    Proven,
    check_passphrase_material,
    set_passphrase,
    token_hash,
)
from coffre.accounts.errors import (
    InvalidCredentials,
    InvalidKeyMaterial,
    InvalidTotp,
)
from coffre.accounts.kdf import KDF_V2, AccountKdf, refuse_downgrade, version_of
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account, RecoveryToken
from coffre.accounts.service import KEY_SIZE, WRAPPED_MASTER_KEY_SIZE, LoginResult
from coffre.accounts.sessions import SessionKind
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.ids import new_id
from coffre.policy import Actor

RECOVERY_TOKEN_SECONDS = 10 * 60
_MAX_TOKEN_CHARS = 128


@dataclass(frozen=True)
class RecoveryStart:
    """What step 1 hands back: the account (its wrapped keys) and the token for step 2."""

    token: str
    expires_in: int
    account: Account


@dataclass(frozen=True)
class NewPassphrase:
    """A new passphrase as the server sees it (SPEC §3, §5): never the passphrase itself."""

    kdf: AccountKdf
    auth_key: bytes
    wrapped_master_passphrase: bytes


@dataclass(frozen=True)
class NewRecoveryCode:
    """A new recovery code as the server sees it (SPEC §4, §5.2): its login value and the
    master key wrapped under it, never the code itself."""

    recovery_auth_key: bytes
    wrapped_master_recovery: bytes


class RecoveryService:
    def __init__(self, db: Database, clock: Clock, credentials: Credentials) -> None:
        self._db = db
        self._clock = clock
        self._credentials = credentials

    def begin(
        self,
        raw_login: str,
        recovery_auth_key: bytes,
        *,
        totp_code: str | None = None,
        address: str | None = None,
    ) -> RecoveryStart:
        """Step 1: check the recovery login value; ``invalid_credentials`` for a wrong
        value and an unknown login alike, ``too_many_attempts`` while throttled."""
        login = normalise_login(raw_login)
        credentials = self._credentials
        attempt = credentials.attempt(login, address)
        now = self._clock.now()
        refusal: CoffreError | None = None
        # write=True: the login's throttle is checked and charged under its lock.
        with self._db.unit_of_work(write=True) as db:
            credentials.check(db, attempt, now)
            account = repository.account_by_login(db, login)
            expected = account.recovery_verifier if account is not None else None
            # Compared in every case (a dummy for an unknown login): the same work.
            right = credentials.matches(expected, recovery_auth_key, db)
            if account is None or not right:
                credentials.failed(db, attempt, now)
                refusal = InvalidCredentials()
            else:
                refusal = credentials.second_factor(db, account, totp_code, now)
                if isinstance(refusal, InvalidTotp):
                    credentials.failed(db, attempt, now)
                elif refusal is None:
                    credentials.succeeded(db, attempt)
                    # One recovery in progress at a time: a new step 1 voids the last.
                    tokens.delete_recovery_tokens(db, account.id)
                    token = secrets.token_urlsafe(32)
                    db.add(
                        RecoveryToken(
                            id=new_id(),
                            account_id=account.id,
                            token_hash=token_hash(token),
                            created_at=now,
                            expires_at=now + timedelta(seconds=RECOVERY_TOKEN_SECONDS),
                        )
                    )
        # The failure is committed before the refusal is raised (as at login).
        if refusal is not None or account is None:
            raise refusal or InvalidCredentials()
        return RecoveryStart(token=token, expires_in=RECOVERY_TOKEN_SECONDS, account=account)

    def complete(
        self,
        token: str,
        new: NewPassphrase,
        *,
        kind: SessionKind = SessionKind.API,
        user_agent: str | None = None,
    ) -> LoginResult:
        """Step 2: set the new passphrase, revoke every session, open a new one."""
        check_passphrase_material(new.kdf, new.auth_key, new.wrapped_master_passphrase)
        if not token or len(token) > _MAX_TOKEN_CHARS:
            raise InvalidRecoveryToken()
        credentials = self._credentials
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            row = tokens.recovery_token_by_hash(db, token_hash(token))
            if row is None or not tokens.take_recovery_token(db, row.id, now):
                raise InvalidRecoveryToken()
            account = repository.account_by_id(db, row.account_id)
            if account is None or account.deleted_at is not None:
                raise InvalidRecoveryToken()
            # Refused before anything changes: the token is not spent (rolled back).
            refuse_downgrade(account, new.kdf)
            self._replace_passphrase(account, new)
            credentials.revoke_sessions(db, account.id, now)
            tokens.delete_recovery_tokens(db, account.id)
            audit.append(db, _own(account, "account.recover"), now)
            return credentials.open_session(db, account, now, kind=kind, user_agent=user_agent)

    def change_passphrase(
        self,
        actor: Actor,
        current_auth_key: bytes,
        new: NewPassphrase,
        *,
        address: str | None = None,
    ) -> int:
        """Replace the passphrase of the caller's account; returns how many other
        sessions were revoked. ``wrong_passphrase`` if the current login value is wrong
        (counted like a failed login)."""
        check_passphrase_material(new.kdf, new.auth_key, new.wrapped_master_passphrase)
        credentials = self._credentials
        now = self._clock.now()

        def change(proven: Proven) -> int:
            db, account = proven.db, proven.account
            refuse_downgrade(account, new.kdf)
            credentials.succeeded(db, proven.attempt)
            self._replace_passphrase(account, new)
            revoked = credentials.revoke_sessions(db, account.id, now, keep=actor.session_id)
            # A recovery under way was for the old passphrase: it ends here.
            tokens.delete_recovery_tokens(db, account.id)
            audit.append(db, audit.by(actor, "account.passphrase"), now)
            return revoked

        revoked = credentials.proven(
            self._db, actor.account_id, current_auth_key, change, address=address, now=now
        )
        return revoked or 0

    def upgrade_kdf(
        self,
        actor: Actor,
        current_auth_key: bytes,
        new: NewPassphrase,
        *,
        address: str | None = None,
    ) -> bool:
        """Move a v1 account's passphrase KDF to v2 (same passphrase, SPEC §19); returns
        False when it is already v2 (another device did it first: nothing to do).

        Proven by the current (v1) login value, counted like a login when wrong; the
        sessions stay valid. ``invalid_key_material`` when the new parameters are not v2.
        """
        if version_of(new.kdf) != KDF_V2:
            raise InvalidKeyMaterial()
        check_passphrase_material(new.kdf, new.auth_key, new.wrapped_master_passphrase)
        now = self._clock.now()

        def upgrade(proven: Proven) -> bool:
            self._replace_passphrase(proven.account, new)
            audit.append(proven.db, audit.by(actor, "account.kdf_upgrade"), now)
            return True

        # Of parallel upgrades (two devices unlocking at once), the first to commit
        # wins; the others find v2 under the throttle's lock and have nothing to do.
        upgraded = self._credentials.proven(
            self._db,
            actor.account_id,
            current_auth_key,
            upgrade,
            address=address,
            now=now,
            unless=lambda account: account.kdf_version >= KDF_V2,
        )
        return bool(upgraded)

    def change_recovery_code(
        self,
        actor: Actor,
        current_auth_key: bytes,
        new: NewRecoveryCode,
        *,
        address: str | None = None,
    ) -> None:
        """Replace the caller's recovery code: the old kit no longer opens the account.

        Proven by the passphrase's current login value, counted like a login when wrong
        (``wrong_passphrase``); ``invalid_key_material`` for a value or blob of the wrong
        shape, or a recovery login value equal to the passphrase's. The verifier and the
        wrapped master key change in one write, under the login throttle's lock: of
        parallel changes the last to commit is the kit in force, never half of two.
        """
        if (
            len(new.recovery_auth_key) != KEY_SIZE
            or len(new.wrapped_master_recovery) != WRAPPED_MASTER_KEY_SIZE
            or new.wrapped_master_recovery[0] != 1
        ):
            raise InvalidKeyMaterial()
        credentials = self._credentials
        now = self._clock.now()

        def change(proven: Proven) -> None:
            db, account = proven.db, proven.account
            verifier = credentials.verifier(new.recovery_auth_key, db)
            # The two login values must differ, as at sign-up.
            if hmac.compare_digest(verifier, account.auth_verifier):
                raise InvalidKeyMaterial()
            credentials.succeeded(db, proven.attempt)
            account.recovery_verifier = verifier
            account.wrapped_master_recovery = new.wrapped_master_recovery
            # A recovery started with the old kit ends here.
            tokens.delete_recovery_tokens(db, account.id)
            audit.append(db, audit.by(actor, "account.recovery_code"), now)

        credentials.proven(
            self._db, actor.account_id, current_auth_key, change, address=address, now=now
        )

    def _replace_passphrase(self, account: Account, new: NewPassphrase) -> None:
        verifier = self._credentials.verifier(new.auth_key)
        # The two login values must differ, as at sign-up: otherwise one would open both.
        if hmac.compare_digest(verifier, account.recovery_verifier):
            raise InvalidKeyMaterial()
        set_passphrase(account, new.kdf, verifier, new.wrapped_master_passphrase)


def _own(account: Account, action: str) -> audit.Entry:
    """An entry about the account, made by its own holder (not signed in yet)."""
    person = account.id if account.kind == "person" else None
    return audit.Entry(
        action=action, actor_id=account.id, actor_role=account.kind, person_id=person
    )
