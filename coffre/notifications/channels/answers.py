"""Reading a far side's answer: how long it asked us to wait (``Retry-After``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER_SECONDS = 24 * 3600  # a far side asking for more is capped: the outbox decides
# The longest back-off between two attempts (a Retry-After may ask for longer).
MAX_WAIT = timedelta(hours=6)


def retry_wait(first: timedelta, attempts: int, retry_after: int | None) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: ``first``
    doubled at each attempt, at most ``MAX_WAIT``; longer if the far side's
    ``Retry-After`` (seconds, ``retry_after_seconds``) asked so. The notification
    outbox and the webhooks' deliverer both wait this."""
    wait: timedelta = min(first * (2 ** max(attempts - 1, 0)), MAX_WAIT)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=min(retry_after, MAX_RETRY_AFTER_SECONDS)))
    return wait


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date); None if absent
    or unreadable. Capped to a day, never negative."""
    if not value:
        return None
    text = value.strip()
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses; and more
    # digits than any wait we honour are the cap, not int()'s 4,300-digit ValueError
    # (a far side's header must never stop the outbox or the deliverer).
    if text.isascii() and text.isdigit():
        if len(text) > len(str(MAX_RETRY_AFTER_SECONDS)):
            return MAX_RETRY_AFTER_SECONDS
        return min(int(text), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0, min(int(seconds), MAX_RETRY_AFTER_SECONDS))
