"""Format v2 document subkeys and the key commitment (SPEC §20).

The document key is still 32 random bytes (SPEC §7); v2 derives its subkeys
with v2 purpose strings, and one more value: the key commitment, a keyed
BLAKE2b of a fixed purpose under the document key. It is public (it sits in
the stream header and in the signed binding) and, BLAKE2b being collision
resistant, no second key gives the same commitment: a v2 stream or document
opens under one key only (SPEC §14.6).
"""

import hmac
from typing import Final

from crypto import purposes
from crypto._checks import require_bytes
from crypto.document_key import DOC_KEY_BYTES
from crypto.subkeys import subkey

COMMITMENT_BYTES: Final = 32


def content_key_v2(doc_key: bytes) -> bytes:
    """subkey(doc_key, "coffre/v2/content"): the v2 secretstream key (SPEC §20)."""
    return subkey(require_bytes(doc_key, "document key", DOC_KEY_BYTES), purposes.CONTENT_V2)


def metadata_key_v2(doc_key: bytes) -> bytes:
    """subkey(doc_key, "coffre/v2/metadata"): the v2 metadata AEAD key (SPEC §20)."""
    return subkey(require_bytes(doc_key, "document key", DOC_KEY_BYTES), purposes.METADATA_V2)


def key_commitment(doc_key: bytes) -> bytes:
    """subkey(doc_key, "coffre/v2/commitment"): 32 public bytes that fix the
    document key (SPEC §20)."""
    return subkey(require_bytes(doc_key, "document key", DOC_KEY_BYTES), purposes.COMMITMENT_V2)


def commits_to(doc_key: bytes, commitment: bytes) -> bool:
    """True when `commitment` is the key commitment of `doc_key` (constant time)."""
    expected = key_commitment(doc_key)
    given = require_bytes(commitment, "key commitment", COMMITMENT_BYTES)
    return hmac.compare_digest(expected, given)
