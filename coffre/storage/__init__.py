"""Object storage for document ciphertext: one interface, a local and an S3 backend.

See ``base.py`` for the contract every backend honours.
"""

from coffre.storage.base import (
    DEFAULT_CHUNK_SIZE,
    Leftover,
    ListedObject,
    ObjectInfo,
    ObjectStore,
    StoredObject,
    new_object_key,
    validate_key,
)
from coffre.storage.factory import make_object_store
from coffre.storage.local import LocalObjectStore

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "Leftover",
    "ListedObject",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "StoredObject",
    "make_object_store",
    "new_object_key",
    "validate_key",
]
