"""Free text from outside: which characters the vault refuses in any text it keeps.

A NUL byte is refused by PostgreSQL (a 500, once) and kept as is by SQLite; other
control characters, lone surrogates (JSON's ``"\\ud800"`` decodes to one; it cannot be
encoded in UTF-8) and bidirectional overrides (a display name that reads backwards
impersonates someone else) have no place in a name, a reason or a message either. One
rule, applied by the API's schemas (``api/text.py``) to every text field, query, path
and header parameter, and by the domain where text arrives from the command line or a
file, so that both backends keep exactly the same text.

Refused: every C0 control (U+0000–U+001F), DEL (U+007F) and every C1 control
(U+0080–U+009F); surrogates (U+D800–U+DFFF); the bidirectional embedding, override and
isolate controls (U+202A–U+202E, U+2066–U+2069); the non-characters U+FFFE and U+FFFF.
A multi-line field (a message, a reason, a charter's description) may hold tab, line
feed and carriage return; a one-line field may not.
"""

from __future__ import annotations

import re
from typing import Any

from coffre.errors import Invalid

# Tab, LF, CR are the only controls a multi-line text keeps.
_MULTILINE_WHITESPACE = "\t\n\r"
_REFUSED = "\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffe\uffff"
_REFUSED_ONE_LINE = re.compile(f"[{_REFUSED}]")
_REFUSED_MULTILINE = re.compile(f"(?![{_MULTILINE_WHITESPACE}])[{_REFUSED}]")

INVALID_TEXT_FR = (
    "Le texte contient un caractère invisible ou de contrôle qui n'est pas accepté. "
    "Retapez-le (sans copier-coller) puis recommencez."
)


class InvalidText(Invalid):
    code = "invalid_text"
    message_fr = INVALID_TEXT_FR


def is_clean_text(value: str, *, multiline: bool = False) -> bool:
    """True when ``value`` holds none of the refused characters (module docstring)."""
    pattern = _REFUSED_MULTILINE if multiline else _REFUSED_ONE_LINE
    return pattern.search(value) is None


def check_text(value: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or ``InvalidText``."""
    if not is_clean_text(value, multiline=multiline):
        raise InvalidText()
    return value


def is_clean_json(value: Any, *, depth: int = 0) -> bool:
    """True when every key and string of a decoded JSON value is clean text (multi-line
    allowed: a signed statement may quote a message), at most 32 levels deep."""
    if depth > 32:
        return False
    if isinstance(value, str):
        return is_clean_text(value, multiline=True)
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and is_clean_text(key) and is_clean_json(item, depth=depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return all(is_clean_json(item, depth=depth + 1) for item in value)
    return True
