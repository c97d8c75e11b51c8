"""Account rules: sign-up without e-mail, login by a derived value, bearer sessions.

The client derives two values from the passphrase (SPEC §3, §19): the login value,
sent here, and a key-encryption key that never leaves the device. The server stores
only a keyed hash of the login value, returns deterministic fake v2 parameters for
an unknown login (no account enumeration, coffre/accounts/kdf.py), throttles
failures per account and per address (``throttle.py``), and asks for the second
factor (``totp.py``) only once the login value is right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository
from coffre.accounts.errors import (
    InvalidCredentials,
    InvalidKeyMaterial,
    InvalidTotp,
    LoginTaken,
    NotAuthenticated,
    TotpEnrolmentRequired,
    TotpRequired,
)
from coffre.accounts.kdf import AccountKdf, check_kdf, fake_kdf, kdf_of, store_kdf
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account
from coffre.accounts.sessions import SessionKind, open_session, token_hash
from coffre.accounts.throttle import LoginThrottle
from coffre.accounts.totp import TotpCodes
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.ids import new_id
from coffre.policy import TOTP_REQUIRED, Actor, Role
from coffre.secrets import stored as secret_store
from coffre.settings import Settings

# Sizes fixed by the crypto format (SPEC §5, §6): version byte + 24-byte nonce + AEAD.
WRAPPED_MASTER_KEY_SIZE = 1 + 24 + 32 + 16
WRAPPED_KEYRING_SIZE = 1 + 24 + 64 + 16
KEY_SIZE = 32
# Only refresh ``last_seen_at`` once a minute: a read should not always be a write.
_SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class SignupData:
    login: str
    kdf: AccountKdf
    auth_key: bytes
    recovery_auth_key: bytes
    wrapped_master_passphrase: bytes
    wrapped_master_recovery: bytes
    wrapped_keyring: bytes
    box_public_key: bytes
    sign_public_key: bytes


@dataclass(frozen=True)
class LoginResult:
    token: str
    account: Account
    expires_in: int
    # A TOTP_REQUIRED account without a confirmed second factor yet: the session
    # may only enrol one (``authenticate`` refuses it anything else).
    restricted: bool = False


class AccountService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._db = db
        self.throttle = throttle or LoginThrottle(settings)
        self._totp = TotpCodes(settings)
        self._settings = settings
        self._clock = clock
        self._keyring = settings.keyring
        # Fake salts must not change when a secret is added (an unknown login would
        # then stand out): pinned to the ring's oldest entry (docs/THREATS.md).
        self._fake_salt_secret = self._keyring.oldest.secret
        # The login verifiers' key, stored sealed under the ring (coffre/secrets/);
        # read once, kept for the process (re-sealing never changes it).
        self._verifier_key: bytes | None = None

    # -- keyed hashes -------------------------------------------------------
    def verifier_key(self, db: DbSession | None = None, *, create: bool = False) -> bytes:
        """The key of the login verifiers (``coffre.secrets.stored.verifier_key``);
        read in ``db`` when given, else in a unit of work of its own."""
        if self._verifier_key is not None:
            return self._verifier_key
        if db is None:
            # A unit of work of its own sees only what is committed: safe to keep.
            with self._db.unit_of_work() as own:
                key, stored = secret_store.verifier_key(
                    own, self._keyring, self._clock.now(), create=False
                )
            if stored and key is not None:
                self._verifier_key = key
        else:
            key, stored = secret_store.verifier_key(
                db, self._keyring, self._clock.now(), create=create
            )
            # Kept unless this very unit of work made it (it may yet roll back).
            if stored and key is not None and not secret_store.made_in(db):
                self._verifier_key = key
        if key is None:
            # No account and no key yet: nothing can match; a throwaway key does the work.
            return secrets.token_bytes(32)
        return key

    def _verifier(self, auth_key: bytes, db: DbSession | None = None) -> bytes:
        return hmac.new(
            self.verifier_key(db), b"coffre/v1/login-verifier\n" + auth_key, hashlib.sha256
        ).digest()

    def _new_verifier(self, db: DbSession, auth_key: bytes) -> bytes:
        """A verifier to store: its key is made (and stored) if there is none yet."""
        key = self.verifier_key(db, create=True)
        return hmac.new(key, b"coffre/v1/login-verifier\n" + auth_key, hashlib.sha256).digest()

    # -- sign-up ----------------------------------------------------------
    def signup(self, data: SignupData) -> Account:
        with self._db.unit_of_work() as db:
            return self.add_account(db, data, Role.PERSON)

    def add_account(self, db: DbSession, data: SignupData, kind: Role) -> Account:
        """Validate and add an account inside the caller's unit of work.

        Used by sign-up, and by invitations (structures area), whose acceptance must
        create the account and consume the invitation in one transaction.
        """
        login = normalise_login(data.login)
        _check_signup_material(data)
        if repository.account_by_login(db, login) is not None:
            raise LoginTaken()
        account = Account(
            id=new_id(),
            kind=kind.value,
            login=login,
            auth_verifier=self._new_verifier(db, data.auth_key),
            recovery_verifier=self._new_verifier(db, data.recovery_auth_key),
            wrapped_master_passphrase=data.wrapped_master_passphrase,
            wrapped_master_recovery=data.wrapped_master_recovery,
            wrapped_keyring=data.wrapped_keyring,
            box_public_key=data.box_public_key,
            sign_public_key=data.sign_public_key,
            created_at=self._clock.now(),
        )
        store_kdf(account, data.kdf)
        db.add(account)
        try:
            # Two sign-ups racing for one login: the unique constraint decides
            # (the whole unit of work is rolled back with this error).
            db.flush()
        except IntegrityError as exc:
            raise LoginTaken() from exc
        audit.append(
            db,
            audit.Entry(
                action="account.signup",
                actor_id=account.id,
                actor_role=kind.value,
                person_id=account.id if kind is Role.PERSON else None,
                object_type="account",
                object_id=account.id,
            ),
            account.created_at,
        )
        return account

    # -- login ------------------------------------------------------------
    def prelogin(self, raw_login: str) -> AccountKdf:
        """The KDF parameters for a login (v1 or v2, as the account's); deterministic
        fake v2 parameters for an unknown one."""
        login = normalise_login(raw_login)
        with self._db.unit_of_work() as db:
            account = repository.account_by_login(db, login)
            if account is not None:
                return kdf_of(account)
        return fake_kdf(self._fake_salt_secret, login)

    def login(
        self,
        raw_login: str,
        auth_key: bytes,
        *,
        totp_code: str | None = None,
        address: str | None = None,
        user_agent: str | None = None,
        kind: SessionKind = SessionKind.API,
    ) -> LoginResult:
        """Check the login value (then the second factor) and open a session.

        ``address`` is the client's address (throttling), ``user_agent`` its
        User-Agent header (the session's device label); neither is stored in clear.
        """
        login = normalise_login(raw_login)
        attempt = self.throttle.attempt(login, address)
        now = self._clock.now()
        ttl = self._settings.session_ttl_seconds
        refusal: CoffreError | None = None
        restricted = False
        # write=True: the throttle's check holds this login's and address's keys
        # until the failure is written (coffre/accounts/throttle.py).
        with self._db.unit_of_work(write=True) as db:
            # Before anything else: while throttled even the right passphrase is refused.
            self.throttle.check(db, attempt, now)
            account = repository.account_by_login(db, login)
            # Same work whether or not the account exists: compare against a dummy.
            expected = account.auth_verifier if account is not None else self._verifier(b"", db)
            given = self._verifier(auth_key, db) if len(auth_key) == KEY_SIZE else b""
            if account is None or not hmac.compare_digest(expected, given):
                self.throttle.record_failure(db, attempt, now)
                refusal = InvalidCredentials()
                # An unknown login is recorded without it (it may be someone's typo of
                # their phone number): only that a login failed.
                audit.append(db, _login_entry(account, "failed"), now)
            else:
                # Only now, with the login value verified, is the second factor asked
                # for: ``totp_required`` tells nothing to someone without the passphrase.
                refusal, restricted = self._second_factor(db, account, totp_code, now)
                if isinstance(refusal, InvalidTotp):
                    self.throttle.record_failure(db, attempt, now)
                    audit.append(db, _login_entry(account, "failed"), now)
                elif refusal is None:
                    self.throttle.clear_account(db, attempt)
                    token = open_session(
                        db,
                        account_id=account.id,
                        now=now,
                        ttl_seconds=ttl,
                        kind=kind,
                        user_agent=user_agent,
                        restricted=restricted,
                    )
                    audit.append(db, _login_entry(account, "ok"), now)
        # The failure row is committed before the refusal is raised.
        if refusal is not None or account is None:
            raise refusal or InvalidCredentials()
        return LoginResult(token=token, account=account, expires_in=ttl, restricted=restricted)

    def _second_factor(
        self, db: DbSession, account: Account, totp_code: str | None, now: datetime
    ) -> tuple[CoffreError | None, bool]:
        """(refusal or None, restricted): what the second factor says about this login."""
        credential = repository.totp_credential(db, account.id)
        if credential is not None and credential.confirmed_at is not None:
            if not totp_code:
                return TotpRequired(), False
            if not self._totp.accept(db, credential, totp_code, now):
                return InvalidTotp(), False
            return None, False
        # Required by the role but not enrolled yet: a session good for enrolment only.
        return None, Role(account.kind) in TOTP_REQUIRED

    def authenticate(self, token: str, *, allow_restricted: bool = False) -> Actor:
        """Resolve a session token to an actor, or raise ``NotAuthenticated``.

        The one place where enrolment-only sessions are held back: unless the caller
        is a TOTP enrolment route (``allow_restricted``), they get
        ``TotpEnrolmentRequired``.
        """
        if not token or len(token) > 128:
            raise NotAuthenticated()
        now = self._clock.now()
        idle = timedelta(seconds=self._settings.session_idle_seconds)
        with self._db.unit_of_work() as db:
            session = repository.session_by_token_hash(db, token_hash(token))
            if (
                session is None
                or session.revoked_at is not None
                or session.expires_at <= now
                or session.last_seen_at + idle <= now
            ):
                raise NotAuthenticated()
            if session.restricted and not allow_restricted:
                raise TotpEnrolmentRequired()
            if now - session.last_seen_at >= _SEEN_RESOLUTION:
                session.last_seen_at = now
            account = repository.account_by_id(db, session.account_id)
            if account is None:
                raise NotAuthenticated()
            return Actor(account_id=account.id, role=Role(account.kind), session_id=session.id)

    def purge_login_failures(self) -> int:
        """Job: delete login failures older than the throttling window; returns how many."""
        with self._db.unit_of_work() as db:
            return self.throttle.purge(db, self._clock.now())

    def logout(self, actor: Actor) -> None:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # Decided by the database: of parallel log-outs of one session, one is recorded.
            if repository.revoke_sessions(db, actor.account_id, now, only=actor.session_id):
                audit.append(db, audit.by(actor, "account.logout"), now)

    def account(self, actor: Actor) -> Account:
        with self._db.unit_of_work() as db:
            account = repository.account_by_id(db, actor.account_id)
            if account is None:
                raise NotAuthenticated()
            return account

    def public_box_key(self, account_id: str) -> bytes | None:
        with self._db.unit_of_work() as db:
            account = repository.account_by_id(db, account_id)
            return account.box_public_key if account is not None else None


def _login_entry(account: Account | None, outcome: str) -> audit.Entry:
    return audit.Entry(
        action="account.login",
        outcome=outcome,
        actor_id=account.id if account is not None else None,
        actor_role=account.kind if account is not None else None,
        person_id=account.id if account is not None and account.kind == Role.PERSON else None,
    )


def _check_signup_material(data: SignupData) -> None:
    check_kdf(data.kdf)
    sizes = {
        "auth_key": (data.auth_key, KEY_SIZE),
        "recovery_auth_key": (data.recovery_auth_key, KEY_SIZE),
        "wrapped_master_passphrase": (data.wrapped_master_passphrase, WRAPPED_MASTER_KEY_SIZE),
        "wrapped_master_recovery": (data.wrapped_master_recovery, WRAPPED_MASTER_KEY_SIZE),
        "wrapped_keyring": (data.wrapped_keyring, WRAPPED_KEYRING_SIZE),
        "box_public_key": (data.box_public_key, KEY_SIZE),
        "sign_public_key": (data.sign_public_key, KEY_SIZE),
    }
    for value, size in sizes.values():
        if len(value) != size:
            raise InvalidKeyMaterial()
    for blob in (
        data.wrapped_master_passphrase,
        data.wrapped_master_recovery,
        data.wrapped_keyring,
    ):
        if blob[0] != 1:
            raise InvalidKeyMaterial()
    if hmac.compare_digest(data.auth_key, data.recovery_auth_key):
        raise InvalidKeyMaterial()
