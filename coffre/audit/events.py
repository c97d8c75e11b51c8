"""What an audit leaf commits to now lives in ``auditlog.events`` (a package that imports
nothing of Coffre). Kept so the server's imports read as before."""

from auditlog.events import (
    DENIED_FIELDS,
    LEAF_DATA_PREFIX,
    SALT_SIZE,
    canonical_event,
    commitment_leaf_hash,
    event_commitment,
    event_leaf_hash,
    leaf_data,
    new_salt,
    verify_event,
)

__all__ = [
    "DENIED_FIELDS",
    "LEAF_DATA_PREFIX",
    "SALT_SIZE",
    "canonical_event",
    "commitment_leaf_hash",
    "event_commitment",
    "event_leaf_hash",
    "leaf_data",
    "new_salt",
    "verify_event",
]
