"""Normalising what a person types as their login: a pseudonym or a phone number."""

from __future__ import annotations

import re
import unicodedata

from coffre.accounts.errors import InvalidLogin

_PHONE_CHARS = re.compile(r"^\+?[0-9 .\-()]+$")
_PSEUDONYM = re.compile(r"^[\w.\-]{3,40}$")


def normalise_login(raw: str) -> str:
    """Return the canonical form of a login, or raise ``InvalidLogin``.

    Phone numbers lose their spaces, dots and dashes, and ``+33`` becomes ``0``
    (so ``06 12 34 56 78`` and ``+33 6 12 34 56 78`` are the same person).
    Pseudonyms are compared case-insensitively (NFKC, casefold).
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if _PHONE_CHARS.match(text):
        digits = re.sub(r"[^0-9+]", "", text)
        if digits.startswith("+33"):
            digits = "0" + digits[3:]
        if 8 <= len(digits.lstrip("+")) <= 15 and "+" not in digits[1:]:
            return digits
        raise InvalidLogin()
    folded = text.casefold()
    if not _PSEUDONYM.match(folded):
        raise InvalidLogin()
    return folded
