"""Account rules: sign-up without e-mail, login by a derived value, bearer sessions.

The client derives two values from the passphrase (SPEC §3): the login value, sent
here, and a key-encryption key that never leaves the device. The server stores
only a keyed hash of the login value, returns a deterministic fake salt for an
unknown login (no account enumeration), and throttles failures per account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from coffre.accounts import repository
from coffre.accounts.errors import (
    InvalidCredentials,
    InvalidKeyMaterial,
    LoginTaken,
    NotAuthenticated,
    TooManyAttempts,
    WeakKdfParameters,
)
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account, LoginFailure, Session
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.policy import Actor, Role
from coffre.settings import Settings
from crypto import InvalidInputError as CryptoInvalidInput
from crypto import KdfParams, WeakParametersError, check_kdf_params

# Sizes fixed by the crypto format (SPEC §5, §6): version byte + 24-byte nonce + AEAD.
WRAPPED_MASTER_KEY_SIZE = 1 + 24 + 32 + 16
WRAPPED_KEYRING_SIZE = 1 + 24 + 64 + 16
KEY_SIZE = 32
SALT_SIZE = 16
# Only refresh ``last_seen_at`` once a minute: a read should not always be a write.
_SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class SignupData:
    login: str
    kdf: KdfParams
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


class AccountService:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._secret = settings.secret_key.encode()

    # -- keyed hashes -------------------------------------------------------
    def _keyed(self, purpose: bytes, value: bytes) -> bytes:
        return hmac.new(self._secret, purpose + b"\n" + value, hashlib.sha256).digest()

    def _verifier(self, auth_key: bytes) -> bytes:
        return self._keyed(b"coffre/v1/login-verifier", auth_key)

    def _login_key(self, login: str) -> bytes:
        return self._keyed(b"coffre/v1/login-throttle", login.encode())

    # -- sign-up ----------------------------------------------------------
    def signup(self, data: SignupData) -> Account:
        login = normalise_login(data.login)
        _check_signup_material(data)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            if repository.account_by_login(db, login) is not None:
                raise LoginTaken()
            account = Account(
                id=new_id(),
                kind=Role.PERSON.value,
                login=login,
                kdf_alg=data.kdf.alg,
                kdf_salt=data.kdf.salt,
                kdf_opslimit=data.kdf.opslimit,
                kdf_memlimit=data.kdf.memlimit,
                auth_verifier=self._verifier(data.auth_key),
                recovery_verifier=self._verifier(data.recovery_auth_key),
                wrapped_master_passphrase=data.wrapped_master_passphrase,
                wrapped_master_recovery=data.wrapped_master_recovery,
                wrapped_keyring=data.wrapped_keyring,
                box_public_key=data.box_public_key,
                sign_public_key=data.sign_public_key,
                created_at=now,
            )
            db.add(account)
            try:
                # Two sign-ups racing for one login: the unique constraint decides.
                db.flush()
            except IntegrityError as exc:
                raise LoginTaken() from exc
        return account

    # -- login ------------------------------------------------------------
    def prelogin(self, raw_login: str) -> KdfParams:
        """The KDF parameters for a login; a deterministic fake for an unknown one."""
        login = normalise_login(raw_login)
        with self._db.unit_of_work() as db:
            account = repository.account_by_login(db, login)
            if account is not None:
                return KdfParams(
                    salt=account.kdf_salt,
                    opslimit=account.kdf_opslimit,
                    memlimit=account.kdf_memlimit,
                    alg=account.kdf_alg,
                )
        fake_salt = self._keyed(b"coffre/v1/fake-salt", login.encode())[:SALT_SIZE]
        return KdfParams(salt=fake_salt)

    def login(self, raw_login: str, auth_key: bytes) -> LoginResult:
        login = normalise_login(raw_login)
        login_key = self._login_key(login)
        now = self._clock.now()
        window_start = now - timedelta(seconds=self._settings.login_window_seconds)
        with self._db.unit_of_work() as db:
            failures = repository.count_recent_failures(db, login_key, window_start)
            if failures >= self._settings.login_max_failures:
                raise TooManyAttempts()
            account = repository.account_by_login(db, login)
            # Same work whether or not the account exists: compare against a dummy.
            expected = account.auth_verifier if account is not None else self._verifier(b"")
            given = self._verifier(auth_key) if len(auth_key) == KEY_SIZE else b""
            if account is None or not hmac.compare_digest(expected, given):
                db.add(LoginFailure(login_key=login_key, at=now))
                failed = True
            else:
                failed = False
                repository.clear_failures(db, login_key)
                token = secrets.token_urlsafe(32)
                ttl = self._settings.session_ttl_seconds
                db.add(
                    Session(
                        id=new_id(),
                        account_id=account.id,
                        token_hash=_token_hash(token),
                        created_at=now,
                        last_seen_at=now,
                        expires_at=now + timedelta(seconds=ttl),
                    )
                )
        # The failure row is committed before the refusal is raised.
        if failed or account is None:
            raise InvalidCredentials()
        return LoginResult(token=token, account=account, expires_in=ttl)

    def authenticate(self, token: str) -> Actor:
        """Resolve a bearer token to an actor, or raise ``NotAuthenticated``."""
        if not token or len(token) > 128:
            raise NotAuthenticated()
        now = self._clock.now()
        idle = timedelta(seconds=self._settings.session_idle_seconds)
        with self._db.unit_of_work() as db:
            session = repository.session_by_token_hash(db, _token_hash(token))
            if (
                session is None
                or session.revoked_at is not None
                or session.expires_at <= now
                or session.last_seen_at + idle <= now
            ):
                raise NotAuthenticated()
            if now - session.last_seen_at >= _SEEN_RESOLUTION:
                session.last_seen_at = now
            account = repository.account_by_id(db, session.account_id)
            if account is None:
                raise NotAuthenticated()
            return Actor(account_id=account.id, role=Role(account.kind), session_id=session.id)

    def logout(self, actor: Actor) -> None:
        with self._db.unit_of_work() as db:
            session = db.get(Session, actor.session_id)
            if session is not None and session.revoked_at is None:
                session.revoked_at = self._clock.now()

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


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _check_signup_material(data: SignupData) -> None:
    try:
        check_kdf_params(data.kdf)
    except WeakParametersError as exc:
        raise WeakKdfParameters() from exc
    except CryptoInvalidInput as exc:
        raise InvalidKeyMaterial() from exc
    sizes = {
        "salt": (data.kdf.salt, SALT_SIZE),
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
