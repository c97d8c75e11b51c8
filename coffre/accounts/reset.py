"""Regaining access without the recovery kit: a reset code, a waiting period, then a
fresh, empty vault.

Someone who lost both the passphrase and the recovery code cannot prove anything
cryptographically, and nobody can open their documents any more: that is the price
of end-to-end encryption. What they can get back is their login, with new keys
and an empty vault, so that documents deposited or shared from now on work again.

Because a reset destroys the old vault, and whoever holds a reset code can start
one, it goes in three steps (docs/THREATS.md, "Regaining access"):

1. **Issue.** A reset code is created for a person's login by someone the person is
   linked with (``policy.Action.ACCOUNT_RESET_ISSUE``: a professional holding an
   active grant from the person today, ``ResetLink``), by the territory admin, or by
   an operator at the server's console (``coffre admin reset-code``). A refusal is
   ``account_not_found``, exactly as for an unknown login (the same queries run).
   The person is told at once, in the app, by whom. The code is 128 random bits,
   valid three days, used once; only its SHA-256 is stored; a new code replaces the
   pending one.
2. **Use.** The code and the bundle of a new account (as at sign-up) start a reset
   that *waits* (``COFFRE_RESET_WAITING_DAYS``, 7 by default). Nothing of the account
   changes: the new bundle is kept apart (``PendingReset``), the old keys, documents
   and sessions stay. The person is told at once. Whoever still holds the old
   passphrase or the recovery kit logs in as usual, sees the reset waiting and
   cancels it in one step (``cancel``); that also withdraws a code not used yet.
3. **Completion.** Once the period has passed, the job (``complete_due``) replaces
   every key with the new bundle, crypto-shreds every document of the account through
   the vault (sealed keys and metadata at once, objects right after commit, the purge
   job for any object whose store was down), revokes every session and recovery
   token. The old documents are destroyed then, not before: without the old master
   key nobody could ever open them again, so keeping their ciphertext would keep
   nothing anyone can use.

Cancel and completion race on one conditional UPDATE of the waiting row
(``reset_repository``): exactly one wins.

Its printed form is 32 hexadecimal digits in groups of four
(``3F9A-0B12-…``), on purpose unlike a recovery code (27 Base32 characters,
SPEC §4.2): the reset code travels to the server, the recovery code must never.
A client can tell them apart and refuses to send a recovery code as a reset code.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import credential_repository as codes
from coffre.accounts import repository
from coffre.accounts import reset_repository as resets
from coffre.accounts.credential_errors import AccountNotFound, InvalidResetCode, ResetNotPending
from coffre.accounts.credentials import Credentials
from coffre.accounts.kdf import kdf_fields, refuse_downgrade
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account, ResetCode
from coffre.accounts.reset_models import PendingReset, ResetState
from coffre.accounts.service import SignupData, _check_signup_material
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent.gate import CLOCK_SKEW
from coffre.db.engine import Database, hold
from coffre.ids import new_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, ResetLink, ResetTarget, Role, Standing, can
from coffre.referents import repository as referents
from coffre.settings import Settings
from coffre.structures import repository as structures
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.structures.standing import standing_of
from coffre.vault.service import VaultService
from crypto import b64decode, b64encode

RESET_CODE_DAYS = 3
RESET_CODE_BYTES = 16
_HEX = frozenset("0123456789ABCDEF")
_IGNORED = frozenset(" \t\r\n-")
# Letters read or typed for digits: O for 0, I and L for 1 (none of them is hex).
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Matches no account: an unknown login runs the same link queries as a known one.
_NOBODY = "0" * 32
# How many due resets one run of the job completes.
COMPLETE_BATCH = 50


def reset_requested_fr(days: int) -> str:
    """Said by the API (and the page, the CLI) when a code is used: plainly, what happens."""
    return (
        f"C'est enregistré. Par sécurité, votre nouveau coffre sera prêt dans {days} jours. "
        "D'ici là, rien ne change : vous ne pouvez pas encore entrer avec la nouvelle phrase "
        "secrète, et la personne qui a l'ancienne phrase secrète ou l'ancien code de "
        "récupération peut tout annuler. Ce jour-là, le coffre sera vide : les anciens "
        "documents seront détruits et personne ne pourra plus jamais les ouvrir, ni vous, ni "
        "nous, ni les professionnels. C'est le prix du chiffrement de bout en bout. Gardez "
        "bien votre nouveau code de récupération."
    )


RESET_CANCELLED_FR = (
    "La réinitialisation est annulée. Votre coffre, vos documents, votre phrase secrète et "
    "votre code de récupération restent comme avant. Si vous n'aviez rien demandé, "
    "parlez-en au professionnel ou à la structure qui vous accompagne."
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
class ResetRequested:
    """A code was used: the reset waits until ``completes_at``."""

    account: Account
    completes_at: datetime
    message_fr: str


@dataclass(frozen=True)
class PendingResetView:
    """What the account's holder is shown: a code not used yet, or a reset that waits."""

    stage: Literal["code", "waiting"]
    since: datetime
    until: datetime  # the code's expiry, or when the reset completes


@dataclass(frozen=True)
class ResetCancelled:
    waiting_cancelled: bool
    codes_withdrawn: int
    message_fr: str = RESET_CANCELLED_FR


def links_of(
    db: DbSession, issuer_id: str, person_id: str, now: datetime
) -> tuple[Standing, frozenset[ResetLink]]:
    """The links the person made with the issuer, and the issuer's standing in the
    structure of the first one (or anywhere, for someone without a link).

    The person's active référent de parcours (coffre/referents/), still a certified
    member of the link's structure, is ``ResetLink.REFERENT``.
    """
    found: Standing | None = None
    links: set[ResetLink] = set()
    for grant in resets.active_grants_between(db, issuer_id, person_id, now, CLOCK_SKEW):
        membership = structures.active_membership(db, issuer_id, grant.structure_id)
        standing = standing_of(membership)
        if standing.is_member:
            found, links = standing, {ResetLink.ACTIVE_GRANT}
            break
    referent = referents.active_link_between(db, issuer_id, person_id)
    if referent is not None:
        standing = standing_of(structures.active_membership(db, issuer_id, referent.structure_id))
        if standing.is_member:
            found = found or standing
            links.add(ResetLink.REFERENT)
    if found is None:
        return standing_of(structures.current_certified(db, issuer_id)), frozenset()
    return found, frozenset(links)


class ResetService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        credentials: Credentials,
        vault: VaultService,
        settings: Settings,
        on_reset: Sequence[Callable[[DbSession, str, datetime], None]] = (),
    ) -> None:
        self._on_reset = tuple(on_reset)
        self._db = db
        self._clock = clock
        self._credentials = credentials
        self._vault = vault
        self._waiting = timedelta(days=settings.reset_waiting_days)
        self._waiting_days = settings.reset_waiting_days

    # -- 1. issue ---------------------------------------------------------------
    def create_reset_code(self, issuer: Actor, person_login: str) -> IssuedResetCode:
        """A reset code for a person's login, if ``issuer`` may give one.

        ``account_not_found`` both for an unknown login and for an account the issuer
        may not reset (no link), after the same queries and one audit write: a refusal
        tells neither whether the account exists nor whether a link exists.
        """
        login = normalise_login(person_login)
        now = self._clock.now()
        issued: IssuedResetCode | None = None
        # write=True: ``_issue`` holds the account's reset-code key (one code at a time).
        with self._db.unit_of_work(write=True) as db:
            account = repository.account_by_login(db, login)
            person_id = account.id if account is not None else _NOBODY
            standing, links = links_of(db, issuer.account_id, person_id, now)
            kind = account.kind if account is not None else ""
            target = ResetTarget(kind, standing, links)
            allowed = account is not None and can(issuer, Action.ACCOUNT_RESET_ISSUE, target)
            # A refused attempt is kept for the charter officer (repeated ones are a flag);
            # it names the person only when the login is theirs.
            entry = audit.by(
                issuer,
                "account.reset_code",
                person_id=account.id if account is not None else None,
                structure_id=standing.structure_id or None,
                outcome="ok" if allowed else "refused",
                details={"link": sorted(links)},
            )
            audit.append(db, entry, now)
            if allowed and account is not None:
                told = _issuer_told(db, issuer, standing)
                issued = self._issue(db, account, issued_by=issuer.account_id, told=told)
        if issued is None:
            raise AccountNotFound()
        return issued

    def create_reset_code_as_operator(self, person_login: str) -> IssuedResetCode:
        """The same for an operator at the server's console (``coffre admin reset-code``):
        someone who already holds the database and the server's secret key. The person is
        told, and the reset waits and can be cancelled, as for anyone else."""
        login = normalise_login(person_login)
        with self._db.unit_of_work(write=True) as db:
            account = repository.account_by_login(db, login)
            if account is None:
                raise AccountNotFound()
            entry = audit.Entry(
                action="account.reset_code", actor_role="operator", person_id=account.id
            )
            audit.append(db, entry, self._clock.now())
            return self._issue(db, account, issued_by=None, told={"role": "operator"})

    # -- 2. use: the reset waits --------------------------------------------------
    def reset(self, data: SignupData, printed_code: str) -> ResetRequested:
        """Spend the code and keep the new bundle until the waiting period has passed.

        ``invalid_reset_code`` for a wrong, expired or used code, a code given for
        another login, and an unknown login alike. The new key material is checked
        first, so a malformed bundle never spends the code. A reset already waiting
        for the account is replaced (its period starts anew from now).
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
            # An account already on KDF v2 takes no v1 bundle (the code stays unused).
            refuse_downgrade(account, data.kdf)
            replaced = resets.end_waiting(db, account.id, ResetState.REPLACED, now)
            completes_at = now + self._waiting
            db.add(
                PendingReset(
                    id=new_id(),
                    account_id=account.id,
                    issued_by=code.issued_by,
                    state=ResetState.WAITING.value,
                    requested_at=now,
                    completes_at=completes_at,
                    credentials=json.dumps(self._bundle(data)),
                )
            )
            notify(db, account.id, Kind.RESET_REQUESTED, {"completes_at": _iso(completes_at)}, now)
            entry = audit.Entry(
                action="account.reset_request",
                actor_role="reset_code_holder",
                person_id=account.id,
                details={"completes_at": _iso(completes_at), "replaced": replaced},
            )
            audit.append(db, entry, now)
        return ResetRequested(
            account=account,
            completes_at=completes_at,
            message_fr=reset_requested_fr(self._waiting_days),
        )

    def pending(self, actor: Actor) -> PendingResetView | None:
        """The reset waiting for the caller's account, or a code not used yet, or None."""
        if not can(actor, Action.ACCOUNT_RESET_CANCEL):
            return None
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            waiting = resets.waiting_reset(db, actor.account_id)
            if waiting is not None:
                return PendingResetView("waiting", waiting.requested_at, waiting.completes_at)
            code = resets.pending_code(db, actor.account_id, now)
            if code is not None:
                return PendingResetView("code", code.created_at, code.expires_at)
        return None

    def cancel(self, actor: Actor) -> ResetCancelled:
        """Cancel the reset waiting for the caller's account and withdraw any code not
        used yet; ``reset_not_pending`` when there is neither (or it has completed)."""
        if not can(actor, Action.ACCOUNT_RESET_CANCEL):
            raise ResetNotPending()
        now = self._clock.now()
        outcome: ResetCancelled | None = None
        with self._db.unit_of_work() as db:
            # The conditional UPDATE comes first: it decides against a completion.
            cancelled = resets.end_waiting(db, actor.account_id, ResetState.CANCELLED, now)
            withdrawn = resets.withdraw_codes(db, actor.account_id, now)
            if cancelled or withdrawn:
                entry = audit.by(
                    actor,
                    "account.reset_cancel",
                    details={"waiting": cancelled, "codes": withdrawn},
                )
                audit.append(db, entry, now)
                outcome = ResetCancelled(
                    waiting_cancelled=bool(cancelled), codes_withdrawn=withdrawn
                )
        if outcome is None:
            raise ResetNotPending()
        return outcome

    # -- 3. completion (the job) ------------------------------------------------------
    def complete_due(self, limit: int = COMPLETE_BATCH) -> int:
        """Job: complete the resets whose waiting period has passed; returns how many."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            due = resets.due_resets(db, now, limit)
        return sum(1 for reset_id in due if self._complete(reset_id, now))

    def void_for_erased(self, db: DbSession, account_id: str, now: datetime) -> None:
        """Erasure's hook (``coffre.accounts.erasure.Eraser``): nothing waits for an
        erased account, and its new bundle is wiped."""
        resets.end_waiting(db, account_id, ResetState.VOID, now)

    # -- internals ------------------------------------------------------------
    def _complete(self, reset_id: str, now: datetime) -> bool:
        shredded: Sequence[str] = ()
        with self._db.unit_of_work() as db:
            if not resets.claim_completion(db, reset_id, now):
                return False  # cancelled, replaced or completed by someone else
            row = db.get(PendingReset, reset_id)
            account = repository.account_by_id(db, row.account_id) if row else None
            if row is None or row.credentials is None or account is None:
                return False
            bundle = json.loads(row.credentials)
            row.credentials = None
            if account.deleted_at is not None:
                row.state = ResetState.VOID.value
                return False
            self._replace_keys(account, bundle)
            shredded = self._vault.shred_account(db, account.id)
            self._credentials.revoke_sessions(db, account.id, now)
            codes.delete_recovery_tokens(db, account.id)
            for hook in self._on_reset:  # e.g. trusted-contact arrangements end
                hook(db, account.id, now)
            # The second factor, if any, stays as it was.
            entry = audit.Entry(
                action="account.reset",
                actor_role="reset_code_holder",
                person_id=account.id,
                details={"documents_destroyed": len(shredded)},
            )
            audit.append(db, entry, now)
        self._vault.purge_objects(shredded)
        return True

    def _issue(
        self, db: DbSession, account: Account, issued_by: str | None, told: dict[str, Any]
    ) -> IssuedResetCode:
        # Parallel issues for one account replace the pending code one after another, so
        # one valid code is left (not only because the audit append before this one
        # happens to lock the trail's head: the order of those lines may change).
        hold(db, "reset-code", account.id)
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
        data = {**told, "expires_at": _iso(expires_at), "waiting_days": self._waiting_days}
        notify(db, account.id, Kind.RESET_CODE_ISSUED, data, now)
        return IssuedResetCode(code=printed, login=account.login, expires_at=expires_at)

    def _bundle(self, data: SignupData) -> dict[str, Any]:
        """The new keys as the account will store them (verifiers keyed, as at sign-up)."""
        verify = self._credentials.verifier
        return {
            **kdf_fields(data.kdf),
            "auth_verifier": b64encode(verify(data.auth_key)),
            "recovery_verifier": b64encode(verify(data.recovery_auth_key)),
            "wrapped_master_passphrase": b64encode(data.wrapped_master_passphrase),
            "wrapped_master_recovery": b64encode(data.wrapped_master_recovery),
            "wrapped_keyring": b64encode(data.wrapped_keyring),
            "box_public_key": b64encode(data.box_public_key),
            "sign_public_key": b64encode(data.sign_public_key),
        }

    @staticmethod
    def _replace_keys(account: Account, bundle: dict[str, Any]) -> None:
        """Every key, as at sign-up: new passphrase, new recovery, new keyring and key pairs."""
        # A bundle kept before KDF v2 existed has no version: it is v1.
        account.kdf_version = int(bundle.get("kdf_version", 1))
        account.kdf_alg = str(bundle["kdf_alg"])
        account.kdf_salt = b64decode(bundle["kdf_salt"])
        account.kdf_opslimit = int(bundle["kdf_opslimit"])
        account.kdf_memlimit = int(bundle["kdf_memlimit"])
        account.auth_verifier = b64decode(bundle["auth_verifier"])
        account.wrapped_master_passphrase = b64decode(bundle["wrapped_master_passphrase"])
        account.recovery_verifier = b64decode(bundle["recovery_verifier"])
        account.wrapped_master_recovery = b64decode(bundle["wrapped_master_recovery"])
        account.wrapped_keyring = b64decode(bundle["wrapped_keyring"])
        account.box_public_key = b64decode(bundle["box_public_key"])
        account.sign_public_key = b64decode(bundle["sign_public_key"])


def _issuer_told(db: DbSession, issuer: Actor, standing: Standing) -> dict[str, Any]:
    """Who issued the code, as the person is told: a professional's name and structure,
    or the territory's administration."""
    told: dict[str, Any] = {"role": issuer.role.value}
    if issuer.role is Role.PROFESSIONAL:
        profile = db.get(ProfessionalProfile, issuer.account_id)
        structure = db.get(Structure, standing.structure_id) if standing.structure_id else None
        told["professional"] = profile.display_name if profile is not None else None
        told["structure"] = structure.name if structure is not None else None
    return told


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
