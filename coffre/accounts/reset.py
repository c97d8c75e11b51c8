"""Regaining access without the recovery kit: a reset code, and a fresh, empty vault.

Someone who lost both the passphrase and the recovery code cannot prove anything
cryptographically, and nobody can open their documents any more: that is the price
of end-to-end encryption. What they can get back is their login, with new keys
and an empty vault, so that documents deposited or shared from now on work again.

The reset is authorised by a **reset code**, created for a person's login by
someone allowed to (``policy.Action.ACCOUNT_RESET_ISSUE``: a professional who
accompanies the person) or by an operator (``coffre admin reset-code``). It is
128 random bits, valid three days, used once; only its SHA-256 is stored; a new
code replaces the pending one.

Its printed form is 32 hexadecimal digits in groups of four
(``3F9A-0B12-…``), on purpose unlike a recovery code (27 Base32 characters,
SPEC §4.2): the reset code travels to the server, the recovery code must never.
A client can tell them apart and refuses to send a recovery code as a reset code.

The reset replaces every key (passphrase, recovery, keyring, public keys — the
bundle of a sign-up), crypto-shreds every document of the account through the
vault (sealed keys and metadata at once, objects right after commit, the purge
job for any object whose store was down), revokes every session, and consumes
the code, in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import credential_repository as codes
from coffre.accounts import repository
from coffre.accounts.credential_errors import AccountNotFound, InvalidResetCode
from coffre.accounts.credentials import Credentials, set_passphrase
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account, ResetCode
from coffre.accounts.service import SignupData, _check_signup_material
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.policy import Action, Actor, ResetTarget, can
from coffre.structures.repository import current_certified
from coffre.structures.standing import standing_of
from coffre.vault.service import VaultService

RESET_CODE_DAYS = 3
RESET_CODE_BYTES = 16
_HEX = frozenset("0123456789ABCDEF")
_IGNORED = frozenset(" \t\r\n-")
# Letters read or typed for digits: O for 0, I and L for 1 (none of them is hex).
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1"})

# Said by the API (and the page, the CLI) after a reset: plainly, what was lost.
RESET_DONE_FR = (
    "Votre coffre est prêt, avec votre nouvelle phrase secrète et un nouveau code de "
    "récupération. Il est vide : vos anciens documents ont été détruits et personne ne "
    "pourra plus jamais les ouvrir, ni vous, ni nous, ni les professionnels. C'est le prix "
    "du chiffrement de bout en bout. Les documents que vous ajouterez, ou que l'on vous "
    "déposera ou partagera à partir de maintenant, s'ouvriront normalement."
)


def new_reset_code() -> tuple[str, bytes]:
    """A fresh code as printed, and the hash to store."""
    secret = secrets.token_bytes(RESET_CODE_BYTES)
    digits = secret.hex().upper()
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4)), _digest(secret)


def reset_code_hash(printed: str) -> bytes | None:
    """The stored hash for a typed code, or None if it cannot be a reset code.

    Forgives case, spaces, dashes and O/I/L typed for 0/1/1.
    """
    cleaned = "".join(c for c in printed if c not in _IGNORED).upper().translate(_FORGIVEN)
    if len(cleaned) != 2 * RESET_CODE_BYTES or not set(cleaned) <= _HEX:
        return None
    return _digest(bytes.fromhex(cleaned))


def _digest(secret: bytes) -> bytes:
    return hashlib.sha256(secret).digest()


@dataclass(frozen=True)
class IssuedResetCode:
    """A code to hand to the person (on paper, or read out); shown once, never stored."""

    code: str
    login: str
    expires_at: datetime


@dataclass(frozen=True)
class ResetOutcome:
    account: Account
    documents_destroyed: int
    message_fr: str = RESET_DONE_FR


class ResetService:
    def __init__(
        self, db: Database, clock: Clock, credentials: Credentials, vault: VaultService
    ) -> None:
        self._db = db
        self._clock = clock
        self._credentials = credentials
        self._vault = vault

    def create_reset_code(self, issuer: Actor, person_login: str) -> IssuedResetCode:
        """A reset code for a person's login, if ``issuer`` may give one.

        ``account_not_found`` both for an unknown login and for an account the issuer
        may not reset: a refusal does not reveal whether the account exists.
        """
        login = normalise_login(person_login)
        with self._db.unit_of_work() as db:
            account = repository.account_by_login(db, login)
            standing = standing_of(current_certified(db, issuer.account_id))
            target = ResetTarget(account.kind, standing) if account is not None else None
            if account is None or not can(issuer, Action.ACCOUNT_RESET_ISSUE, target):
                raise AccountNotFound()
            entry = audit.by(issuer, "account.reset_code", person_id=account.id)
            audit.append(db, entry, self._clock.now())
            return self._issue(db, account, issued_by=issuer.account_id)

    def create_reset_code_as_operator(self, person_login: str) -> IssuedResetCode:
        """The same for an operator at the server's console (``coffre admin reset-code``):
        someone who already holds the database and the server's secret key."""
        login = normalise_login(person_login)
        with self._db.unit_of_work() as db:
            account = repository.account_by_login(db, login)
            if account is None:
                raise AccountNotFound()
            entry = audit.Entry(
                action="account.reset_code", actor_role="operator", person_id=account.id
            )
            audit.append(db, entry, self._clock.now())
            return self._issue(db, account, issued_by=None)

    def reset(self, data: SignupData, printed_code: str) -> ResetOutcome:
        """Replace every key of the account, shred its documents, revoke its sessions.

        ``invalid_reset_code`` for a wrong, expired or used code, a code given for
        another login, and an unknown login alike. The new key material is checked
        first, so a malformed bundle never spends the code.
        """
        login = normalise_login(data.login)
        _check_signup_material(data)
        hashed = reset_code_hash(printed_code)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            account = repository.account_by_login(db, login)
            code = codes.reset_code_by_hash(db, hashed) if hashed is not None else None
            if (
                account is None
                or code is None
                or code.account_id != account.id
                or not codes.use_reset_code(db, code.id, now)
            ):
                raise InvalidResetCode()
            self._replace_keys(account, data)
            shredded = self._vault.shred_account(db, account.id)
            self._credentials.revoke_sessions(db, account.id, now)
            codes.delete_recovery_tokens(db, account.id)
            # The second factor, if any, stays as it was.
            entry = audit.Entry(
                action="account.reset",
                actor_id=account.id,
                actor_role=account.kind,
                person_id=account.id,
                details={"documents_destroyed": len(shredded)},
            )
            audit.append(db, entry, now)
        self._vault.purge_objects(shredded)
        return ResetOutcome(account=account, documents_destroyed=len(shredded))

    # -- internals ------------------------------------------------------------
    def _issue(self, db: DbSession, account: Account, issued_by: str | None) -> IssuedResetCode:
        codes.delete_unused_reset_codes(db, account.id)
        printed, hashed = new_reset_code()
        now = self._clock.now()
        expires_at = now + timedelta(days=RESET_CODE_DAYS)
        db.add(
            ResetCode(
                id=new_id(),
                account_id=account.id,
                code_hash=hashed,
                issued_by=issued_by,
                created_at=now,
                expires_at=expires_at,
            )
        )
        return IssuedResetCode(code=printed, login=account.login, expires_at=expires_at)

    def _replace_keys(self, account: Account, data: SignupData) -> None:
        """Every key, as at sign-up: new passphrase, new recovery, new keyring and key pairs."""
        verify = self._credentials.verifier
        set_passphrase(account, data.kdf, verify(data.auth_key), data.wrapped_master_passphrase)
        account.recovery_verifier = verify(data.recovery_auth_key)
        account.wrapped_master_recovery = data.wrapped_master_recovery
        account.wrapped_keyring = data.wrapped_keyring
        account.box_public_key = data.box_public_key
        account.sign_public_key = data.sign_public_key
