"""Format v2 metadata (SPEC §22): limited members, canonical JSON padded to a
bucket, in a version-2 AEAD blob.

    plaintext = RFC8785({"v": 2, "name", "mime", "size", "sha256"})
    padded    = sodium_pad(plaintext, bucket), bucket = 256, 512 or 1024
    blob      = 0x02 || nonce (24) || XChaCha20-Poly1305(padded,
                ad = "coffre/v2/metadata", key = subkey(doc_key, "coffre/v2/metadata"))

A blob is therefore 297, 553 or 1065 bytes: the server learns only the bucket.
"""

import re
from dataclasses import dataclass
from typing import Any, Final

from crypto import aead
from crypto.commitment import metadata_key_v2
from crypto.encoding import canonical_json
from crypto.errors import InvalidInputError
from crypto.fields import V2, read_int, read_object, read_sha256, read_text
from crypto.jsontext import parse_json
from crypto.padding import CONTENT_SIZE_MAX, METADATA_BUCKETS, pad_metadata, unpad_metadata
from crypto.purposes import AD_METADATA_V2

NAME_MAX_BYTES: Final = 255  # a file name, as most file systems allow
MIME_MAX_BYTES: Final = 127  # RFC 6838 §4.2: type and subtype of at most 127 characters each
BLOB_SIZES: Final = tuple(aead.OVERHEAD + b for b in METADATA_BUCKETS)  # 297, 553, 1065
# RFC 6838 §4.2 restricted-name, lower case: type "/" subtype.
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
_MEMBERS: Final = frozenset({"v", "name", "mime", "size", "sha256"})


@dataclass(frozen=True)
class DocumentMetadataV2:
    """What the server must not see about a document (SPEC §22)."""

    name: str
    mime: str
    size: int
    sha256: str  # lowercase hex SHA-256 of the plaintext

    def __post_init__(self) -> None:
        read_text(self.name, "metadata name", NAME_MAX_BYTES)
        if not isinstance(self.mime, str) or _MIME.fullmatch(self.mime) is None:
            raise InvalidInputError("metadata mime must be a lower-case type/subtype")
        read_int(self.size, "metadata size", 0, CONTENT_SIZE_MAX)
        read_sha256(self.sha256, "metadata sha256")

    def to_json(self) -> dict[str, Any]:
        return {
            "v": V2,
            "name": self.name,
            "mime": self.mime,
            "size": self.size,
            "sha256": self.sha256,
        }


def metadata_plaintext_v2(meta: DocumentMetadataV2) -> bytes:
    """RFC 8785 canonical JSON of meta.to_json(), before padding (SPEC §22)."""
    if not isinstance(meta, DocumentMetadataV2):
        raise InvalidInputError("meta must be DocumentMetadataV2")
    return canonical_json(meta.to_json())


def encrypt_metadata_v2(
    doc_key: bytes, meta: DocumentMetadataV2, *, nonce: bytes | None = None
) -> bytes:
    """The v2 metadata blob (SPEC §22). `nonce`: test vectors only."""
    padded = pad_metadata(metadata_plaintext_v2(meta))
    return aead.seal_blob(
        metadata_key_v2(doc_key), padded, AD_METADATA_V2, nonce=nonce, version=aead.VERSION_V2
    )


def decrypt_metadata_v2(doc_key: bytes, blob: bytes) -> DocumentMetadataV2:
    """Open a v2 metadata blob (SPEC §22.2): DecryptionError on a wrong key or
    tampering, UnsupportedVersionError for another blob or inner version, and
    InvalidInputError for a blob that is not a bucket size, padding that is not
    canonical, JSON that is not strict and canonical, or members out of range."""
    data = bytes(blob) if isinstance(blob, bytes | bytearray | memoryview) else blob
    if isinstance(data, bytes) and len(data) >= 1 and data[0] == aead.VERSION_V2:
        if len(data) not in BLOB_SIZES:
            raise InvalidInputError("a v2 metadata blob is 297, 553 or 1065 bytes")
    padded = aead.open_blob(metadata_key_v2(doc_key), data, AD_METADATA_V2, version=aead.VERSION_V2)
    plaintext = unpad_metadata(padded)
    obj = read_object(parse_json(plaintext), _MEMBERS, "")
    meta = DocumentMetadataV2(
        name=obj["name"], mime=obj["mime"], size=obj["size"], sha256=obj["sha256"]
    )
    if metadata_plaintext_v2(meta) != plaintext:
        raise InvalidInputError("metadata plaintext is not canonical JSON")
    return meta
