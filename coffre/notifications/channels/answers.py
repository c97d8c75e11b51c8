"""Reading a far side's answer: how long it asked us to wait (``Retry-After``)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER_SECONDS = 24 * 3600  # a far side asking for more is capped: the outbox decides


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date); None if absent
    or unreadable. Capped to a day, never negative."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(int(text), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0, min(int(seconds), MAX_RETRY_AFTER_SECONDS))
