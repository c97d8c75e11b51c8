"""Consent receipts and deposit statements (SPEC §16).

Both are signed statements (SPEC §11) built by a client: the person signs a consent
receipt when sharing documents with a professional; a professional signs a deposit
when putting a document into a person's vault. This module builds them and checks
their shape; ``verify_statement`` checks the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from crypto.errors import InvalidInputError

RECEIPT_TYPE: Final = "coffre/consent-receipt"
DEPOSIT_TYPE: Final = "coffre/deposit"
MAX_DOCUMENTS: Final = 20
MAX_PULLS: Final = 100
TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"

_ID = re.compile(r"^[0-9a-f]{32}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
_RECEIPT_FIELDS: Final = frozenset(
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
_DEPOSIT_FIELDS: Final = frozenset(
    {
        "v",
        "type",
        "document",
        "person",
        "depositor",
        "structure",
        "category",
        "ciphertext_sha256",
        "deposited_at",
    }
)


@dataclass(frozen=True)
class SharedDocument:
    id: str
    ciphertext_sha256: str


@dataclass(frozen=True)
class ConsentReceipt:
    """A consent receipt's content, checked for shape (not for its signature)."""

    grant: str
    person: str
    professional: str
    structure: str
    purpose: str
    charter_version: int
    documents: tuple[SharedDocument, ...]
    not_before: datetime
    not_after: datetime
    max_pulls: int | None
    request: str | None

    def statement(self) -> dict[str, Any]:
        return {
            "v": 1,
            "type": RECEIPT_TYPE,
            "grant": self.grant,
            "person": self.person,
            "professional": self.professional,
            "structure": self.structure,
            "purpose": self.purpose,
            "charter_version": self.charter_version,
            "documents": [
                {"id": d.id, "ciphertext_sha256": d.ciphertext_sha256} for d in self.documents
            ],
            "not_before": format_time(self.not_before),
            "not_after": format_time(self.not_after),
            "max_pulls": self.max_pulls,
            "request": self.request,
        }


@dataclass(frozen=True)
class Deposit:
    """A deposit statement's content, checked for shape."""

    document: str
    person: str
    depositor: str
    structure: str
    category: str
    ciphertext_sha256: str
    deposited_at: datetime

    def statement(self) -> dict[str, Any]:
        return {
            "v": 1,
            "type": DEPOSIT_TYPE,
            "document": self.document,
            "person": self.person,
            "depositor": self.depositor,
            "structure": self.structure,
            "category": self.category,
            "ciphertext_sha256": self.ciphertext_sha256,
            "deposited_at": format_time(self.deposited_at),
        }


def format_time(moment: datetime) -> str:
    """UTC, whole seconds: ``YYYY-MM-DDTHH:MM:SSZ``."""
    if moment.tzinfo is None:
        raise InvalidInputError("time must carry a time zone")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: object, name: str) -> datetime:
    if not isinstance(text, str) or not _TIME.match(text):
        raise InvalidInputError(f"{name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInputError(f"{name} is not a real date") from exc


def read_receipt(statement: dict[str, Any]) -> ConsentReceipt:
    """The receipt in ``statement``, or InvalidInputError naming what is wrong."""
    _exact(statement, _RECEIPT_FIELDS, RECEIPT_TYPE)
    documents = statement["documents"]
    if not isinstance(documents, list) or not 1 <= len(documents) <= MAX_DOCUMENTS:
        raise InvalidInputError(f"documents must list 1 to {MAX_DOCUMENTS} documents")
    shared = tuple(_shared(item) for item in documents)
    ids = [d.id for d in shared]
    if ids != sorted(set(ids)):
        raise InvalidInputError("documents must be sorted by id, without duplicates")
    not_before = parse_time(statement["not_before"], "not_before")
    not_after = parse_time(statement["not_after"], "not_after")
    if not_after <= not_before:
        raise InvalidInputError("not_after must come after not_before")
    max_pulls = statement["max_pulls"]
    if max_pulls is not None and (
        isinstance(max_pulls, bool)
        or not isinstance(max_pulls, int)
        or not 1 <= max_pulls <= MAX_PULLS
    ):
        raise InvalidInputError(f"max_pulls must be null or 1 to {MAX_PULLS}")
    version = statement["charter_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidInputError("charter_version must be a positive integer")
    request = statement["request"]
    return ConsentReceipt(
        grant=_id(statement["grant"], "grant"),
        person=_id(statement["person"], "person"),
        professional=_id(statement["professional"], "professional"),
        structure=_id(statement["structure"], "structure"),
        purpose=_code(statement["purpose"], "purpose"),
        charter_version=version,
        documents=shared,
        not_before=not_before,
        not_after=not_after,
        max_pulls=max_pulls,
        request=None if request is None else _id(request, "request"),
    )


def read_deposit(statement: dict[str, Any]) -> Deposit:
    """The deposit in ``statement``, or InvalidInputError naming what is wrong."""
    _exact(statement, _DEPOSIT_FIELDS, DEPOSIT_TYPE)
    return Deposit(
        document=_id(statement["document"], "document"),
        person=_id(statement["person"], "person"),
        depositor=_id(statement["depositor"], "depositor"),
        structure=_id(statement["structure"], "structure"),
        category=_code(statement["category"], "category"),
        ciphertext_sha256=_sha256(statement["ciphertext_sha256"], "ciphertext_sha256"),
        deposited_at=parse_time(statement["deposited_at"], "deposited_at"),
    )


def _exact(statement: object, fields: frozenset[str], kind: str) -> None:
    if not isinstance(statement, dict):
        raise InvalidInputError("statement must be a JSON object")
    if set(statement) != fields:
        raise InvalidInputError(f"a {kind} statement has exactly: {', '.join(sorted(fields))}")
    if statement["v"] != 1 or isinstance(statement["v"], bool) or statement["type"] != kind:
        raise InvalidInputError(f"not a version 1 {kind} statement")


def _shared(item: object) -> SharedDocument:
    if not isinstance(item, dict) or set(item) != {"id", "ciphertext_sha256"}:
        raise InvalidInputError('each document is {"id", "ciphertext_sha256"}')
    return SharedDocument(
        id=_id(item["id"], "document id"),
        ciphertext_sha256=_sha256(item["ciphertext_sha256"], "ciphertext_sha256"),
    )


def _id(value: object, name: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidInputError(f"{name} must be 32 lowercase hex characters")
    return value


def _sha256(value: object, name: str) -> str:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise InvalidInputError(f"{name} must be 64 lowercase hex characters")
    return value


def _code(value: object, name: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise InvalidInputError(f"{name} must be a short lowercase code")
    return value
