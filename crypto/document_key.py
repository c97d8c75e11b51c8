"""A document's random key and the two subkeys it drives (SPEC §7)."""

from typing import Final

from nacl.utils import random

from crypto import purposes
from crypto._checks import require_bytes
from crypto.subkeys import subkey

DOC_KEY_BYTES: Final = 32


def new_document_key() -> bytes:
    """32 random bytes, one per document (SPEC §7)."""
    return random(DOC_KEY_BYTES)


def content_key(doc_key: bytes) -> bytes:
    """subkey(doc_key, "coffre/v1/content"): the secretstream key (SPEC §7, §8)."""
    return subkey(require_bytes(doc_key, "document key", DOC_KEY_BYTES), purposes.CONTENT)


def metadata_key(doc_key: bytes) -> bytes:
    """subkey(doc_key, "coffre/v1/metadata"): the metadata AEAD key (SPEC §7, §9)."""
    return subkey(require_bytes(doc_key, "document key", DOC_KEY_BYTES), purposes.METADATA)
