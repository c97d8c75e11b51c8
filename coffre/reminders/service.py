"""The person's own reminders and the reminders job (docs/REMINDERS.md).

A person keeps reminders of their own: a date and time, a repeat (none, monthly,
quarterly, yearly: the CAF's quarterly declaration of resources is the page's
preset), and a text sealed to them (SPEC §31) that the server stores as opaque bytes
of one of §31's sizes. The server knows only when a reminder is due.

``run`` (the ``reminders.run`` job, coffre/jobs/registry.py) sends what is due, each
occurrence once:

- a person's own reminder: in ONE unit of work, the conditional UPDATE that moves it
  to its next occurrence (or marks it done), its key in ``reminder_sent``, the
  ``reminder.due`` notification and the ``reminder.own`` entry of the person's
  history. Of parallel runs, one changes the row; the others change nothing;
- the system's reminders (coffre/reminders/system.py): documents about to expire,
  grants about to end, requests waiting for the person's answer.

Each kind can be turned off by the person (``reminder_enabled``, coffre/notifications/
preferences.py). A refusal of another account's reminder is ``reminder_not_found``,
exactly as an unknown id. The count per person is capped by one statement.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import is_valid_id, new_id
from coffre.notifications import preferences
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, can, scope
from coffre.reminders import repository, system
from coffre.reminders.errors import (
    ReminderLimitReached,
    ReminderNotFound,
    ReminderTextInvalid,
    ReminderTextTooBig,
)
from coffre.reminders.models import Reminder
from coffre.reminders.schedule import check_due, check_repeat, next_after, parse_due
from coffre.structures.errors import NotAllowed
from crypto.organiser import REMINDER_SIZES

log = logging.getLogger(__name__)

# SPEC §31: a sealed reminder text is exactly one of these sizes (its bucket is all
# the server learns); anything larger is refused before it is decoded further.
SEALED_SIZES = frozenset(REMINDER_SIZES)
MAX_SEALED_BYTES = max(REMINDER_SIZES)
BATCH = 200
ROUNDS = 50  # at most 10 000 own reminders per run; the next run goes on


@dataclass(frozen=True)
class ReminderInput:
    """What the person sends: ``due_at`` as text (ISO 8601 with its offset), checked here."""

    due_at: str
    repeat: str
    sealed: bytes
    active: bool = True


@dataclass(frozen=True)
class RunReport:
    own: int
    documents: int
    grants: int
    requests: int


class ReminderService:
    def __init__(self, db: Database, clock: Clock, *, max_per_person: int) -> None:
        self._db = db
        self._clock = clock
        self._max = max_per_person

    @property
    def max_per_person(self) -> int:
        return self._max

    # -- the person ------------------------------------------------------------------
    def list(self, actor: Actor) -> Sequence[Reminder]:
        """The caller's reminders, by due time (none for other roles: the list's scope)."""
        owner = scope(actor, Action.REMINDER_LIST)
        if owner is None:
            return []
        with self._db.unit_of_work() as db:
            return repository.of_account(db, owner)

    def create(self, actor: Actor, new: ReminderInput) -> Reminder:
        if not can(actor, Action.REMINDER_CREATE):
            raise NotAllowed()
        now = self._clock.now()
        due_at = parse_due(new.due_at)
        check_due(due_at, now)
        repeat = check_repeat(new.repeat)
        _check_sealed(new.sealed)
        with self._db.unit_of_work() as db:
            # The cap first, by one statement: nothing is read before it.
            if not repository.count_one_more(db, actor.account_id, self._max):
                raise ReminderLimitReached()
            reminder = Reminder(
                id=new_id(),
                account_id=actor.account_id,
                due_at=due_at,
                anchor_at=due_at,
                occurrence=0,
                repeat=repeat,
                sealed=new.sealed,
                active=new.active,
                done_at=None,
                last_sent_at=None,
                created_at=now,
                updated_at=now,
            )
            db.add(reminder)
        return reminder

    def update(self, actor: Actor, reminder_id: str, new: ReminderInput) -> Reminder:
        """Replace a reminder's date, repeat, text and state. A new date must be to come
        (and it starts the reminder again if it was done); the date it already has may
        be sent back as it is, even past (to turn off a reminder already sent)."""
        now = self._clock.now()
        due_at = parse_due(new.due_at)
        repeat = check_repeat(new.repeat)
        _check_sealed(new.sealed)
        # write=True: what is read decides what is written (SQLite: BEGIN IMMEDIATE).
        with self._db.unit_of_work(write=True) as db:
            reminder = self._own(db, actor, reminder_id, Action.REMINDER_MANAGE)
            moved = due_at != reminder.due_at
            if moved:
                check_due(due_at, now)
            if moved or repeat != reminder.repeat:
                reminder.anchor_at = due_at
                reminder.occurrence = 0
            if moved:
                reminder.done_at = None
            if not moved and new.active and not reminder.active and due_at <= now:
                # Turned on again after its time passed while off: a repeating reminder
                # goes on at its next occurrence to come (not at once, for a date gone).
                zone = preferences.get(db, reminder.account_id).zone
                following = next_after(reminder.anchor_at, repeat, reminder.occurrence, now, zone)
                if following is not None:
                    reminder.occurrence, due_at = following
            reminder.due_at = due_at
            reminder.repeat = repeat
            reminder.sealed = new.sealed
            reminder.active = new.active
            reminder.updated_at = now
        return reminder

    def delete(self, actor: Actor, reminder_id: str) -> None:
        with self._db.unit_of_work(write=True) as db:
            reminder = self._own(db, actor, reminder_id, Action.REMINDER_MANAGE)
            if not repository.remove(db, reminder.id, actor.account_id):
                raise ReminderNotFound()
            repository.count_one_less(db, actor.account_id)

    # -- the account goes, or starts again ------------------------------------------
    def end_for_erased(self, db: DbSession, account_id: str, now: datetime) -> None:
        """Erasure's hook: the account's reminders, their count and sent keys go."""
        repository.erase_account(db, account_id)

    def end_for_reset(self, db: DbSession, account_id: str, now: datetime) -> None:
        """A completed reset's hook: the texts were sealed to the old keys, which are
        gone; the reminders go with the old vault (the keys of what was sent stay)."""
        repository.erase_account(db, account_id, sent_keys=False)

    # -- the job ---------------------------------------------------------------------
    def run(self, now: datetime | None = None) -> RunReport:
        """Send every reminder due at ``now``, each occurrence once. Idempotent and safe
        to run in several processes at once."""
        now = now or self._clock.now()
        own = self._run_own(now)
        found = system.run(self._db, now)
        report = RunReport(own, found.documents, found.grants, found.requests)
        if own or found.documents or found.grants or found.requests:
            log.info(
                "reminders sent: %d own, %d documents, %d grants, %d requests",
                report.own,
                report.documents,
                report.grants,
                report.requests,
            )
        return report

    def run_job(self) -> None:
        """The background job's entry (coffre/jobs/registry.py ``reminders.run``)."""
        self.run()

    def _run_own(self, now: datetime) -> int:
        sent = 0
        for _ in range(ROUNDS):
            with self._db.unit_of_work() as db:
                due = list(repository.due_reminders(db, now, BATCH))
            for reminder in due:
                if self._send_own(reminder, now):
                    sent += 1
            if len(due) < BATCH:
                break
        return sent

    def _send_own(self, reminder: Reminder, now: datetime) -> bool:
        """One occurrence: advance the reminder and tell the person, in one unit of work."""
        with self._db.unit_of_work(write=True) as db:
            prefs = preferences.get(db, reminder.account_id)
            following = next_after(
                reminder.anchor_at, reminder.repeat, reminder.occurrence, now, prefs.zone
            )
            occurrence, due_at = following if following else (reminder.occurrence + 1, None)
            if not repository.advance(db, reminder, now, occurrence=occurrence, due_at=due_at):
                return False  # another run sent it, or the person changed it meanwhile
            if not preferences.reminder_enabled(prefs, "own"):
                return False  # turned off: the occurrence passes, nothing is sent
            key = f"own:{reminder.id}:{int(reminder.due_at.timestamp())}"
            if not repository.claim_key(db, key, reminder.account_id, "reminder.due", now):
                return False
            notify(db, reminder.account_id, Kind.REMINDER_DUE, {"reminder_id": reminder.id}, now)
            audit.append(
                db,
                audit.Entry(
                    action="reminder.own",
                    person_id=reminder.account_id,
                    object_type="reminder",
                    object_id=reminder.id,
                    details={"repeat": reminder.repeat},
                ),
                now,
            )
            return True

    # -- internals ---------------------------------------------------------------------
    def _own(self, db: DbSession, actor: Actor, reminder_id: str, action: Action) -> Reminder:
        reminder = db.get(Reminder, reminder_id) if is_valid_id(reminder_id) else None
        if reminder is None or not can(actor, action, reminder):
            raise ReminderNotFound()
        return reminder


def _check_sealed(sealed: bytes) -> None:
    if len(sealed) > MAX_SEALED_BYTES:
        raise ReminderTextTooBig()
    if len(sealed) not in SEALED_SIZES:
        raise ReminderTextInvalid()
