"""Erasing one's account (GDPR art. 17; décret 2018-853: the user's documents are theirs).

The person confirms with their current login value (a stolen session alone cannot
erase an account). In one transaction: every document of the account is
crypto-shredded through the vault (sealed keys and metadata now, including keys
sealed to the account on others' documents), sessions, recovery tokens, reset
codes, the second factor and the login's throttling rows are deleted, and the
account row becomes a tombstone without personal data: the login is replaced by a
placeholder no one can type (so the login can be taken again), keys, verifiers and
KDF parameters are wiped, ``deleted_at`` is set. The row itself stays so the
document tombstones keep their foreign key. Stored objects are purged right after
commit; any whose store is down is left to the purge job (``coffre jobs
purge-deleted``), and is unreadable meanwhile (its keys are gone).

Other areas hold rows about an account too (consent, audit). They register an
``Eraser`` that runs inside the same transaction; the audit trail's tombstone entry
("account erased", without personal data) belongs to the traceability issue and
plugs in there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import credential_repository as rows
from coffre.accounts import repository
from coffre.accounts.credential_errors import ErasureRefused
from coffre.accounts.credentials import ERASED_LOGIN_PREFIX, Credentials, Proven
from coffre.accounts.errors import NotAuthenticated
from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.policy import Action, Actor, can
from coffre.vault.service import VaultService

# (db, account_id, now), inside the erasure's transaction.
Eraser = Callable[[DbSession, str, datetime], None]


@dataclass(frozen=True)
class ErasureOutcome:
    documents_destroyed: int
    objects_purged: int


class ErasureService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        credentials: Credentials,
        vault: VaultService,
        erasers: Sequence[Eraser] = (),
    ) -> None:
        self._db = db
        self._clock = clock
        self._credentials = credentials
        self._vault = vault
        self._erasers = tuple(erasers)

    def erase(self, actor: Actor, auth_key: bytes, *, address: str | None = None) -> ErasureOutcome:
        """Erase the caller's account; ``wrong_passphrase`` (counted like a failed
        login) if ``auth_key`` is not the current login value."""
        if not can(actor, Action.ACCOUNT_ERASE):
            raise ErasureRefused()
        credentials = self._credentials
        now = self._clock.now()

        def erase(proven: Proven) -> Sequence[str]:
            db, account = proven.db, proven.account
            # Decided by the database: of parallel erasures, one shreds and records;
            # the others answer as for an erased account.
            if not repository.mark_erased(db, account.id, now):
                raise NotAuthenticated()
            shredded = self._vault.shred_account(db, account.id)
            rows.delete_sessions(db, account.id)
            rows.delete_recovery_tokens(db, account.id)
            rows.delete_reset_codes(db, account.id)
            rows.delete_totp_credential(db, account.id)
            credentials.succeeded(db, proven.attempt)
            for eraser in self._erasers:
                eraser(db, account.id, now)
            entry = audit.by(actor, "account.erase", details={"documents": len(shredded)})
            audit.append(db, entry, now)
            _tombstone(account, now)
            return shredded

        proven = credentials.proven(
            self._db, actor.account_id, auth_key, erase, address=address, now=now
        )
        shredded = proven or ()
        purged = self._vault.purge_objects(shredded)
        return ErasureOutcome(documents_destroyed=len(shredded), objects_purged=purged)


def _tombstone(account: Account, now: datetime) -> None:
    """Keep the row (foreign keys), drop everything personal or secret in it."""
    account.login = ERASED_LOGIN_PREFIX + new_id()
    account.kdf_alg = ""
    account.kdf_salt = b""
    account.kdf_opslimit = 0
    account.kdf_memlimit = 0
    account.auth_verifier = b""
    account.recovery_verifier = b""
    account.wrapped_master_passphrase = b""
    account.wrapped_master_recovery = b""
    account.wrapped_keyring = b""
    account.box_public_key = b""
    account.sign_public_key = b""
    account.deleted_at = now
