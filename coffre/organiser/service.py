"""The person's organiser: notes, contacts and appointments (docs/ORGANISER.md).

Each item is encrypted by the person's page (or the Python client) as SPEC §30 says
and stored here as opaque bytes: the server checks only the envelope's version byte
and that its size is one of §30.3's buckets (``check_item_shape``); what kind of item
it is, and everything it says, is inside the ciphertext.

- A person keeps at most ``max_per_person`` items, decided by one statement (the
  count's upsert) before anything else is written: of parallel creations, exactly as
  many as the cap allows succeed.
- A change names the version it read: ``UPDATE … WHERE version = :read`` decides, so
  of parallel changes of one version exactly one wins; the others are told
  ``organiser_item_version_conflict`` and the page keeps their draft.
- Another account's item, an unknown id and a role that keeps no organiser get the
  same answer, ``organiser_item_not_found``.
- Nothing here enters the audit trail: the organiser is the person's own notebook,
  and its activity is none of the console's business.
- The account's erasure deletes its items; a completed reset too (they were sealed to
  the old keys, which nobody holds any more), as it does the documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import is_valid_id
from coffre.organiser import repository
from coffre.organiser.errors import (
    InvalidOrganiserItem,
    OrganiserFull,
    OrganiserItemExists,
    OrganiserItemNotFound,
    OrganiserItemVersionConflict,
)
from coffre.organiser.models import OrganiserItem
from coffre.policy import Action, Actor, can, scope
from coffre.structures.errors import NotAllowed
from crypto.errors import CryptoError
from crypto.organiser import ITEM_MAX_BYTES, check_item_shape

MAX_CIPHERTEXT_BYTES = ITEM_MAX_BYTES  # SPEC §30.3: 35043 bytes, the largest bucket
VERSION_MAX = 2**31 - 1


@dataclass(frozen=True)
class ItemView:
    id: str
    ciphertext: bytes
    version: int
    created_at: datetime
    updated_at: datetime


def _view(item: OrganiserItem) -> ItemView:
    return ItemView(item.id, item.ciphertext, item.version, item.created_at, item.updated_at)


def _check_ciphertext(ciphertext: bytes) -> bytes:
    if len(ciphertext) > MAX_CIPHERTEXT_BYTES:
        raise InvalidOrganiserItem()
    try:
        return check_item_shape(ciphertext)
    except CryptoError:
        raise InvalidOrganiserItem() from None


class OrganiserService:
    def __init__(self, db: Database, clock: Clock, *, max_per_person: int) -> None:
        self._db = db
        self._clock = clock
        self._max = max_per_person

    @property
    def max_per_person(self) -> int:
        return self._max

    def list(self, actor: Actor) -> Sequence[ItemView]:
        """The caller's items, oldest first (none for a role that keeps no organiser)."""
        owner = scope(actor, Action.ORGANISER_LIST)
        if owner is None:
            return []
        with self._db.unit_of_work() as db:
            return [_view(item) for item in repository.of_account(db, owner)]

    def create(self, actor: Actor, item_id: str, ciphertext: bytes) -> ItemView:
        """Store a new item under the id the page drew (SPEC §30.3: the owner signed it)."""
        if not can(actor, Action.ORGANISER_CREATE):
            raise NotAllowed()
        if not is_valid_id(item_id):
            raise InvalidOrganiserItem()
        data = _check_ciphertext(ciphertext)
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            # The cap first, by one statement: nothing is read before it.
            if not repository.count_one_more(db, actor.account_id, self._max):
                raise OrganiserFull()
            item = OrganiserItem(
                account_id=actor.account_id,
                id=item_id,
                ciphertext=data,
                version=1,
                created_at=now,
                updated_at=now,
            )
            db.add(item)
            try:
                db.flush()
            except IntegrityError:
                # The same id twice (a page that sent its POST again): nothing is kept,
                # the count's increment is rolled back with the rest.
                raise OrganiserItemExists() from None
        return _view(item)

    def change(self, actor: Actor, item_id: str, version: int, ciphertext: bytes) -> ItemView:
        """Replace an item's ciphertext if it is still at ``version`` (the one read)."""
        data = _check_ciphertext(ciphertext)
        now = self._clock.now()
        # write=True: it reads, then writes (SQLite: BEGIN IMMEDIATE, no lock upgrade).
        with self._db.unit_of_work(write=True) as db:
            self._own(db, actor, item_id)
            if not 1 <= version <= VERSION_MAX or not repository.change(
                db, actor.account_id, item_id, version, data, now
            ):
                if repository.one(db, actor.account_id, item_id) is None:
                    raise OrganiserItemNotFound()  # deleted meanwhile
                raise OrganiserItemVersionConflict()
            db.expire_all()
            return _view(self._own(db, actor, item_id))

    def delete(self, actor: Actor, item_id: str) -> None:
        with self._db.unit_of_work(write=True) as db:
            self._own(db, actor, item_id)
            if not repository.remove(db, actor.account_id, item_id):
                raise OrganiserItemNotFound()
            repository.count_one_less(db, actor.account_id)

    def _own(self, db: DbSession, actor: Actor, item_id: str) -> OrganiserItem:
        """The caller's item, or ``organiser_item_not_found`` (the same for another's)."""
        if not is_valid_id(item_id):
            raise OrganiserItemNotFound()
        item = repository.one(db, actor.account_id, item_id)
        if item is None or not can(actor, Action.ORGANISER_MANAGE, item):
            raise OrganiserItemNotFound()
        return item

    # -- the account goes, or starts again ------------------------------------------
    def end_for_erased(self, db: DbSession, account_id: str, now: datetime) -> None:
        """Erasure's hook: the account's items and their count go."""
        repository.erase_account(db, account_id)

    def end_for_reset(self, db: DbSession, account_id: str, now: datetime) -> None:
        """A completed reset's hook: the items were sealed to the old keys, which are
        gone; they go with the old vault's documents."""
        repository.erase_account(db, account_id)
