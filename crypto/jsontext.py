"""Strict JSON text for format v2 (SPEC §18): one reading of every text.

`parse_json` refuses what RFC 8259 leaves open or what JavaScript's JSON.parse
would read differently: duplicate member names, NaN and infinities, numbers with
a fraction or an exponent (the format has only integers), integers beyond
±(2^53 − 1), lone surrogates, invalid UTF-8 and a byte order mark.
"""

import json
from typing import Any, Final

from crypto.errors import InvalidInputError

INT_MAX: Final = 2**53 - 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for name, value in pairs:
        if name in obj:
            raise InvalidInputError("JSON object has a duplicate member name")
        obj[name] = value
    return obj


def _no_fraction(text: str) -> Any:
    raise InvalidInputError("JSON numbers must be integers written without fraction or exponent")


def _no_constant(text: str) -> Any:
    raise InvalidInputError(f"JSON has no {text}")


def _bounded_int(text: str) -> int:
    value = int(text)
    if not -INT_MAX <= value <= INT_MAX:
        raise InvalidInputError("JSON integer is beyond ±(2^53 - 1)")
    return value


def check_text(value: str, name: str) -> str:
    """Refuse a string holding a lone surrogate (not Unicode text; SPEC §18)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(f"{name} holds a lone surrogate") from None
    return value


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        check_text(value, "JSON string")
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "JSON member name")
            _check_strings(item)


def parse_json(data: bytes | str) -> Any:
    """Parse strict JSON text (SPEC §18); InvalidInputError on anything else."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if raw.startswith(b"\xef\xbb\xbf"):
            raise InvalidInputError("JSON text must not start with a byte order mark")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError("JSON text is not UTF-8") from None
    elif isinstance(data, str):
        text = data
    else:
        raise InvalidInputError("JSON text must be bytes or str")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_no_fraction,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
        )
    except InvalidInputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InvalidInputError(f"not JSON: {type(exc).__name__}") from None
    _check_strings(value)
    return value
