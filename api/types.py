"""The bounded input types every request schema and parameter is built from.

Text: any string a client sends (a body field, a query, path or header parameter) is
``Text`` (one line) or ``MultilineText`` (tab and line breaks allowed: a message, a
reason), refused with the stable code ``invalid_text`` when it holds a control
character, a lone surrogate or a bidirectional override (the rule is the domain's,
``coffre/text.py``, so the command line and the API keep the same text). JSON objects
a client signs (receipts, certificates) are ``JsonObject``: the same rule for every key
and string inside.

Integers: every integer parameter is bounded (``Count``, ``BigCount`` or its own
``Field(ge=…, le=…)``) so that nothing past signed 64 bits (the database's BIGINT)
reaches a query: 2**63 is a clean 422, not a 500.

tests/api/test_input_bounds.py walks the OpenAPI schema and sends a NUL in every string
and 2**63 and -1 in every integer: a new field without these types fails it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from coffre.text import InvalidText, is_clean_json, is_clean_text

INVALID_TEXT = InvalidText.code
MAX_INT64 = 2**63 - 1


def _refused() -> PydanticCustomError:
    # The error type is the code the API answers with (api/errors.py).
    return PydanticCustomError(INVALID_TEXT, "text holds a refused control character")


def one_line(value: str) -> str:
    if not is_clean_text(value):
        raise _refused()
    return value


def multiline(value: str) -> str:
    if not is_clean_text(value, multiline=True):
        raise _refused()
    return value


def clean_json(value: dict[str, Any]) -> dict[str, Any]:
    if not is_clean_json(value):
        raise _refused()
    return value


def clean_text_before(value: object) -> object:
    """For types that parse a string (base64url, enums): refuse bad text first, so the
    answer is ``invalid_text`` whatever the type would have said."""
    if isinstance(value, str) and not is_clean_text(value):
        raise _refused()
    return value


Text = Annotated[str, AfterValidator(one_line)]
MultilineText = Annotated[str, AfterValidator(multiline)]
JsonObject = Annotated[dict[str, Any], AfterValidator(clean_json)]
CleanBefore = BeforeValidator(clean_text_before)

# A count, a size or a cursor: 0 up to the largest BIGINT.
Count = Annotated[int, Field(ge=0, le=MAX_INT64)]

# Dates and times parse a string: a control character in one answers invalid_text too.
Date = Annotated[date, CleanBefore]
DateTime = Annotated[datetime, CleanBefore]


# Path parameters: every one is an identifier (32 hex characters today); 64 leaves room.
PathId = Annotated[str, AfterValidator(one_line), Path(max_length=64)]
