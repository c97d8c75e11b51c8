"""Format v2 consent receipts (SPEC §24.5): v1's receipt (SPEC §16) whose
documents are named by id, version, key commitment and ciphertext hash, so
that what the person consented to share is fixed to one key and one plaintext.

The receipt is signed by the person; its envelope's signer is the person's
sign key, which the professional compares with the pin the person shows
(SPEC §25) before trusting it for the documents' bindings.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from crypto.commitment import COMMITMENT_BYTES
from crypto.encoding import b64encode
from crypto.errors import InvalidInputError
from crypto.fields import (
    V2,
    format_time,
    read_code,
    read_id,
    read_int,
    read_key,
    read_object,
    read_sha256,
    read_time,
)
from crypto.statements_v2 import CONSENT_RECEIPT

MAX_DOCUMENTS: Final = 20
MAX_PULLS: Final = 100
_MEMBERS: Final = frozenset(
    {
        "v",
        "type",
        "grant",
        "person",
        "professional",
        "structure",
        "purpose",
        "charter_version",
        "documents",
        "not_before",
        "not_after",
        "max_pulls",
        "request",
    }
)
_DOCUMENT: Final = frozenset({"id", "version", "key_commitment", "ciphertext_sha256"})


@dataclass(frozen=True)
class SharedDocumentV2:
    id: str
    version: int
    key_commitment: bytes
    ciphertext_sha256: str

    def members(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "key_commitment": b64encode(self.key_commitment),
            "ciphertext_sha256": self.ciphertext_sha256,
        }


@dataclass(frozen=True)
class ConsentReceiptV2:
    grant: str
    person: str
    professional: str
    structure: str
    purpose: str
    charter_version: int
    documents: tuple[SharedDocumentV2, ...]
    not_before: datetime
    not_after: datetime
    max_pulls: int | None
    request: str | None

    def statement(self) -> dict[str, Any]:
        statement = {
            "v": V2,
            "type": CONSENT_RECEIPT,
            "grant": self.grant,
            "person": self.person,
            "professional": self.professional,
            "structure": self.structure,
            "purpose": self.purpose,
            "charter_version": self.charter_version,
            "documents": [d.members() for d in self.documents],
            "not_before": format_time(self.not_before),
            "not_after": format_time(self.not_after),
            "max_pulls": self.max_pulls,
            "request": self.request,
        }
        read_receipt_v2(statement)
        return statement


def _document(item: object) -> SharedDocumentV2:
    if not isinstance(item, dict) or set(item) != _DOCUMENT:
        raise InvalidInputError(
            "a shared document is {id, version, key_commitment, ciphertext_sha256}"
        )
    return SharedDocumentV2(
        id=read_id(item["id"], "document id"),
        version=read_int(item["version"], "document version", 1, 2**31 - 1),
        key_commitment=read_key(item["key_commitment"], "key_commitment", COMMITMENT_BYTES),
        ciphertext_sha256=read_sha256(item["ciphertext_sha256"], "ciphertext_sha256"),
    )


def read_receipt_v2(statement: object) -> ConsentReceiptV2:
    """The receipt in `statement` (SPEC §24.5), or InvalidInputError /
    UnsupportedVersionError naming what is wrong."""
    s = read_object(statement, _MEMBERS, CONSENT_RECEIPT)
    documents = s["documents"]
    if not isinstance(documents, list) or not 1 <= len(documents) <= MAX_DOCUMENTS:
        raise InvalidInputError(f"documents must list 1 to {MAX_DOCUMENTS} documents")
    shared = tuple(_document(item) for item in documents)
    ids = [d.id for d in shared]
    if ids != sorted(set(ids)):
        raise InvalidInputError("documents must be sorted by id, without duplicates")
    not_before = read_time(s["not_before"], "not_before")
    not_after = read_time(s["not_after"], "not_after")
    if not_after <= not_before:
        raise InvalidInputError("not_after must come after not_before")
    max_pulls = s["max_pulls"]
    request = s["request"]
    return ConsentReceiptV2(
        grant=read_id(s["grant"], "grant"),
        person=read_id(s["person"], "person"),
        professional=read_id(s["professional"], "professional"),
        structure=read_id(s["structure"], "structure"),
        purpose=read_code(s["purpose"], "purpose"),
        charter_version=read_int(s["charter_version"], "charter_version", 1),
        documents=shared,
        not_before=not_before,
        not_after=not_after,
        max_pulls=None if max_pulls is None else read_int(max_pulls, "max_pulls", 1, MAX_PULLS),
        request=None if request is None else read_id(request, "request"),
    )
