"""What an audit-log leaf commits to: a salted hash of the canonical event.

This module owns the bytes between an audit event (a small JSON object:
actor, person concerned, object, purpose, time — never contents) and the
Merkle leaf of ``auditlog.merkle`` (DESIGN.md, "Traceability"):

    salt        = 32 random bytes (``new_salt``), stored with the event body
    commitment  = SHA-256(salt || JCS(event))          32 bytes
    leaf data   = b"coffre/audit/v1\\x00" || commitment  48 bytes
    leaf hash   = SHA-256(0x00 || leaf data)            (RFC 9162 §2.1.1)

``JCS`` is RFC 8785 canonical JSON, UTF-8 (the ``rfc8785`` package, which
``crypto.encoding.canonical_json`` also uses), so the same event always gives the
same bytes. The salt has a fixed length, so ``salt || JCS(event)`` parses one way
only. The 16-byte prefix
``coffre/audit/v1`` + 0x00 separates this leaf format from any other thing
that might one day be hashed into a tree, and names its version.

Why salted: the event body and its salt are stored apart from the tree.
When the retention period ends (CNIL délibération 2021-122) both are
deleted; the commitment stays, so every root, inclusion and consistency
proof stays valid, and nothing left in the signed structure can be linked
back to a person — without the salt, guessing an event (a known actor, a
known person, a plausible minute) and hashing it finds nothing.

Events refuse fields that would carry document contents, file names or
secrets (``DENIED_FIELDS``): that is a programming error in the caller, so
it raises ``ValueError`` at once, before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import nacl.utils
import rfc8785

from auditlog.merkle import HASH_SIZE, ProofError, leaf_hash

SALT_SIZE = 32
"""Bytes of salt per event."""

LEAF_DATA_PREFIX = b"coffre/audit/v1\x00"
"""Domain separation and version of the leaf data (16 bytes)."""

DENIED_FIELDS = frozenset(
    {
        "name",
        "filename",
        "file_name",
        "title",
        "content",
        "contents",
        "body",
        "plaintext",
        "passphrase",
        "password",
        "secret",
        "token",
        "key",
        "seed",
    }
)
"""Field names (compared in lower case, at every depth) an event may not carry."""

_DENIED_PARTS = ("passphrase", "password", "secret", "token", "filename", "plaintext")
"""Substrings that also deny a field (``recovery_passphrase``, ``token_hash``…)."""

_DENIED_SUFFIXES = ("_name", "_key", "_title", "_seed", "_content", "_contents")
"""Suffixes that deny a field (``original_name``, ``private_key``, ``file_contents``…).

People, structures and documents are named by their ids; their names are
looked up when the history is shown, so the log never freezes a name."""


def new_salt() -> bytes:
    """32 fresh random bytes (libsodium's randombytes) for one event."""
    return nacl.utils.random(SALT_SIZE)


def _denied(field: str) -> bool:
    f = field.lower()
    return (
        f in DENIED_FIELDS
        or any(part in f for part in _DENIED_PARTS)
        or f.endswith(_DENIED_SUFFIXES)
    )


def _check_fields(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        for field, inner in value.items():
            if not isinstance(field, str):
                raise ValueError(f"audit event: non-string field at {path}")
            if _denied(field):
                # The field name is ours (code), never the value: safe to name.
                raise ValueError(
                    f"audit event: field {path}{field!r} may carry contents, a file name "
                    "or a secret"
                )
            _check_fields(inner, f"{path}{field}.")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_fields(item, path)


def canonical_event(event: Mapping[str, Any]) -> bytes:
    """JCS (RFC 8785) bytes of ``event`` after the field check.

    Raises ValueError for an empty event, a denied field or a value JSON
    cannot carry exactly.
    """
    if not isinstance(event, Mapping) or not event:
        raise ValueError("audit event: a non-empty mapping is required")
    _check_fields(event, "")
    try:
        return rfc8785.dumps(dict(event))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        # The same failures crypto.encoding.canonical_json maps (SPEC §1): this package
        # stands alone, so it calls the RFC 8785 implementation itself.
        raise ValueError(f"audit event: not canonicalisable as JSON: {type(exc).__name__}") from exc


def event_commitment(event: Mapping[str, Any], salt: bytes) -> bytes:
    """SHA-256(salt || JCS(event)): 32 bytes, stored in place of the event in the tree."""
    if not isinstance(salt, bytes) or len(salt) != SALT_SIZE:
        raise ValueError(f"audit event: the salt must be {SALT_SIZE} bytes")
    return hashlib.sha256(salt + canonical_event(event)).digest()


def leaf_data(commitment: bytes) -> bytes:
    """LEAF_DATA_PREFIX || commitment: the bytes hashed by ``merkle.leaf_hash``."""
    if not isinstance(commitment, bytes) or len(commitment) != HASH_SIZE:
        raise ValueError(f"audit event: the commitment must be {HASH_SIZE} bytes")
    return LEAF_DATA_PREFIX + commitment


def event_leaf_hash(event: Mapping[str, Any], salt: bytes) -> bytes:
    """The Merkle leaf hash of an event: leaf_hash(leaf_data(event_commitment(event, salt)))."""
    return leaf_hash(leaf_data(event_commitment(event, salt)))


def commitment_leaf_hash(commitment: bytes) -> bytes:
    """The leaf hash from a stored commitment alone (after the body was deleted)."""
    return leaf_hash(leaf_data(commitment))


def verify_event(event: Mapping[str, Any], salt: bytes, expected_leaf_hash: bytes) -> None:
    """Check that (event, salt) is what the leaf commits to; raise ProofError if not.

    A tampered event, a wrong salt or another leaf's hash all raise the same
    ProofError. An event with a denied field raises ValueError (it could
    never have been written).
    """
    if not isinstance(expected_leaf_hash, bytes) or len(expected_leaf_hash) != HASH_SIZE:
        raise ProofError("event: the leaf hash must be 32 bytes")
    if not isinstance(salt, bytes) or len(salt) != SALT_SIZE:
        raise ProofError("event: the salt must be 32 bytes")
    if not hmac.compare_digest(event_leaf_hash(event, salt), expected_leaf_hash):
        raise ProofError("event: does not match its leaf")
