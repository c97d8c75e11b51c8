"""How many uploads one account or one address may have open, counted across every app
process through the database (issue 21: N processes behind one proxy share the caps).

Each upload in progress is a row of ``upload_slots``. One statement decides whether a
new one gets in: ``INSERT … SELECT … WHERE (open for the account) < cap AND (open for
the address) < cap`` inserts the slot or nothing. The unit of work holds the account's
and the address's keys first (``coffre.db.engine.hold``: advisory locks on PostgreSQL,
whose READ COMMITTED would otherwise let two such statements count the same rows;
``BEGIN IMMEDIATE`` on SQLite), so the deciders of one key take turns and each counts
every slot committed before it: 20 uploads started at once on three processes get
exactly ``cap`` slots.

A slot is a lease (``LEASE_SECONDS``), renewed by its holder while the body streams
(``renew``) and deleted when the upload ends (``release``). A process killed mid-upload
cannot release: its slots stop counting when their lease lapses, and the next upload
of the same account or address deletes them.

The keys are keyed hashes of the account id and of the address (IPv6: its /64), like
the login throttle's: no address is kept in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import (
    LargeBinary,
    String,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from coffre.accounts.throttle import address_identity
from coffre.clock import Clock
from coffre.db.base import UTCDateTime
from coffre.db.engine import Database, hold
from coffre.errors import RateLimited
from coffre.ids import new_id
from coffre.settings import Settings
from coffre.uploads.models import UploadSlot

# How long a slot counts without being renewed; its holder renews it every
# RENEW_SECONDS, so only a process that died lets one lapse.
LEASE_SECONDS = 60
RENEW_SECONDS = 20
# An upload lasts seconds to minutes; the refused one may try again soon.
TOO_MANY_UPLOADS_RETRY_SECONDS = 10

_PURPOSE = b"coffre/v1/upload-slot"


class TooManyUploads(RateLimited):
    code = "too_many_uploads"
    message_fr = (
        "Trop d'envois sont déjà en cours depuis ce compte ou cette connexion. "
        "Attendez qu'ils se terminent, puis réessayez."
    )


class UploadCaps:
    """Takes, renews and releases the slots of uploads (see the module's docstring)."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Derived from the newest secret of the keyring (coffre/secrets/keyring.py): a
        # secret added in front only loses the count of slots already open (a lease of
        # LEASE_SECONDS at most).
        self._secret = settings.keyring.derive("coffre/upload-slot/v1")
        self._per_account = settings.uploads_per_account
        self._per_address = settings.uploads_per_address

    def _keyed(self, kind: str, value: str) -> bytes:
        message = _PURPOSE + b"\n" + kind.encode() + b"\n" + value.encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def take(self, account_id: str, address: str | None) -> str:
        """A slot for an upload by ``account_id`` from ``address`` (or none): its id, or
        ``TooManyUploads`` when the account or the address already holds its cap."""
        account_key = self._keyed("account", account_id)
        address_key = (
            self._keyed("address", address_identity(address)) if address is not None else None
        )
        slot_id = new_id()
        with self._db.unit_of_work(write=True) as db:
            # Sorted order, the same in every caller: two takers cannot deadlock.
            hold(db, "upload-slot", "account", account_key)
            if address_key is not None:
                hold(db, "upload-slot", "address", address_key)
            now = self._clock.now()
            mine = UploadSlot.account_key == account_key
            if address_key is not None:
                mine = or_(mine, UploadSlot.address_key == address_key)
            # The lapsed slots of a killed process, found by the next one of their keys;
            # and those dated more than a lease ahead (taken while the host's clock ran
            # ahead, then put right): no holder renews that far, they never count.
            horizon = now + timedelta(seconds=LEASE_SECONDS)
            db.execute(
                delete(UploadSlot).where(
                    mine, or_(UploadSlot.expires_at <= now, UploadSlot.expires_at > horizon)
                )
            )
            live = and_(UploadSlot.expires_at > now, UploadSlot.expires_at <= horizon)
            room = [
                select(func.count())
                .select_from(UploadSlot)
                .where(UploadSlot.account_key == account_key, live)
                .scalar_subquery()
                < self._per_account
            ]
            if address_key is not None:
                room.append(
                    select(func.count())
                    .select_from(UploadSlot)
                    .where(UploadSlot.address_key == address_key, live)
                    .scalar_subquery()
                    < self._per_address
                )
            row = select(
                literal(slot_id, String(32)),
                literal(account_key, LargeBinary(32)),
                literal(address_key, LargeBinary(32)),
                literal(now + timedelta(seconds=LEASE_SECONDS), UTCDateTime()),
            ).where(*room)
            # RETURNING says whether the row went in (psycopg reports no rowcount for an
            # INSERT … SELECT through SQLAlchemy).
            taken = db.execute(
                insert(UploadSlot)
                .from_select(["id", "account_key", "address_key", "expires_at"], row)
                .returning(UploadSlot.id)
            ).first()
        if taken is None:
            raise TooManyUploads(retry_after=TOO_MANY_UPLOADS_RETRY_SECONDS)
        return slot_id

    def renew(self, slot_id: str) -> None:
        """The upload still streams: its slot counts for another lease."""
        with self._db.unit_of_work() as db:
            db.execute(
                update(UploadSlot)
                .where(UploadSlot.id == slot_id)
                .values(expires_at=self._clock.now() + timedelta(seconds=LEASE_SECONDS))
            )

    def release(self, slot_id: str) -> None:
        """The upload ended (stored, refused or cut): its slot is free at once."""
        with self._db.unit_of_work() as db:
            db.execute(delete(UploadSlot).where(UploadSlot.id == slot_id))

    def open_slots(self) -> int:
        """How many uploads hold a live slot now, in every process (tests, metrics)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            return db.execute(
                select(func.count())
                .select_from(UploadSlot)
                .where(
                    UploadSlot.expires_at > now,
                    UploadSlot.expires_at <= now + timedelta(seconds=LEASE_SECONDS),
                )
            ).scalar_one()
