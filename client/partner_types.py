"""The partner client's values and its own errors (client/partner.py uses them; every
name here is re-exported there): grants, receipts, pulled and deposited documents as
typed dataclasses read from the API's bodies; the refusals the client raises itself,
before anything is decrypted; and ``safe_name`` for file names chosen by someone else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from client.api import ApiError
from crypto.pins import pin_spoken

Outcome = Literal["right_opened", "document_unreadable", "document_missing"]
OUTCOMES: tuple[Outcome, ...] = ("right_opened", "document_unreadable", "document_missing")
GrantState = Literal["active", "ended", "revoked"]
Progress = Callable[[int], None]


class ReceiptRefused(ApiError):
    """The pull came without a consent receipt, or with one that does not verify or
    does not name this grant, professional and document: nothing was decrypted.
    Raised locally (status 0); ``code`` is stable (docs/ERRORS.md)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(0, code, message)


RECEIPT_MISSING_FR = (
    "Le serveur n'a pas joint le reçu de consentement signé par la personne : rien n'a "
    "été déchiffré. Réessayez ; si cela continue, signalez-le."
)
RECEIPT_NOT_FOR_DOCUMENT_FR = (
    "Le reçu de consentement ne nomme pas ce document : la personne ne l'a pas partagé "
    "dans ce partage. Rien n'a été déchiffré. Signalez-le."
)


class PersonKeyChanged(ApiError):
    """The receipt is signed by another key than the one this machine trusted for the
    person: nothing opens until the professional compared the new key's code with the
    person's phone (``PartnerClient.trust_person_key``). Raised locally."""

    def __init__(self, person_id: str, new_key: bytes) -> None:
        super().__init__(
            0,
            "person_key_changed",
            "La clé de signature de cette personne a changé depuis votre dernier échange : "
            "rien ne s'ouvre avant que vous l'ayez vérifiée. Demandez-lui le code affiché "
            f"sur son téléphone et comparez-le à celui-ci : {pin_spoken(new_key)}.",
        )
        self.person_id = person_id
        self.new_key = new_key


@dataclass(frozen=True)
class GrantDocument:
    """One document a grant covers (``open``: the professional can still pull it)."""

    id: str
    category: str
    ciphertext_size: int
    open: bool


@dataclass(frozen=True)
class Grant:
    """A grant made to this professional, as ``GET /grants/received`` lists it."""

    id: str
    state: str
    person_id: str
    person_login: str
    structure_id: str
    purpose: str
    purpose_label: str
    reason_required: bool
    not_before: datetime
    not_after: datetime
    max_pulls: int | None
    pulls: int
    pulls_left: int | None
    documents: tuple[GrantDocument, ...]
    # Why a pull would be refused now (French), None when it would go through.
    blocked: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Grant:
        return cls(
            id=str(body["id"]),
            state=str(body["state"]),
            person_id=str(body["person_id"]),
            person_login=str(body.get("person_login", "")),
            structure_id=str(body.get("structure_id", "")),
            purpose=str(body["purpose"]),
            purpose_label=str(body.get("purpose_label", body["purpose"])),
            reason_required=bool(body.get("reason_required", False)),
            not_before=datetime.fromisoformat(str(body["not_before"])),
            not_after=datetime.fromisoformat(str(body["not_after"])),
            max_pulls=body.get("max_pulls"),
            pulls=int(body.get("pulls", 0)),
            pulls_left=body.get("pulls_left"),
            documents=tuple(
                GrantDocument(
                    id=str(d["id"]),
                    category=str(d["category"]),
                    ciphertext_size=int(d["ciphertext_size"]),
                    open=bool(d.get("open", True)),
                )
                for d in body.get("documents", [])
            ),
            blocked=body.get("blocked"),
            raw=body,
        )


@dataclass(frozen=True)
class Receipt:
    """A grant's consent receipt as ``GET /grants/{id}/receipt`` serves it: the
    receipt exactly as the person signed it, and what a verifier needs."""

    grant_id: str
    format: int
    receipt: str
    person_key: str | None
    verified_by_server: bool
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> str:
        """The endpoint's body, as ``coffre receipt verify`` reads it from a file."""
        return json.dumps(self.raw, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class PulledDocument:
    """A granted document, decrypted and written to ``path`` after every check."""

    grant_id: str
    document_id: str
    person_id: str
    path: Path
    name: str
    mime: str
    size: int
    sha256: str
    category: str
    version: int | None
    pulls_left: int | None
    # The receipt as the person signed it (JSON text), verified before decrypting.
    receipt: str


@dataclass(frozen=True)
class Deposited:
    """A document deposited into a person's vault (the depositor cannot read it back)."""

    id: str
    person_id: str
    category: str
    ciphertext_sha256: str
    created_at: datetime


def safe_name(name: str, fallback: str = "document") -> str:
    """A file name chosen by someone else (the person's metadata), made safe to write
    in a folder: no directory part, no control or reserved character, no leading dot,
    at most 120 characters (the extension kept)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join("_" if ord(c) < 32 or c in '<>:"|?*\x7f' else c for c in base)
    cleaned = cleaned.strip().lstrip(".").strip()
    if not cleaned:
        return fallback
    if len(cleaned) > 120:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 119 - len(ext)]}.{ext}" if dot and len(ext) <= 16 else cleaned[:120]
    return cleaned
