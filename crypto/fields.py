"""The syntax of every member of a format v2 object (SPEC §18).

One checker per kind of value — ids, codes, times, texts, integers, keys,
digests — each raising InvalidInputError, so every v2 module reads its members
the same way. `read_object` applies the reading order SPEC §18 fixes: an
object, then "v", then "type", then the exact member set.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from crypto._checks import require_bytes
from crypto.encoding import b64decode
from crypto.errors import InvalidInputError, UnsupportedVersionError
from crypto.jsontext import INT_MAX, check_text

V2: Final = 2
TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"
# Clocks of phones and servers disagree; every v2 time comparison allows this much.
CLOCK_SKEW: Final = timedelta(seconds=300)

_ID = re.compile(r"[0-9a-f]{32}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def read_object(
    value: object, members: frozenset[str], kind: str, *, version: int = V2
) -> dict[str, Any]:
    """Check, in SPEC §18's order: a JSON object; "v" an integer (else invalid
    input) equal to `version` (else unsupported version); "type" equal to `kind`
    when `kind` is not empty; exactly `members`."""
    if not isinstance(value, dict):
        raise InvalidInputError("expected a JSON object")
    v = value.get("v")
    if isinstance(v, bool) or not isinstance(v, int):
        raise InvalidInputError('object must contain an integer "v"')
    if v != version:
        raise UnsupportedVersionError(f"unsupported version {v}")
    if kind and value.get("type") != kind:
        raise InvalidInputError(f"expected a {kind} object")
    if set(value) != members:
        raise InvalidInputError(
            f"a {kind or 'v2'} object has exactly: {', '.join(sorted(members))}"
        )
    return value


def read_int(value: object, name: str, low: int = -INT_MAX, high: int = INT_MAX) -> int:
    """An integer (never a boolean) within low..high."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name} must be an integer")
    if not low <= value <= high:
        raise InvalidInputError(f"{name} must be {low}..{high}")
    return value


def read_id(value: object, name: str) -> str:
    """32 lowercase hex characters (SPEC §18 ID)."""
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise InvalidInputError(f"{name} must be 32 lowercase hex characters")
    return value


def read_sha256(value: object, name: str) -> str:
    """64 lowercase hex characters (SPEC §18 HEX64)."""
    if not isinstance(value, str) or _SHA256.fullmatch(value) is None:
        raise InvalidInputError(f"{name} must be 64 lowercase hex characters")
    return value


def read_code(value: object, name: str) -> str:
    """A short lowercase code: [a-z0-9][a-z0-9_-]{0,63} (SPEC §18 CODE)."""
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        raise InvalidInputError(f"{name} must be a short lowercase code")
    return value


def read_text(value: object, name: str, max_bytes: int) -> str:
    """Non-empty Unicode text without C0 controls or DEL, at most `max_bytes`
    bytes of UTF-8 (SPEC §18 TEXT)."""
    if not isinstance(value, str) or value == "":
        raise InvalidInputError(f"{name} must be a non-empty string")
    check_text(value, name)
    if _CONTROLS.search(value):
        raise InvalidInputError(f"{name} must not contain control characters")
    if len(value.encode("utf-8")) > max_bytes:
        raise InvalidInputError(f"{name} must be at most {max_bytes} bytes of UTF-8")
    return value


def read_key(value: object, name: str, length: int = 32) -> bytes:
    """base64url (SPEC §1) of exactly `length` bytes."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a base64url string")
    return require_bytes(b64decode(value), name, length)


def format_time(moment: datetime) -> str:
    """UTC, whole seconds: YYYY-MM-DDTHH:MM:SSZ (SPEC §18 TIME)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise InvalidInputError("time must be a datetime with a time zone")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def read_time(value: object, name: str) -> datetime:
    """Parse a SPEC §18 TIME."""
    if not isinstance(value, str) or _TIME.fullmatch(value) is None:
        raise InvalidInputError(f"{name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInputError(f"{name} is not a real date") from None


def check_now(now: object) -> datetime:
    """The caller's clock reading, which must carry a time zone."""
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidInputError("now must be a datetime with a time zone")
    return now
