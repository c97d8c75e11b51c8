"""A deposit is stored once, even sent by parallel requests (issue 14, item 1's class).

Real threads send one signed deposit (one statement, one document id) 20 times at
once to a live server on both backends: one is stored, recorded and told to the
person; the others get ``invalid_deposit``, the answer a later call gets for a
statement whose document id is taken (before: a 500 from the primary key), and leave
no object behind.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.ids import new_id
from coffre.notifications.models import Notification
from coffre.settings import Settings
from coffre.vault.models import Document
from crypto import (
    DocumentMetadata,
    b64encode,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    seal_document_key,
    sign_statement,
)
from crypto.consent import Deposit
from tests.concurrency import burst
from tests.consent.world import ConsentWorld, build_consent_world

PARALLEL = 20
ROUNDS = 4


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Room for the whole burst under the per-account upload cap (api/upload.py): what
    # is tested here is the deposit, not that cap.
    return settings.model_copy(
        update={
            "upload_threads": PARALLEL,
            "uploads_per_account": PARALLEL,
            "uploads_per_address": PARALLEL,
        }
    )


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _signed_deposit(cw: ConsentWorld) -> tuple[str, bytes, dict[str, str]]:
    """One deposit as ``client.consent.deposit`` makes it: (document id, body, headers)."""
    content = b"attestation de domiciliation"
    doc_key = new_document_key()
    metadata = DocumentMetadata(
        name="attestation.pdf",
        mime="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    ciphertext = encrypt_bytes(doc_key, content)
    document_id = new_id()
    statement = Deposit(
        document=document_id,
        person=cw.person.account_id,
        depositor=cw.professional.account_id,
        structure=cw.world.structure_id,
        category="domicile",
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        deposited_at=datetime.now(UTC).replace(microsecond=0),
    ).statement()
    envelope = sign_statement(statement, cw.professional.keys.sign_seed)
    headers = {
        **cw.professional.headers,
        "Content-Type": "application/octet-stream",
        "Coffre-Person": cw.person.account_id,
        "Coffre-Category": "domicile",
        "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, cw.person.keys.box_public)),
        "Coffre-Deposit": b64encode(json.dumps(envelope).encode("utf-8")),
    }
    return document_id, ciphertext, headers


def _count(coffre: Coffre, query: object) -> int:
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(query) or 0)  # type: ignore[call-overload]


def test_twenty_parallel_sends_of_one_deposit_store_record_and_tell_once(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    coffre: Coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    cw.share()  # the link a deposit needs
    objects_before = len(list(coffre.store.list_objects()))
    for round_ in range(ROUNDS):
        document_id, body, headers = _signed_deposit(cw)

        def send(_i: int, body: bytes = body, headers: dict[str, str] = headers) -> tuple[int, str]:
            response = http.post("/api/v1/deposits", content=body, headers=headers)
            code = "" if response.status_code == 201 else response.json()["error"]["code"]
            return response.status_code, code

        outcomes = Counter(burst(PARALLEL, send))
        assert outcomes == {(201, ""): 1, (422, "invalid_deposit"): PARALLEL - 1}
        assert send(0) == (422, "invalid_deposit")
        entries = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "document.deposit", AuditEntry.object_id == document_id
        )
        assert _count(coffre, entries) == 1
        told = select(func.count(Notification.id)).where(
            Notification.account_id == cw.person.account_id,
            Notification.kind == "deposit.received",
        )
        assert _count(coffre, told) == round_ + 1
        assert (
            _count(coffre, select(func.count(Document.id)).where(Document.id == document_id)) == 1
        )
        # The losers' uploaded objects were removed: one object more per round.
        assert len(list(coffre.store.list_objects())) == objects_before + round_ + 1
