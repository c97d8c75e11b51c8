"""Identifiers: random, opaque, and free of personal data."""

from __future__ import annotations

import re
import secrets

_ID = re.compile(r"^[0-9a-f]{32}$")


def new_id() -> str:
    """A random 128-bit identifier as 32 lowercase hex characters."""
    return secrets.token_hex(16)


def is_valid_id(value: str) -> bool:
    return bool(_ID.match(value))
