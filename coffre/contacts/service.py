"""Recovery through a trusted contact: the rules (crypto/SPEC.md §28, docs/ROLES.md).

A person names one contact — a certified professional, or another person whose sign
key their client pinned by the spoken pin — and the server keeps what the person's
client made: the master key wrapped under the contact-recovery key K, the contact's
share of K sealed to the contact, the server's share, and the hash of the
authenticator. Naming again replaces the arrangement in one step; removing ends it.

The contact sees who named them and asks for recovery (``ask``). The person is told
at once (a notification, and the history) and can refuse (``refuse``), which ends that
request; the contact may ask again later. Once the waiting period has passed without a
refusal, the server releases its share (``release``); the contact's client rebuilds K,
opens the master key and, with the person beside them, sets a new passphrase and a new
recovery code (``recover``). The server checks the authenticator, replaces the
passphrase and recovery wrappings, ends the arrangement (K is spent) and revokes every
session of the person.

Concurrency: naming and asking hold a per-person / per-arrangement lock
(``hold``, write units of work); refusal, release and recovery are decided by one
conditional UPDATE each (coffre/contacts/repository.py). An arrangement or request
that is not the caller's answers exactly as one that does not exist.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import credential_repository as tokens
from coffre.accounts import repository as accounts
from coffre.accounts.credentials import Credentials, check_passphrase_material, set_passphrase
from coffre.accounts.errors import InvalidKeyMaterial
from coffre.accounts.kdf import refuse_downgrade
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account
from coffre.accounts.recovery import NewPassphrase
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.contacts import repository as rows
from coffre.contacts.errors import (
    ContactArrangementNotFound,
    ContactNotFound,
    ContactRecoveryNotOpen,
    ContactRecoveryRefused,
    ContactRequestNotFound,
    InvalidContactMaterial,
)
from coffre.contacts.models import (
    ContactKind,
    ContactRequest,
    EndReason,
    RequestState,
    TrustedContact,
)
from coffre.db.engine import Database, hold
from coffre.errors import CoffreError
from coffre.ids import is_valid_id, new_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, Role, can
from coffre.settings import Settings
from coffre.structures import repository as structures
from coffre.structures.models import ProfessionalProfile, Structure
from crypto import CryptoError
from crypto.contact_recovery import (
    SEALED_SHARE_BYTES,
    SHARE_BYTES,
    WRAPPED_CONTACT_BYTES,
    auth_hash,
    same_auth,
)
from crypto.pins import matches_pin

KEY_BYTES = 32
RECOVERY_BLOB_BYTES = 73


@dataclass(frozen=True)
class NewContact:
    """What the person's client sends when naming a contact (SPEC §28.2)."""

    contact_id: str
    wrapped_master_key: bytes
    sealed_share: bytes
    server_share: bytes
    auth_key: bytes


@dataclass(frozen=True)
class Candidate:
    """A person who may be named, found by login: what the naming client needs."""

    account_id: str
    login: str
    sign_public_key: bytes


@dataclass(frozen=True)
class Who:
    """How one side is named to the other."""

    account_id: str
    kind: str  # "person" | "professional"
    name: str  # a professional's name, or a person's login
    structure: str | None = None


@dataclass(frozen=True)
class RequestView:
    id: str
    state: str
    asked_at: datetime
    opens_at: datetime
    open: bool  # the wait has passed and it still waits: the server share is released


@dataclass(frozen=True)
class ArrangementView:
    id: str
    person: Who
    contact: Who
    waiting_days: int
    since: datetime
    request: RequestView | None


@dataclass(frozen=True)
class RecoveryMaterial:
    """What the contact's client needs once the wait has passed (SPEC §28.3)."""

    arrangement_id: str
    person_login: str
    server_share: bytes
    sealed_share: bytes
    wrapped_master_key: bytes
    wrapped_keyring: bytes
    box_public_key: bytes
    sign_public_key: bytes
    # The person's passphrase KDF version (1: SPEC §3, 2: §19): the new passphrase is
    # made in the same one (a v2 account never takes v1 parameters again).
    kdf_version: int


@dataclass(frozen=True)
class NewRecovery:
    """The new recovery code as the server sees it (SPEC §4, §5.2)."""

    recovery_auth_key: bytes
    wrapped_master_recovery: bytes


class ContactService:
    def __init__(
        self, db: Database, clock: Clock, credentials: Credentials, settings: Settings
    ) -> None:
        self._db = db
        self._clock = clock
        self._credentials = credentials
        self._waiting_days = settings.contact_waiting_days

    # -- the person --------------------------------------------------------------
    def candidate(self, actor: Actor, raw_login: str, pin: str) -> Candidate:
        """A person who may be named, by login AND the spoken pin their phone shows
        (SPEC §25.3): their sign key, which the naming client checks against the pin
        again. ``contact_not_found`` for anyone else, oneself included, and for a pin
        that does not name the account's key: a login alone, without being face to face
        with its holder, does not tell whether it exists."""
        _person_only(actor, ContactNotFound)
        try:
            login = normalise_login(raw_login)
        except CoffreError:
            raise ContactNotFound() from None
        with self._db.unit_of_work() as db:
            account = accounts.account_by_login(db, login)
            if (
                account is None
                or account.deleted_at is not None
                or account.kind != Role.PERSON.value
                or account.id == actor.account_id
                or not _pin_names(account.sign_public_key, pin)
            ):
                raise ContactNotFound()
            return Candidate(account.id, account.login, account.sign_public_key)

    def current(self, actor: Actor) -> ArrangementView | None:
        """The caller's active arrangement and its last request, or None."""
        if not can(actor, Action.CONTACT_NAME):
            return None
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            found = rows.active_of_person(db, actor.account_id)
            return _view(db, found, now) if found is not None else None

    def name(self, actor: Actor, new: NewContact) -> ArrangementView:
        """Name (or replace) the caller's contact in one step."""
        _person_only(actor, ContactNotFound)
        _check_material(new)
        if not is_valid_id(new.contact_id) or new.contact_id == actor.account_id:
            raise ContactNotFound()
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            hold(db, "trusted-contact", actor.account_id)
            contact = accounts.account_by_id(db, new.contact_id)
            kind = _nameable(db, contact)
            if contact is None or kind is None:
                raise ContactNotFound()
            replaced = rows.end_arrangements(
                db, now, EndReason.REPLACED.value, person_id=actor.account_id
            )
            arrangement = TrustedContact(
                id=new_id(),
                person_id=actor.account_id,
                contact_id=contact.id,
                contact_kind=kind.value,
                waiting_days=self._waiting_days,
                wrapped_master_key=new.wrapped_master_key,
                sealed_share=new.sealed_share,
                server_share=new.server_share,
                auth_hash=auth_hash(new.auth_key),
                created_at=now,
            )
            db.add(arrangement)
            db.flush()
            details = {
                "kind": kind.value,
                "waiting_days": self._waiting_days,
                "replaced": bool(replaced),
            }
            audit.append(
                db,
                audit.by(
                    actor,
                    "contact.name",
                    object_type="account",
                    object_id=contact.id,
                    details=details,
                ),
                now,
            )
            person = accounts.account_by_id(db, actor.account_id)
            notify(
                db,
                contact.id,
                Kind.CONTACT_NAMED,
                {"person": person.login if person else "", "waiting_days": self._waiting_days},
                now,
            )
            return _view(db, arrangement, now)

    def remove(self, actor: Actor) -> None:
        """End the caller's arrangement; ``contact_arrangement_not_found`` if none."""
        _person_only(actor, ContactArrangementNotFound)
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            hold(db, "trusted-contact", actor.account_id)
            ended = rows.end_arrangements(
                db, now, EndReason.REMOVED.value, person_id=actor.account_id
            )
            if not ended:
                raise ContactArrangementNotFound()
            audit.append(db, audit.by(actor, "contact.remove"), now)

    def refuse(self, actor: Actor, request_id: str) -> None:
        """The person refuses a request of their contact: it ends (decided once).
        ``contact_request_not_found`` for a request that is not waiting or not theirs."""
        _person_only(actor, ContactRequestNotFound)
        if not is_valid_id(request_id):
            raise ContactRequestNotFound()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            request = db.get(ContactRequest, request_id)
            arrangement = (
                db.get(TrustedContact, request.arrangement_id) if request is not None else None
            )
            if (
                request is None
                or arrangement is None
                or arrangement.person_id != actor.account_id
                or not rows.end_request(db, request.id, RequestState.REFUSED, now)
            ):
                raise ContactRequestNotFound()
            audit.append(
                db,
                audit.by(
                    actor,
                    "contact.refuse",
                    object_type="account",
                    object_id=arrangement.contact_id,
                ),
                now,
            )
            person = accounts.account_by_id(db, actor.account_id)
            notify(
                db,
                arrangement.contact_id,
                Kind.CONTACT_REFUSED,
                {"person": person.login if person else ""},
                now,
            )

    # -- the contact ---------------------------------------------------------------
    def naming_me(self, actor: Actor) -> Sequence[ArrangementView]:
        """The persons who named the caller, with their last request."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            return [_view(db, found, now) for found in rows.naming(db, actor.account_id)]

    def ask(self, actor: Actor, arrangement_id: str) -> ArrangementView:
        """Ask for recovery: a request waits ``waiting_days`` and the person is told at
        once. Asking while a request waits answers that request (nothing new)."""
        now = self._clock.now()
        if not is_valid_id(arrangement_id):
            raise ContactArrangementNotFound()
        with self._db.unit_of_work(write=True) as db:
            hold(db, "contact-request", arrangement_id)
            arrangement = rows.active_for_contact(db, arrangement_id, actor.account_id)
            if arrangement is None:
                raise ContactArrangementNotFound()
            if rows.waiting_request(db, arrangement.id) is None:
                opens_at = now + timedelta(days=arrangement.waiting_days)
                db.add(
                    ContactRequest(
                        id=new_id(),
                        arrangement_id=arrangement.id,
                        state=RequestState.WAITING.value,
                        asked_at=now,
                        opens_at=opens_at,
                    )
                )
                db.flush()
                entry = audit.by(
                    actor,
                    "contact.request",
                    person_id=arrangement.person_id,
                    object_type="account",
                    object_id=actor.account_id,
                    details={"opens_at": _iso(opens_at)},
                )
                audit.append(db, entry, now)
                who = _who(db, actor.account_id)
                notify(
                    db,
                    arrangement.person_id,
                    Kind.CONTACT_REQUESTED,
                    {"contact": who.name, "structure": who.structure, "opens_at": _iso(opens_at)},
                    now,
                )
            return _view(db, arrangement, now)

    def release(self, actor: Actor, arrangement_id: str) -> RecoveryMaterial:
        """The server's share and what goes with it, once the wait has passed without
        a refusal (``contact_recovery_not_open`` before)."""
        now = self._clock.now()
        if not is_valid_id(arrangement_id):
            raise ContactArrangementNotFound()
        with self._db.unit_of_work() as db:
            arrangement, request, person = self._opened(db, actor, arrangement_id, now)
            if rows.mark_released(db, request.id, now):
                entry = audit.by(
                    actor,
                    "contact.release",
                    person_id=arrangement.person_id,
                    object_type="account",
                    object_id=actor.account_id,
                )
                audit.append(db, entry, now)
            server_share = arrangement.server_share
            sealed_share = arrangement.sealed_share
            wrapped = arrangement.wrapped_master_key
            if server_share is None or sealed_share is None or wrapped is None:
                raise ContactArrangementNotFound()  # wiped: it ended (not reachable if active)
            return RecoveryMaterial(
                arrangement_id=arrangement.id,
                person_login=person.login,
                server_share=server_share,
                sealed_share=sealed_share,
                wrapped_master_key=wrapped,
                wrapped_keyring=person.wrapped_keyring,
                box_public_key=person.box_public_key,
                sign_public_key=person.sign_public_key,
                kdf_version=person.kdf_version,
            )

    def recover(
        self,
        actor: Actor,
        arrangement_id: str,
        auth_key: bytes,
        passphrase: NewPassphrase,
        recovery: NewRecovery,
    ) -> int:
        """Set the person's new passphrase and recovery code (SPEC §28.3 step 4);
        returns how many of the person's sessions were revoked."""
        check_passphrase_material(
            passphrase.kdf, passphrase.auth_key, passphrase.wrapped_master_passphrase
        )
        if (
            len(auth_key) != KEY_BYTES
            or len(recovery.recovery_auth_key) != KEY_BYTES
            or len(recovery.wrapped_master_recovery) != RECOVERY_BLOB_BYTES
            or recovery.wrapped_master_recovery[0] != 1
        ):
            raise InvalidKeyMaterial()
        if not is_valid_id(arrangement_id):
            raise ContactArrangementNotFound()
        now = self._clock.now()
        credentials = self._credentials
        with self._db.unit_of_work(write=True) as db:
            hold(db, "contact-request", arrangement_id)
            arrangement, request, person = self._opened(db, actor, arrangement_id, now)
            if arrangement.auth_hash is None or not same_auth(auth_key, arrangement.auth_hash):
                raise ContactRecoveryRefused()
            # Decided once: the request and the arrangement end here (K is spent).
            if not rows.end_request(db, request.id, RequestState.RECOVERED, now):
                raise ContactArrangementNotFound()
            rows.end_arrangements(db, now, EndReason.RECOVERED.value, arrangement_id=arrangement.id)
            verifier = credentials.verifier(passphrase.auth_key, db)
            recovery_verifier = credentials.verifier(recovery.recovery_auth_key, db)
            # The two login values must differ, as at sign-up.
            if hmac.compare_digest(verifier, recovery_verifier):
                raise InvalidKeyMaterial()
            # An account whose KDF is v2 never takes v1 parameters again (SPEC §19).
            refuse_downgrade(person, passphrase.kdf)
            set_passphrase(person, passphrase.kdf, verifier, passphrase.wrapped_master_passphrase)
            person.recovery_verifier = recovery_verifier
            person.wrapped_master_recovery = recovery.wrapped_master_recovery
            revoked = credentials.revoke_sessions(db, person.id, now)
            tokens.delete_recovery_tokens(db, person.id)
            entry = audit.by(
                actor,
                "account.contact_recover",
                person_id=person.id,
                object_type="account",
                object_id=actor.account_id,
                details={"sessions_revoked": revoked},
            )
            audit.append(db, entry, now)
            who = _who(db, actor.account_id)
            notify(
                db,
                person.id,
                Kind.CONTACT_RECOVERED,
                {"contact": who.name, "structure": who.structure},
                now,
            )
            return revoked

    def end_for_erased(self, db: DbSession, account_id: str, now: datetime) -> None:
        """Erasure's hook: arrangements naming or named by an erased account end."""
        rows.end_arrangements(db, now, EndReason.ERASED.value, account_id=account_id)

    def end_for_reset(self, db: DbSession, account_id: str, now: datetime) -> None:
        """A completed reset's hook: the account has new keys, so an arrangement that
        wraps its old master key, or seals a share to its old sign key, is spent."""
        rows.end_arrangements(db, now, EndReason.RESET.value, account_id=account_id)

    # -- internals ----------------------------------------------------------------
    def _opened(
        self, db: DbSession, actor: Actor, arrangement_id: str, now: datetime
    ) -> tuple[TrustedContact, ContactRequest, Account]:
        arrangement = rows.active_for_contact(db, arrangement_id, actor.account_id)
        if arrangement is None:
            raise ContactArrangementNotFound()
        request = rows.waiting_request(db, arrangement.id)
        person = accounts.account_by_id(db, arrangement.person_id)
        if person is None or person.deleted_at is not None:
            raise ContactArrangementNotFound()
        if request is None or request.opens_at > now:
            raise ContactRecoveryNotOpen()
        return arrangement, request, person


def _pin_names(sign_public_key: bytes, pin: str) -> bool:
    """The spoken pin names this key (a malformed pin names none)."""
    try:
        return matches_pin(sign_public_key, pin)
    except CryptoError:
        return False


def _person_only(actor: Actor, error: type[CoffreError]) -> None:
    # Only a person names a trusted contact (and answers for it): anyone else is
    # answered as for the unknown thing they asked about.
    if not can(actor, Action.CONTACT_NAME):
        raise error()


def _check_material(new: NewContact) -> None:
    if (
        len(new.wrapped_master_key) != WRAPPED_CONTACT_BYTES
        or new.wrapped_master_key[0] != 1
        or len(new.sealed_share) != SEALED_SHARE_BYTES
        or len(new.server_share) != SHARE_BYTES
        or len(new.auth_key) != KEY_BYTES
    ):
        raise InvalidContactMaterial()


def _nameable(db: DbSession, account: Account | None) -> ContactKind | None:
    """A live person, or a professional with a certified membership today."""
    if account is None or account.deleted_at is not None:
        return None
    if account.kind == Role.PERSON.value:
        return ContactKind.PERSON
    if account.kind == Role.PROFESSIONAL.value and structures.current_certified(db, account.id):
        return ContactKind.PROFESSIONAL
    return None


def _who(db: DbSession, account_id: str) -> Who:
    account = accounts.account_by_id(db, account_id)
    if account is None:
        return Who(account_id, "person", "")
    if account.kind == Role.PROFESSIONAL.value:
        profile = db.get(ProfessionalProfile, account_id)
        membership = structures.current_certified(db, account_id)
        structure = db.get(Structure, membership.structure_id) if membership else None
        return Who(
            account_id,
            ContactKind.PROFESSIONAL.value,
            profile.display_name if profile else account.login,
            structure.name if structure else None,
        )
    return Who(account_id, ContactKind.PERSON.value, account.login)


def _view(db: DbSession, arrangement: TrustedContact, now: datetime) -> ArrangementView:
    # The waiting request, if any, else the last one (two may share a moment).
    last = rows.waiting_request(db, arrangement.id) or rows.last_request(db, arrangement.id)
    request = None
    if last is not None:
        is_open = last.state == RequestState.WAITING.value and last.opens_at <= now
        request = RequestView(last.id, last.state, last.asked_at, last.opens_at, is_open)
    return ArrangementView(
        id=arrangement.id,
        person=_who(db, arrangement.person_id),
        contact=_who(db, arrangement.contact_id),
        waiting_days=arrangement.waiting_days,
        since=arrangement.created_at,
        request=request,
    )


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
