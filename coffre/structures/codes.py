"""One-time codes (invitations): 128 random bits, printed like a recovery code (SPEC §4).

Only a hash is stored. The printed form forgives the usual misreadings (0/O, 1/I, 8/B)
and carries a check character, so a typo is caught before it counts as a failure.
"""

from __future__ import annotations

import hashlib
import secrets

from crypto import InvalidInputError, format_recovery_code, parse_recovery_code


def new_code() -> tuple[str, bytes]:
    """A fresh code as printed, and the hash to store."""
    secret = secrets.token_bytes(16)
    return format_recovery_code(secret), hashlib.sha256(secret).digest()


def code_hash(printed: str) -> bytes | None:
    """The stored hash for a printed code, or None if it cannot be a code."""
    try:
        return hashlib.sha256(parse_recovery_code(printed)).digest()
    except InvalidInputError:
        return None
