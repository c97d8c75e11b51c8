"""Stalled, trickled and piled-up uploads cannot take the service down (issue 14, item 2).

An upload holds a thread while its body streams to the object store. These tests open
uploads that send their headers and a few bytes and then stop, over raw loopback
sockets against a real server, and check that everything else is still answered,
that the stalled ones are cut and leave nothing behind, and that one account or one
address cannot hold more than its share.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.ids import new_id
from coffre.settings import Settings
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
from tests.api.raw_http import (
    RawResponse,
    nothing_received_yet,
    open_request,
    read_response,
)
from tests.consent.world import build_consent_world
from tests.factories import EncryptedDocument, Person, encrypted_document, make_person

# The one timed assertion: a request that is not an upload answers within this bound
# while uploads are stalled (it answers in milliseconds; the bound only catches a hang).
LIVENESS_SECONDS = 6.0
# How long a test waits for an answer it expects, before calling it a hang.
HANG_SECONDS = 60.0


@pytest.fixture
def limits() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, limits: dict[str, Any]) -> Settings:
    """The backend's settings, with the body and upload limits of the test."""
    return settings.model_copy(update=limits)


@pytest.fixture
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=HANG_SECONDS) as client:
        yield client


def _upload_headers(person: Person, document: EncryptedDocument) -> dict[str, str]:
    return {
        **person.headers,
        **document.headers,
        "Content-Length": str(len(document.ciphertext)),
    }


def _stalled_upload(live_server: str, person: Person, document: EncryptedDocument) -> socket.socket:
    """Headers and the first 64 bytes of a real ciphertext, then nothing."""
    headers = _upload_headers(person, document)
    return open_request(live_server, "POST", "/api/v1/documents", headers, document.ciphertext[:64])


def _nothing_left(settings: Settings, request: pytest.FixtureRequest) -> None:
    """No document row, no object, no temp file, no unfinished multipart upload."""
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM sealed_keys")).scalar_one() == 0
    engine.dispose()
    if settings.storage_backend == "local":
        assert [p for p in Path(settings.storage_dir).rglob("*") if p.is_file()] == []
        return
    client = request.getfixturevalue("s3_server").client()
    assert list(client.list_objects(settings.s3_bucket, recursive=True)) == []
    assert list(client._list_multipart_uploads(settings.s3_bucket).uploads) == []  # noqa: SLF001


def _answers(sockets: list[socket.socket]) -> list[RawResponse]:
    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(lambda s: read_response(s, HANG_SECONDS), sockets))


def _close(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


@pytest.mark.parametrize(
    "limits",
    [
        {
            # Longer than the liveness probes may take on a loaded machine, so that they
            # run while every stalled upload is still open (checked below).
            "body_read_timeout_seconds": 12.0,
            "upload_wait_seconds": 12.0,
            # Caps out of the way: 200 uploads from one account and one address all get in.
            "uploads_per_account": 1000,
            "uploads_per_address": 1000,
        }
    ],
    ids=["caps-lifted"],
)
def test_two_hundred_stalled_uploads_leave_everything_else_answering(
    live_server: str,
    http: httpx.Client,
    settings: Settings,
    request: pytest.FixtureRequest,
) -> None:
    visitor = make_person(http, slot=0)  # type: ignore[arg-type]
    someone_else = make_person(http, slot=1)  # type: ignore[arg-type]
    document = encrypted_document(visitor, b"x" * 200_000)
    stalled = [_stalled_upload(live_server, visitor, document) for _ in range(200)]
    try:
        time.sleep(0.5)  # let them all reach the server and start their bodies
        probes = {
            "/api/v1/health": {},
            "/api/v1/me": someone_else.headers,
            "/": {},
        }
        with ThreadPoolExecutor(max_workers=len(probes)) as pool:
            answered = pool.map(
                lambda probe: http.get(probe[0], headers=probe[1], timeout=LIVENESS_SECONDS),
                probes.items(),
            )
            assert [r.status_code for r in answered] == [200] * len(probes)
        # The answers above came while every stalled upload was still open.
        assert all(nothing_received_yet(sock) for sock in stalled)

        answers = _answers(stalled)
    finally:
        _close(stalled)
    # Cut after the read timeout, or refused after waiting for an upload thread in vain.
    codes = {(a.status, a.code) for a in answers}
    assert codes <= {(408, "request_too_slow"), (503, "uploads_busy")}
    assert sum(a.status == 408 for a in answers) >= settings.upload_threads
    assert all(a.headers.get("connection") == "close" for a in answers)
    _nothing_left(settings, request)
    # And the service still takes a real upload.
    response = http.post(
        "/api/v1/documents", content=document.ciphertext, headers=_upload_headers(visitor, document)
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "limits",
    [{"body_read_timeout_seconds": 30.0, "body_min_rate_grace_seconds": 1.0}],
    ids=["rate-floor"],
)
def test_an_upload_trickled_below_the_minimum_rate_is_cut(
    live_server: str, http: httpx.Client, settings: Settings, request: pytest.FixtureRequest
) -> None:
    person = make_person(http)  # type: ignore[arg-type]
    document = encrypted_document(person, b"t" * 100_000)
    sock = _stalled_upload(live_server, person, document)
    answered: list[RawResponse] = []
    reader = threading.Thread(target=lambda: answered.append(read_response(sock, HANG_SECONDS)))
    reader.start()
    try:
        # A byte every 0.2 s: far below the floor, but never silent long enough for the
        # read timeout. Stop when the server answers, or give up well before the timeout.
        give_up = time.monotonic() + settings.body_read_timeout_seconds / 2
        for byte in document.ciphertext[64:]:
            if answered or time.monotonic() > give_up:
                break
            sock.sendall(bytes([byte]))
            time.sleep(0.2)
        reader.join(HANG_SECONDS)
    finally:
        sock.close()
    assert answered, "the trickled upload was still open when the test gave up"
    assert (answered[0].status, answered[0].code) == (408, "request_too_slow")
    _nothing_left(settings, request)


@pytest.mark.parametrize(
    "limits",
    [{"body_min_bytes_per_second": 2000, "body_min_rate_grace_seconds": 1.0}],
    ids=["rate-floor"],
)
def test_an_upload_at_a_slow_but_steady_pace_goes_through(
    live_server: str, http: httpx.Client
) -> None:
    person = make_person(http)  # type: ignore[arg-type]
    document = encrypted_document(person, b"p" * 20_000)
    sock = _stalled_upload(live_server, person, document)
    try:
        # About 8 KB/s, four times the floor: a poor mobile connection, not an attack.
        rest = document.ciphertext[64:]
        for start in range(0, len(rest), 1000):
            sock.sendall(rest[start : start + 1000])
            time.sleep(0.125)
        answer = read_response(sock, HANG_SECONDS)
    finally:
        sock.close()
    assert answer.status == 201, answer.body


def _parallel_stalled(
    live_server: str, uploads: list[tuple[Person, EncryptedDocument]]
) -> list[RawResponse]:
    """Open every upload at once (one thread each), then read every answer."""
    barrier = threading.Barrier(len(uploads))

    def one(upload: tuple[Person, EncryptedDocument]) -> RawResponse:
        person, document = upload
        barrier.wait()
        sock = _stalled_upload(live_server, person, document)
        try:
            return read_response(sock, HANG_SECONDS)
        finally:
            sock.close()

    with ThreadPoolExecutor(max_workers=len(uploads)) as pool:
        return list(pool.map(one, uploads))


@pytest.mark.parametrize(
    "limits",
    [
        {
            "body_read_timeout_seconds": 2.0,
            "uploads_per_account": 3,
            "uploads_per_address": 1000,
        }
    ],
    ids=["3-per-account"],
)
def test_one_account_holds_at_most_its_cap_of_uploads(
    live_server: str, http: httpx.Client, settings: Settings, request: pytest.FixtureRequest
) -> None:
    person = make_person(http)  # type: ignore[arg-type]
    document = encrypted_document(person, b"a" * 100_000)
    answers = _parallel_stalled(live_server, [(person, document)] * 20)

    refused = [a for a in answers if a.status == 429]
    assert len(refused) == 17
    assert {a.code for a in refused} == {"too_many_uploads"}
    assert all(int(a.headers["retry-after"]) > 0 for a in refused)
    assert [(a.status, a.code) for a in answers if a.status != 429] == [
        (408, "request_too_slow")
    ] * 3
    _nothing_left(settings, request)
    # The slots came back: the same account uploads again.
    response = http.post(
        "/api/v1/documents", content=document.ciphertext, headers=_upload_headers(person, document)
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "limits",
    [
        {
            "body_read_timeout_seconds": 2.0,
            "uploads_per_account": 1000,
            "uploads_per_address": 6,
        }
    ],
    ids=["6-per-address"],
)
def test_one_address_holds_at_most_its_cap_of_uploads(
    live_server: str, http: httpx.Client, settings: Settings, request: pytest.FixtureRequest
) -> None:
    persons = [make_person(http, slot=slot) for slot in range(4)]  # type: ignore[arg-type]
    uploads = [(p, encrypted_document(p, b"b" * 100_000)) for p in persons for _ in range(5)]
    answers = _parallel_stalled(live_server, uploads)

    assert (
        sorted((a.status, a.code) for a in answers)
        == [(408, "request_too_slow")] * 6 + [(429, "too_many_uploads")] * 14
    )
    _nothing_left(settings, request)
    person, document = uploads[0]
    response = http.post(
        "/api/v1/documents", content=document.ciphertext, headers=_upload_headers(person, document)
    )
    assert response.status_code == 201, response.text


def _deposit_headers(cw: Any, ciphertext: bytes, doc_key: bytes, deposited_at: Any) -> dict:
    """A professional's deposit of ``ciphertext`` for the consent world's person."""
    statement = Deposit(
        document=new_id(),
        person=cw.person.account_id,
        depositor=cw.professional.account_id,
        structure=cw.world.structure_id,
        category="domicile",
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        deposited_at=deposited_at,
    ).statement()
    metadata = DocumentMetadata(name="a.pdf", mime="application/pdf", size=1, sha256="0" * 64)
    return {
        **cw.professional.headers,
        "Content-Type": "application/octet-stream",
        "Content-Length": str(len(ciphertext)),
        "Coffre-Person": cw.person.account_id,
        "Coffre-Category": "domicile",
        "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, cw.person.keys.box_public)),
        "Coffre-Deposit": b64encode(
            json.dumps(sign_statement(statement, cw.professional.keys.sign_seed)).encode()
        ),
    }


def _objects_match_rows(settings: Settings, request: pytest.FixtureRequest) -> None:
    """One object per document row, no temp file, no unfinished multipart upload."""
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        keys = set(
            conn.execute(
                text("SELECT object_key FROM documents WHERE object_key IS NOT NULL")
            ).scalars()
        )
    engine.dispose()
    if settings.storage_backend == "local":
        root = Path(settings.storage_dir)
        files = [p for p in root.rglob("*") if p.is_file()]
        assert len(files) == len(keys)
        assert not any(".tmp" in p.relative_to(root).parts for p in files)
        return
    client = request.getfixturevalue("s3_server").client()
    objects = {o.object_name for o in client.list_objects(settings.s3_bucket, recursive=True)}
    assert objects == keys
    assert list(client._list_multipart_uploads(settings.s3_bucket).uploads) == []  # noqa: SLF001


@pytest.mark.parametrize(
    "limits",
    [{"body_read_timeout_seconds": 4.0, "uploads_per_account": 1}],
    ids=["1-per-account"],
)
def test_a_stalled_deposit_holds_the_professional_s_slot_then_is_cut(
    api: TestClient,
    live_server: str,
    tmp_path: Path,
    clock: FrozenClock,
    settings: Settings,
    request: pytest.FixtureRequest,
) -> None:
    cw = build_consent_world(api, tmp_path)
    cw.share()  # the link that allows the professional to deposit
    key = new_document_key()
    stalled_body = encrypt_bytes(key, b"attestation de domiciliation" * 1000)
    sock = open_request(
        live_server,
        "POST",
        "/api/v1/deposits",
        _deposit_headers(cw, stalled_body, key, clock.now()),
        stalled_body[:64],
    )
    try:
        time.sleep(1.0)  # the stalled deposit holds the professional's only upload slot
        key = new_document_key()
        second = encrypt_bytes(key, b"avis CAF" * 1000)
        with httpx.Client(base_url=live_server, timeout=HANG_SECONDS) as http:
            busy = http.post(
                "/api/v1/deposits",
                content=second,
                headers=_deposit_headers(cw, second, key, clock.now()),
            )
            assert busy.status_code == 429, busy.text
            assert busy.json()["error"]["code"] == "too_many_uploads"
            assert busy.headers["retry-after"]
            cut = read_response(sock, HANG_SECONDS)
            assert (cut.status, cut.code) == (408, "request_too_slow")
            # The slot came back with the cut.
            again = http.post(
                "/api/v1/deposits",
                content=second,
                headers=_deposit_headers(cw, second, key, clock.now()),
            )
            assert again.status_code == 201, again.text
    finally:
        sock.close()
    _objects_match_rows(settings, request)
