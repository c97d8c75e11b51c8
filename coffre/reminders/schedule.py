"""When a person's own reminder is due: reading the date the client sent, its bounds,
and the next occurrence of a repeating reminder (docs/REMINDERS.md).

Repeats are counted in the person's calendar (their time zone, Europe/Paris unless
they chose another: coffre/notifications/preferences.py): a quarterly reminder set
for 15 January at 9:00 comes back on 15 April at 9:00 local time, summer time or not,
and across year ends. An occurrence is always
computed from the first date (``anchor``) and its number, never from the previous
one, so a monthly reminder on the 31st is on the 28th/29th/30th of short months and
back on the 31st after them.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from coffre.reminders.errors import (
    ReminderDateInvalid,
    ReminderDatePast,
    ReminderDateTooFar,
    ReminderRepeatInvalid,
)
from coffre.reminders.models import Repeat
from coffre.text import is_clean_text

MAX_AHEAD = timedelta(days=3653)  # ten years: an identity card's life
_MAX_TEXT = 64  # "2027-01-15T09:00:00.000000+01:00" and a little room
_MAX_SKIPPED = 10_000  # occurrences skipped at most when a server was stopped for long


def parse_due(text: str) -> datetime:
    """An ISO 8601 date and time WITH its offset, as UTC; ``reminder_date_invalid``
    otherwise (a date alone, a time without offset, anything malformed)."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT or not is_clean_text(text):
        raise ReminderDateInvalid()
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ReminderDateInvalid() from exc
    if value.tzinfo is None or value.utcoffset() is None or "T" not in text.upper():
        raise ReminderDateInvalid()
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # "0001-01-01T00:00+01:00" is before year 1 in UTC
        raise ReminderDateInvalid() from exc


def check_due(due_at: datetime, now: datetime) -> None:
    """A new date must be to come, and not more than ten years ahead."""
    if due_at <= now:
        raise ReminderDatePast()
    if due_at - now > MAX_AHEAD:
        raise ReminderDateTooFar()


def check_repeat(repeat: str) -> str:
    if repeat not in Repeat.ALL:
        raise ReminderRepeatInvalid()
    return repeat


def occurrence_at(anchor: datetime, repeat: str, number: int, zone: ZoneInfo) -> datetime:
    """The ``number``-th occurrence (0: the anchor itself), same local wall time."""
    step = Repeat.MONTHS.get(repeat)
    if step is None or number == 0:
        return anchor
    local = anchor.astimezone(zone)
    months = local.month - 1 + number * step
    year, month = local.year + months // 12, months % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def next_after(
    anchor: datetime, repeat: str, occurrence: int, now: datetime, zone: ZoneInfo
) -> tuple[int, datetime] | None:
    """The first occurrence after ``occurrence`` that is still to come (missed ones are
    skipped: a person is reminded once, not once per missed quarter); None when the
    reminder does not repeat."""
    if repeat not in Repeat.MONTHS:
        return None
    number = occurrence + 1
    for _ in range(_MAX_SKIPPED):
        at = occurrence_at(anchor, repeat, number, zone)
        if at > now:
            return number, at
        number += 1
    return None
