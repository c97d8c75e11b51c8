"""A document's encrypted metadata: name, type, size, digest (SPEC §9)."""

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from crypto import aead
from crypto.document_key import metadata_key
from crypto.encoding import canonical_json
from crypto.errors import InvalidInputError, UnsupportedVersionError
from crypto.purposes import AD_METADATA

METADATA_VERSION: Final = 1
SIZE_MAX: Final = 2**53 - 1  # largest integer JSON carries exactly (RFC 8785, I-JSON)
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_FIELDS: Final = frozenset({"v", "name", "mime", "size", "sha256"})


@dataclass(frozen=True)
class DocumentMetadata:
    """What the server must not see about a document (SPEC §9)."""

    name: str
    mime: str
    size: int
    sha256: str  # lowercase hex SHA-256 of the plaintext

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not isinstance(self.mime, str):
            raise InvalidInputError("metadata name and mime must be strings")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise InvalidInputError("metadata size must be an integer")
        if not 0 <= self.size <= SIZE_MAX:
            raise InvalidInputError("metadata size is out of range")
        if not isinstance(self.sha256, str) or _SHA256_HEX.fullmatch(self.sha256) is None:
            raise InvalidInputError("metadata sha256 must be 64 lowercase hex digits")

    def to_json(self) -> dict[str, Any]:
        """The plaintext object: {"v": 1, "name", "mime", "size", "sha256"}."""
        return {
            "v": METADATA_VERSION,
            "name": self.name,
            "mime": self.mime,
            "size": self.size,
            "sha256": self.sha256,
        }


def metadata_plaintext(meta: DocumentMetadata) -> bytes:
    """RFC 8785 canonical JSON of meta.to_json() (SPEC §9)."""
    return canonical_json(meta.to_json())


def encrypt_metadata(
    doc_key: bytes, meta: DocumentMetadata, *, nonce: bytes | None = None
) -> bytes:
    """0x01 || nonce || AEAD(canonical JSON, ad "coffre/v1/metadata") under
    subkey(doc_key, "coffre/v1/metadata") (SPEC §9). `nonce`: vectors only."""
    if not isinstance(meta, DocumentMetadata):
        raise InvalidInputError("meta must be DocumentMetadata")
    return aead.seal_blob(metadata_key(doc_key), metadata_plaintext(meta), AD_METADATA, nonce=nonce)


def decrypt_metadata(doc_key: bytes, blob: bytes) -> DocumentMetadata:
    """Inverse of encrypt_metadata (SPEC §9). DecryptionError on a wrong key or
    tampering; InvalidInputError if the authenticated plaintext is not the
    canonical JSON of exactly the five fields."""
    plaintext = aead.open_blob(metadata_key(doc_key), blob, AD_METADATA)
    try:
        obj = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInputError("metadata plaintext is not JSON") from exc
    if not isinstance(obj, dict) or set(obj) != _FIELDS:
        raise InvalidInputError("metadata must have exactly v, name, mime, size, sha256")
    if obj["v"] != METADATA_VERSION or isinstance(obj["v"], bool):
        raise UnsupportedVersionError("unsupported metadata version")
    meta = DocumentMetadata(
        name=obj["name"], mime=obj["mime"], size=obj["size"], sha256=obj["sha256"]
    )
    if metadata_plaintext(meta) != plaintext:
        raise InvalidInputError("metadata plaintext is not canonical JSON")
    return meta
