"""``PartnerClient``: a partner's integration with Coffre, over a personal access token.

A CAF agent's script, a SIAO's batch or an MDPH tool acts for one professional with
a token (``coffre_pat_…``, made in the professional's page, scoped and expiring) and
the professional's keys from a key file (client/keyfile.py) that never leaves the
partner's machine. The client is a library of its own: it imports ``crypto`` and the
rest of ``client`` only, never the server (import-linter keeps it so).

    from client.keyfile import open_key_file
    from client.partner import PartnerClient

    keys = open_key_file(Path("pro.key"))            # passphrase from the OS keyring
    with PartnerClient("https://coffre.example", token, keys) as coffre:
        for grant in coffre.grants(state="active"):
            for document in grant.documents:
                pulled = coffre.pull(grant.id, document.id, Path("inbox"))
        coffre.report_outcome(grant.id, "right_opened")

What each call checks (docs/PARTNERS.md, "Client"):

- ``pull`` streams the ciphertext; the consent receipt the person signed arrives in
  the ``Coffre-Receipt`` header and is verified *before* anything is decrypted
  (client/receipts.py: the person's signature, with the person's key as format v2
  defines it, and what it names: this grant, this professional, this document).
  No receipt, or one that does not verify: ``ReceiptRefused``, nothing decrypted,
  nothing written. Then the document's binding under the same key, at least the
  receipt's version, with the receipt's key commitment and ciphertext hash (SPEC
  §24.4, §24.5); the file appears only once every check passed (temporary file,
  renamed at the end). The person's key is trusted on first use and remembered
  (client/memory.py): a changed key opens nothing (``PersonKeyChanged``).
- ``deposit`` seals the document to the person's box key and signs a v2 deposit
  statement with the professional's key (SPEC §24.3).
- Rate limits, idempotency keys and ETags: client/partner_http.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from client.consent import deposit_v2_headers
from client.documents_v2 import guess_mime, header_envelope, seal_v2, v2_metadata
from client.keyfile import PartnerKeys
from client.memory import ReaderMemory
from client.partner_http import RateLimited, RetryPolicy, TokenTransport
from client.partner_types import (
    OUTCOMES,
    RECEIPT_MISSING_FR,
    RECEIPT_NOT_FOR_DOCUMENT_FR,
    Deposited,
    Grant,
    GrantDocument,
    GrantState,
    Outcome,
    PersonKeyChanged,
    Progress,
    PulledDocument,
    Receipt,
    ReceiptRefused,
    safe_name,
)
from client.receipts import CODES, ReceiptInvalid, receipt_from_header, verify_receipt
from crypto import (
    DocumentMetadata,
    DocumentMetadataV2,
    b64decode,
    decrypt_metadata,
    decrypt_stream,
    open_sealed_key,
)
from crypto.binding import open_document_stream
from crypto.consent_v2 import SharedDocumentV2
from crypto.errors import BindingError, CryptoError
from crypto.statements_v2 import envelope_signer
from crypto.stream import write_verified

READ_SIZE = 256 * 1024

__all__ = [
    "OUTCOMES",
    "Deposited",
    "Grant",
    "GrantDocument",
    "GrantState",
    "Outcome",
    "PartnerClient",
    "PersonKeyChanged",
    "Progress",
    "PulledDocument",
    "RateLimited",
    "Receipt",
    "ReceiptRefused",
    "RetryPolicy",
    "safe_name",
]


@dataclass(frozen=True)
class _CheckedReceipt:
    """What a verified receipt fixes for one document's pull."""

    text: str
    person_id: str
    signer: bytes
    version: int | None  # None: a v1 receipt
    key_commitment: bytes | None
    ciphertext_sha256: str


class PartnerClient:
    """Typed calls over a personal access token (see the module's documentation).

    ``keys``: the professional's keys (client/keyfile.py), needed to pull and to
    deposit; listing, receipts, outcomes and requests need only the token.
    ``memory``: what this machine remembers against rollback and key substitution
    (the persons' keys, the versions seen); pass a ``ReaderMemory(path)`` to keep it
    between runs. ``retry``: the bounds of waiting out ``429`` (client/partner_http.py).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        keys: PartnerKeys | None = None,
        *,
        http: httpx.Client | None = None,
        timeout: float = 60.0,
        memory: ReaderMemory | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if sleep is None:
            import time

            sleep = time.sleep
        self._transport = TokenTransport(
            base_url, token, http=http, timeout=timeout, retry=retry, sleep=sleep
        )
        self.keys = keys
        self.memory = memory if memory is not None else ReaderMemory()

    def __repr__(self) -> str:
        return f"PartnerClient({self._transport!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> PartnerClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _require_keys(self) -> PartnerKeys:
        if self.keys is None:
            raise ValueError("pulling or depositing needs the professional's keys (key file)")
        return self.keys

    # -- grants -----------------------------------------------------------------------
    def grants_page(
        self,
        *,
        person: str | None = None,
        purpose: str | None = None,
        state: GrantState | None = None,
        ending_before: datetime | date | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> tuple[list[Grant], str | None]:
        """One page of the grants made to me, and the cursor of the next (None: last).
        Polled with its ETag: an unchanged page costs the server no body."""
        params = {
            "person": person,
            "purpose": purpose,
            "state": state,
            "ending_before": None if ending_before is None else ending_before.isoformat(),
            "cursor": cursor,
            "limit": limit,
        }
        _, body = self._transport.request("GET", "/grants/received", params=params, poll=True)
        items = [Grant.from_body(item) for item in body["items"]]
        next_cursor = body.get("next_cursor")
        return items, None if next_cursor is None else str(next_cursor)

    def grants(
        self,
        *,
        person: str | None = None,
        purpose: str | None = None,
        state: GrantState | None = None,
        ending_before: datetime | date | None = None,
        page_size: int | None = None,
    ) -> Iterator[Grant]:
        """Every grant made to me that matches the filters, following the cursor."""
        cursor: str | None = None
        while True:
            items, cursor = self.grants_page(
                person=person,
                purpose=purpose,
                state=state,
                ending_before=ending_before,
                cursor=cursor,
                limit=page_size,
            )
            yield from items
            if cursor is None:
                return

    def grant(self, grant_id: str) -> Grant:
        """One grant made to me (404 ``not_found`` for any other id)."""
        _, body = self._transport.request("GET", f"/grants/{_seg(grant_id)}", poll=True)
        return Grant.from_body(body)

    def receipt(self, grant_id: str) -> Receipt:
        """The grant's consent receipt, as stored, with what a verifier needs."""
        _, body = self._transport.request("GET", f"/grants/{_seg(grant_id)}/receipt", poll=True)
        return Receipt(
            grant_id=str(body["grant_id"]),
            format=int(body["format"]),
            receipt=str(body["receipt"]),
            person_key=None if body.get("person_key") is None else str(body["person_key"]),
            verified_by_server=bool(body.get("verified_by_server", False)),
            raw=body,
        )

    def report_outcome(self, grant_id: str, outcome: Outcome) -> dict[str, Any]:
        """Tell the person what came of the pulled documents ("droit ouvert", "pièce
        illisible", "pièce manquante"): in their history and a notification."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        _, body = self._transport.request(
            "POST", f"/grants/{_seg(grant_id)}/outcome", json={"outcome": outcome}, idempotent=True
        )
        return dict(body or {})

    # -- requests and deposits ----------------------------------------------------------
    def request_document(
        self,
        *,
        person_login: str,
        structure_id: str,
        purpose: str,
        category: str,
        message: str | None = None,
        due_on: date | None = None,
    ) -> str:
        """Ask a person for a document; returns the request's id. Accepted whether or
        not the login names someone (the server reveals no account)."""
        body = {
            "person_login": person_login,
            "structure_id": structure_id,
            "purpose": purpose,
            "category": category,
            "message": message,
            "due_on": None if due_on is None else due_on.isoformat(),
        }
        _, answer = self._transport.request("POST", "/requests", json=body, idempotent=True)
        return str(answer["id"])

    def deposit(
        self,
        person_id: str,
        path: Path,
        *,
        structure_id: str,
        category: str,
        name: str | None = None,
        mime: str | None = None,
        now: datetime | None = None,
        progress: Progress | None = None,
    ) -> Deposited:
        """Encrypt ``path`` to the person and put it into their vault with a v2 deposit
        statement signed by the professional (SPEC §24.3)."""
        partner = self._require_keys()
        path = Path(path)
        _, box = self._transport.request("GET", f"/persons/{_seg(person_id)}/box-key")
        box_key = b64decode(str(box["box_public_key"]))
        digest, size = hashlib.sha256(), 0
        for chunk in _file_chunks(path):
            digest.update(chunk)
            size += len(chunk)
        metadata = v2_metadata(
            name or path.name, mime or guess_mime(path), size, digest.hexdigest()
        )
        sealed = seal_v2(_file_chunks(path), metadata)
        try:
            headers = deposit_v2_headers(
                sealed,
                box_key,
                partner.keys.sign_seed,
                depositor_id=partner.account_id,
                structure_id=structure_id,
                person_id=person_id,
                category=category,
                now=now,
            )
            _, answer = self._transport.request(
                "POST",
                "/deposits",
                body=lambda: sealed.stream.chunks(progress),
                headers=headers,
                idempotent=True,
            )
        finally:
            sealed.stream.close()
        return Deposited(
            id=str(answer["id"]),
            person_id=str(answer["person_id"]),
            category=str(answer["category"]),
            ciphertext_sha256=str(answer["ciphertext_sha256"]),
            created_at=datetime.fromisoformat(str(answer["created_at"])),
        )

    # -- pulling ------------------------------------------------------------------------
    def trust_person_key(self, person_id: str, sign_public_key: bytes) -> None:
        """Trust (again) a person's sign key, once its code was compared with the one
        on the person's phone (SPEC §25)."""
        partner = self._require_keys()
        self.memory.trust_person_key(partner.account_id, person_id, sign_public_key)

    def pull(
        self,
        grant_id: str,
        document_id: str,
        dest: Path,
        *,
        reason: str | None = None,
        progress: Progress | None = None,
    ) -> PulledDocument:
        """Pull one granted document, check it and write it decrypted.

        ``dest``: the file to write, or an existing folder (the file is then named
        ``<document id>-<name the person gave it>``, made safe). The receipt is
        verified before anything is decrypted; the file appears only when every
        check passed. Recorded and told to the person, like every pull; ``reason``
        when the charter requires one for the grant's purpose."""
        partner = self._require_keys()
        me = partner.account_id
        path = f"/grants/{_seg(grant_id)}/documents/{_seg(document_id)}/pull"
        with self._transport.stream("POST", path, json={"reason": reason}) as response:
            headers = response.headers
            checked = self._check_receipt(headers.get("Coffre-Receipt"), grant_id, document_id)
            stream = _counted(response.iter_bytes(READ_SIZE), progress)
            sealed_key = b64decode(headers["Coffre-Sealed-Key"])
            metadata_blob = b64decode(headers["Coffre-Metadata"])
            version: int | None = None
            metadata: DocumentMetadata | DocumentMetadataV2
            if "Coffre-Binding" in headers:
                min_version = self.memory.min_version(me, document_id)
                if checked.version is not None:
                    min_version = max(min_version, checked.version)
                reader = open_document_stream(
                    envelope=header_envelope(headers["Coffre-Binding"]),
                    signer=checked.signer,
                    document=document_id,
                    owner=checked.person_id,
                    min_version=min_version,
                    sealed_key=sealed_key,
                    box_public=partner.keys.box_public,
                    box_secret=partner.keys.box_secret,
                    metadata_blob=metadata_blob,
                    stream=stream,
                )
                if reader.parts.ciphertext_sha256 != checked.ciphertext_sha256 or (
                    checked.key_commitment is not None
                    and reader.parts.key_commitment != checked.key_commitment
                ):
                    raise BindingError("the document is not the one the person shared")
                metadata, plaintext, version = (
                    reader.metadata,
                    reader.plaintext,
                    reader.parts.version,
                )
            elif checked.version is None:
                # Shared in v1 and never bound: the receipt fixes the ciphertext hash.
                doc_key = open_sealed_key(
                    sealed_key, partner.keys.box_public, partner.keys.box_secret
                )
                metadata = decrypt_metadata(doc_key, metadata_blob)
                plaintext = _v1_checked(doc_key, stream, checked.ciphertext_sha256, metadata)
            else:
                raise BindingError("a document shared in format v2 comes with its binding")
            target = Path(dest)
            if target.is_dir():
                target = target / safe_name(f"{document_id}-{metadata.name}")
            plain_digest = hashlib.sha256()
            size = write_verified(_digested(plaintext, plain_digest), target)
            left = headers.get("Coffre-Pulls-Left")
            category = headers.get("Coffre-Category", "")
        if version is not None:
            self.memory.saw(me, document_id, version)
        return PulledDocument(
            grant_id=grant_id,
            document_id=document_id,
            person_id=checked.person_id,
            path=target,
            name=metadata.name,
            mime=metadata.mime,
            size=size,
            sha256=plain_digest.hexdigest(),
            category=category,
            version=version,
            pulls_left=None if left is None else int(left),
            receipt=checked.text,
        )

    def _check_receipt(
        self, header: str | None, grant_id: str, document_id: str
    ) -> _CheckedReceipt:
        """The receipt of the ``Coffre-Receipt`` header, verified (client/receipts.py)
        under the person's trusted key, naming this grant, me and this document."""
        partner = self._require_keys()
        if not header:
            raise ReceiptRefused("receipt_missing", RECEIPT_MISSING_FR)
        known: bytes | None = None
        envelope: object = None
        try:
            text = receipt_from_header(header)
            parsed: Any = json.loads(text)
            envelope = parsed
            person = str(parsed["statement"]["person"])
            # The key this machine trusts for the person; the first time, the one that
            # signed (trust on first use, SPEC §14.6, then remembered).
            known = self.memory.person_key(partner.account_id, person)
            signer = known if known is not None else envelope_signer(envelope)
            verified = verify_receipt(
                text, None, grant_id=grant_id, professional_id=partner.account_id, person_key=signer
            )
        except ReceiptInvalid as exc:
            if exc.code == "receipt_forged" and known is not None:
                # Signed, but not by the key trusted for this person.
                changed = _signer_or_none(envelope)
                if changed is not None and changed != known:
                    raise PersonKeyChanged(person, changed) from exc
            raise ReceiptRefused(exc.code, exc.message_fr) from exc
        except (ValueError, KeyError, TypeError, CryptoError) as exc:
            raise ReceiptRefused("receipt_malformed", CODES["receipt_malformed"]) from exc
        receipt = verified.receipt
        entry = next((d for d in receipt.documents if d.id == document_id), None)
        if entry is None:
            raise ReceiptRefused("receipt_not_for_document", RECEIPT_NOT_FOR_DOCUMENT_FR)
        if known is None:
            self.memory.trust_person_key(partner.account_id, receipt.person, signer)
        return _CheckedReceipt(
            text=text,
            person_id=receipt.person,
            signer=signer,
            version=entry.version if isinstance(entry, SharedDocumentV2) else None,
            key_commitment=entry.key_commitment if isinstance(entry, SharedDocumentV2) else None,
            ciphertext_sha256=str(entry.ciphertext_sha256),
        )


def _signer_or_none(envelope: object) -> bytes | None:
    try:
        return envelope_signer(envelope)
    except CryptoError:
        return None


def _seg(value: str) -> str:
    return quote(value, safe="")


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ_SIZE):
            yield chunk


def _counted(chunks: Iterator[bytes], progress: Progress | None) -> Iterator[bytes]:
    for chunk in chunks:
        if progress is not None:
            progress(len(chunk))
        yield chunk


def _digested(chunks: Iterator[bytes], digest: Any) -> Iterator[bytes]:
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def _v1_checked(
    doc_key: bytes,
    stream: Iterator[bytes],
    ciphertext_sha256: str,
    metadata: DocumentMetadata | DocumentMetadataV2,
) -> Iterator[bytes]:
    """A v1 stream decrypted piece by piece; at its end the ciphertext must be the one
    the receipt names and the plaintext the one the metadata describes (else
    BindingError, and write_verified removes what was written)."""
    cipher_digest, plain_digest, size = hashlib.sha256(), hashlib.sha256(), 0

    def hashed() -> Iterator[bytes]:
        for chunk in stream:
            cipher_digest.update(chunk)
            yield chunk

    for piece in decrypt_stream(doc_key, hashed()):
        plain_digest.update(piece)
        size += len(piece)
        yield piece
    if cipher_digest.hexdigest() != ciphertext_sha256:
        raise BindingError("the document is not the one the person shared")
    if size != metadata.size or plain_digest.hexdigest() != metadata.sha256:
        raise BindingError("the metadata does not describe this content")
