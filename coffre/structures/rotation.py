"""A professional's key rotation: new keys and a new certificate, without an operator.

A professional whose device was lost or stolen, or whose key may have been seen,
replaces their keys from a logged-in session, re-proving their passphrase as for a
passphrase change (the current login value, counted like a login when wrong). The
client makes a whole new bundle, in the very shape of sign-up and of a reset
(SPEC §3–§6, §19: new master key wrapped under the same passphrase with a fresh salt
and under a new recovery code, a new keyring with new box and sign key pairs). A
stolen device may have held the master key in memory: keeping it would let whoever
has it open the new keyring, so it is replaced too.

In one unit of work:

- the account's keys are replaced (as a reset's completion does, without destroying
  anything: a professional's account holds no document of its own);
- every live certificate of the account is revoked with reason ``key_rotated``
  (``CertificateService.revoke_in``): the server's gate refuses at once anything
  sealed to the old key, the territory admin is told a signed list is due, each
  person whose grants the old key held is told (``grant.key_revoked``) and finds
  them in ``GET /revoked-keys/grants`` (only grants made before the revocation);
- the membership waits: the structure admin (the territory admin for a structure
  admin's own membership) certifies the new key face to face, with the existing
  certification (``StructureService.certify`` accepts a certificate over new keys
  on a revoked membership);
- every other session ends (the stolen device's among them), a recovery under way
  and the trusted-contact arrangements made with the old keys end;
- the rotation is audited (``account.keys_rotate``).

Parallel rotations of one account are serialised on the login's throttle key and on
the account's own key: the first one wins; the others then hold a login value that
no longer matches (the passphrase's salt changed) and are refused
``wrong_passphrase`` with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import credential_repository as tokens
from coffre.accounts import repository as accounts
from coffre.accounts.credential_errors import WrongPassphrase
from coffre.accounts.credentials import Credentials
from coffre.accounts.errors import InvalidKeyMaterial, NotAuthenticated
from coffre.accounts.kdf import refuse_downgrade, store_kdf
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account
from coffre.accounts.service import SignupData, _check_signup_material
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.policy import Action, Actor, can
from coffre.structures import repository
from coffre.structures.certificates import CertificateService
from coffre.structures.errors import NotAllowed

REASON = "key_rotated"


@dataclass(frozen=True)
class Rotated:
    """What the professional is shown: the account with its new keys, the memberships
    whose certificate now waits for the new key's certification."""

    account: Account
    revoked: list[str]  # membership ids
    sessions_revoked: int


class KeyRotation:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        credentials: Credentials,
        certificates: CertificateService,
        on_new_keys: Sequence[Callable[[DbSession, str, datetime], None]] = (),
    ) -> None:
        self._db = db
        self._clock = clock
        self._credentials = credentials
        self._certificates = certificates
        self._on_new_keys = tuple(on_new_keys)

    def rotate(
        self,
        actor: Actor,
        current_auth_key: bytes,
        data: SignupData,
        *,
        address: str | None = None,
    ) -> Rotated:
        """Replace the caller's keys and revoke their live certificates (see module).

        ``not_allowed`` for anyone but a professional; ``invalid_key_material`` for a
        malformed bundle, one made for another login, or the same public keys again;
        ``wrong_passphrase`` when the current login value is wrong (counted like a
        failed login). Nothing changes on a refusal.
        """
        if not can(actor, Action.KEYS_ROTATE):
            raise NotAllowed()
        _check_signup_material(data)
        credentials = self._credentials
        now = self._clock.now()
        result: Rotated | None = None
        # write=True: the login's throttle is checked and charged under its lock.
        with self._db.unit_of_work(write=True) as db:
            account = accounts.account_by_id(db, actor.account_id)
            if account is None or account.deleted_at is not None:
                raise NotAuthenticated()
            attempt = credentials.attempt(account.login, address)
            credentials.check(db, attempt, now)
            hold(db, "key-rotation", account.id)
            # Read again under the locks: a rotation that committed meanwhile changed
            # the login value, and the one sent here is then wrong.
            db.refresh(account)
            if account.deleted_at is not None:
                raise NotAuthenticated()
            if not credentials.matches(account.auth_verifier, current_auth_key, db):
                credentials.failed(db, attempt, now)
            else:
                credentials.succeeded(db, attempt)
                result = self._rotate(db, actor, account, data, now)
        if result is None:
            raise WrongPassphrase()
        return result

    def _rotate(
        self, db: DbSession, actor: Actor, account: Account, data: SignupData, now: datetime
    ) -> Rotated:
        # Refused before anything changes (the unit of work is rolled back).
        if normalise_login(data.login) != account.login:
            raise InvalidKeyMaterial()  # the v2 salt is the login's (SPEC §19.2)
        if data.box_public_key == account.box_public_key or (
            data.sign_public_key == account.sign_public_key
        ):
            raise InvalidKeyMaterial()
        refuse_downgrade(account, data.kdf)
        verify = self._credentials.verifier
        verifier = verify(data.auth_key, db)
        store_kdf(account, data.kdf)
        account.auth_verifier = verifier
        account.recovery_verifier = verify(data.recovery_auth_key, db)
        account.wrapped_master_passphrase = data.wrapped_master_passphrase
        account.wrapped_master_recovery = data.wrapped_master_recovery
        account.wrapped_keyring = data.wrapped_keyring
        account.box_public_key = data.box_public_key
        account.sign_public_key = data.sign_public_key
        revoked = [
            membership.id
            for membership in repository.live_certified(db, account.id)
            if self._certificates.revoke_in(db, actor, membership, REASON, now)
        ]
        sessions = self._credentials.revoke_sessions(db, account.id, now, keep=actor.session_id)
        tokens.delete_recovery_tokens(db, account.id)
        for hook in self._on_new_keys:  # e.g. trusted-contact arrangements end
            hook(db, account.id, now)
        entry = audit.by(
            actor,
            "account.keys_rotate",
            object_type="account",
            object_id=account.id,
            details={"certificates_revoked": len(revoked), "sessions_revoked": sessions},
        )
        audit.append(db, entry, now)
        return Rotated(account=account, revoked=revoked, sessions_revoked=sessions)
