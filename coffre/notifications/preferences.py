"""An account's choices for being reached outside the app, with their defaults.

One ``notification_settings`` row per account, written only here; an account without
one has the defaults (French, Europe/Paris, push on, SMS off, no e-mail, no quiet
hours, each event, every reminder on). ``get`` reads them; ``reminder_enabled`` answers
the reminders (coffre/reminders/); ``checked`` validates a change before ``save``.

Quiet hours are local times ("21:00" to "08:00") in the account's IANA timezone,
both or neither; a delivery that falls inside them waits until they end
(``quiet_until``), whatever daylight saving time does in between.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session as DbSession

from coffre.notifications import errors
from coffre.notifications.models import NotificationSettings

DEFAULT_LANGUAGE = "fr"
DEFAULT_TIMEZONE = "Europe/Paris"
# The languages the person's pages are offered in (web/i18n.py LANGUAGES, BCP 47 tags);
# the `notify` catalogue follows them (coffre/notifications/locale).
LANGUAGES = ("fr", "en", "ar", "fa-AF", "ps", "uk", "ru", "ro", "es", "pt")
REMINDERS = ("documents_expiring", "grants_ending", "requests_waiting", "relays_not_taken", "own")
DIGESTS = ("each", "daily")

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_PHONE_LOGIN = re.compile(r"^\+?[0-9]{8,15}$")
# Deliberately plain: one @, a dot in the domain, no spaces or quotes; the SMTP server
# has the last word (a refusal is a FAILED delivery in the log).
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-']{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


@dataclass(frozen=True)
class Preferences:
    language: str = DEFAULT_LANGUAGE
    timezone: str = DEFAULT_TIMEZONE
    push: bool = True
    sms: bool = False
    email: str | None = None
    email_on: bool = False
    quiet_start: str | None = None
    quiet_end: str | None = None
    digest: str = "each"
    documents_expiring: bool = True
    grants_ending: bool = True
    requests_waiting: bool = True
    relays_not_taken: bool = True
    own: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


DEFAULTS = Preferences()


def get(db: DbSession, account_id: str) -> Preferences:
    """The account's choices, or the defaults when it made none."""
    row = db.get(NotificationSettings, account_id)
    return DEFAULTS if row is None else of_row(row)


def reminder_enabled(prefs: Preferences, which: str) -> bool:
    """Whether the account wants the reminders ``which`` names (one of ``REMINDERS``)."""
    if which not in REMINDERS:
        raise ValueError(f"unknown reminder {which!r}")
    return bool(getattr(prefs, which))


def is_phone_login(login: str) -> bool:
    """A login that is a phone number (coffre/accounts/login.py normalises it so)."""
    return _PHONE_LOGIN.match(login) is not None


def checked(prefs: Preferences, *, desk: bool, login: str) -> Preferences:
    """``prefs`` if an account with ``login`` may choose them (``desk``: one the policy
    lets have e-mail and a daily digest, ``Action.NOTIFY_DESK``), else the error
    saying what to change (nothing is saved)."""
    if prefs.language not in LANGUAGES:
        raise errors.InvalidLanguage()
    if not valid_timezone(prefs.timezone):
        raise errors.InvalidTimezone()
    if (prefs.quiet_start is None) != (prefs.quiet_end is None):
        raise errors.InvalidQuietHours()
    if prefs.quiet_start is not None and prefs.quiet_end is not None:
        if not (_HHMM.match(prefs.quiet_start) and _HHMM.match(prefs.quiet_end)):
            raise errors.InvalidQuietHours()
        if prefs.quiet_start == prefs.quiet_end:
            raise errors.InvalidQuietHours()
    if prefs.sms and not is_phone_login(login):
        raise errors.SmsNeedsPhoneLogin()
    if (prefs.email is not None or prefs.email_on) and not desk:
        raise errors.EmailNotOffered()
    if prefs.email is not None and (len(prefs.email) > 254 or not _EMAIL.match(prefs.email)):
        raise errors.InvalidEmail()
    if prefs.email_on and prefs.email is None:
        raise errors.InvalidEmail()
    if prefs.digest not in DIGESTS:
        raise errors.DigestNotOffered()
    if prefs.digest == "daily" and not desk:
        raise errors.DigestNotOffered()
    return prefs


def save(db: DbSession, account_id: str, prefs: Preferences, now: datetime) -> None:
    """Write the account's (already ``checked``) choices in the caller's unit of work."""
    row = db.get(NotificationSettings, account_id)
    if row is None:
        row = NotificationSettings(account_id=account_id, chosen="")
        db.add(row)
    for field in fields(Preferences):
        column = _COLUMNS.get(field.name, field.name)
        setattr(row, column, getattr(prefs, field.name))
    row.updated_at = now


def valid_timezone(name: str) -> bool:
    # Only the IANA names the system knows: ZoneInfo would also open a file path.
    if name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def quiet_until(prefs: Preferences, at: datetime) -> datetime | None:
    """When the quiet hours around ``at`` end (UTC), or None when ``at`` is not in them."""
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    zone = prefs.zone
    local = at.astimezone(zone)
    start, end = _time(prefs.quiet_start), _time(prefs.quiet_end)
    now = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:  # e.g. 12:00 -> 14:00, the same day
        if start <= now < end:
            return _end(day, end, zone, at)
        return None
    # Across midnight, e.g. 21:00 -> 08:00.
    if now >= start:
        return _end(day + timedelta(days=1), end, zone, at)
    if now < end:
        return _end(day, end, zone, at)
    return None


def local_day(prefs: Preferences, at: datetime) -> date:
    return at.astimezone(prefs.zone).date()


def local_moment(prefs: Preferences, day: date, hour: int) -> datetime:
    """``hour``:00 of ``day`` in the account's timezone, as UTC."""
    return _at(day, time(hour, 0), prefs.zone)


def with_changes(prefs: Preferences, **changes: object) -> Preferences:
    return replace(prefs, **changes)  # type: ignore[arg-type]


# Preferences fields whose column has another name (the reminders' toggles).
_COLUMNS = {name: f"remind_{name}" for name in REMINDERS}


def of_row(row: NotificationSettings) -> Preferences:
    values = {f.name: getattr(row, _COLUMNS.get(f.name, f.name)) for f in fields(Preferences)}
    return Preferences(**values)


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _end(day: date, moment: time, zone: ZoneInfo, at: datetime) -> datetime:
    """The end of quiet hours that ``at`` is in: always after ``at``. In the hour that
    the autumn's change repeats (02:00-03:00 twice), an end read as its first pass is
    already over for a moment in the second pass: then it is the second pass's."""
    first = _at(day, moment, zone)
    if first > at:
        return first
    return datetime.combine(day, moment, tzinfo=zone).replace(fold=1).astimezone(UTC)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # A local time skipped by daylight saving (02:30 on the last Sunday of March)
    # normalises forward through UTC; a repeated one takes its first occurrence.
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
