"""Format v2 documents through the API (SPEC §24; the v2 contract): an upload bound by
its owner, each binding that does not match what was sent refused with nothing kept,
renames and re-keys that move the version by one, and a download of the first bytes."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.settings import Settings
from crypto import b64decode, b64encode, open_sealed_key, seal_document_key
from crypto.binding import open_document
from crypto.stream_v2 import encrypt_bytes_v2
from tests.factories import make_person, person_material
from tests.factories_v2 import (
    account_id,
    document_v2,
    header_of,
    renamed,
    signed_binding,
    upload_v2,
)


def _rows(settings: Settings, table: str) -> list[dict[str, Any]]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(f"SELECT * FROM {table}")).mappings()]
    engine.dispose()
    return rows


def _nothing_stored(api: TestClient, settings: Settings) -> None:
    assert _rows(settings, "documents") == []
    assert _rows(settings, "sealed_keys") == []
    store = api.app.state.coffre.store  # type: ignore[attr-defined]
    assert list(store.list_objects()) == []
    if settings.storage_backend == "local":
        files = [p for p in Path(settings.storage_dir).rglob("*") if p.is_file()]
        assert files == []


def test_a_v2_upload_is_kept_with_its_binding_and_opens_for_its_owner(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)

    body = upload_v2(api, owner, document)

    assert body["id"] == document.document_id
    assert body["format"] == 2
    assert body["version"] == 1
    assert body["binding"] == document.binding  # the text exactly as sent
    assert body["binding_signer"] == b64encode(owner.keys.sign_public)
    [listed] = api.get("/api/v1/documents", headers=owner.headers).json()["documents"]
    assert listed["binding"] == document.binding
    content = api.get(f"/api/v1/documents/{document.document_id}/content", headers=owner.headers)
    assert content.content == document.ciphertext
    opened = open_document(
        envelope=json.loads(listed["binding"]),
        signer=owner.keys.sign_public,
        document=document.document_id,
        owner=owner_id,
        min_version=1,
        sealed_key=b64decode(listed["sealed_key"]),
        box_public=owner.keys.box_public,
        box_secret=owner.keys.box_secret,
        metadata_blob=b64decode(listed["encrypted_metadata"]),
        stream=content.content,
    )
    assert opened.plaintext == document.plaintext
    [row] = _rows(settings, "documents")
    assert (row["format"], row["version"], row["binding"]) == (2, 1, document.binding)


def _mismatches(owner: Any, owner_id: str, other_id: str) -> dict[str, Any]:
    """Each way an upload's binding can fail to match what was sent."""
    stranger = person_material(3)
    base = document_v2(owner, owner_id)
    flipped = base.ciphertext[:100] + bytes([base.ciphertext[100] ^ 1]) + base.ciphertext[101:]
    cases: dict[str, Any] = {
        "wrong signer": replace(
            base,
            binding=signed_binding(owner, base.parts, sign_seed=stranger.keys.sign_seed),
        ),
        "other document id": replace(
            base, binding=signed_binding(owner, base.parts, document=secrets.token_hex(16))
        ),
        "other owner": replace(base, binding=signed_binding(owner, base.parts, owner=other_id)),
        "version 2": replace(base, binding=signed_binding(owner, base.parts, version=2)),
        "header hash": replace(
            base, binding=signed_binding(owner, base.parts, header_sha256="0" * 64)
        ),
        "ciphertext hash": replace(base, ciphertext=flipped),
        "metadata hash": replace(
            base, binding=signed_binding(owner, base.parts, metadata_sha256="2" * 64)
        ),
        "not JSON": replace(base, binding="{not json"),
    }
    return cases


@pytest.mark.parametrize(
    "case",
    [
        "wrong signer",
        "other document id",
        "other owner",
        "version 2",
        "header hash",
        "ciphertext hash",
        "metadata hash",
        "not JSON",
    ],
)
def test_a_v2_upload_whose_binding_does_not_match_is_refused_and_nothing_is_kept(
    api: TestClient, settings: Settings, case: str
) -> None:
    owner = make_person(api)
    other = make_person(api, slot=1)
    owner_id, other_id = account_id(api, owner), account_id(api, other)
    document = _mismatches(owner, owner_id, other_id)[case]

    response = api.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**owner.headers, **document.headers},
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_binding"
    _nothing_stored(api, settings)


def test_a_v2_upload_of_a_v1_stream_is_refused(api: TestClient, settings: Settings) -> None:
    from crypto import encrypt_bytes

    owner = make_person(api)
    document = document_v2(owner, account_id(api, owner))
    v1_stream = encrypt_bytes(document.doc_key, document.plaintext, 65536)

    response = api.post(
        "/api/v1/documents", content=v1_stream, headers={**owner.headers, **document.headers}
    )

    assert response.json()["error"]["code"] == "invalid_ciphertext"
    _nothing_stored(api, settings)


def test_an_id_already_taken_is_refused(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    first = document_v2(owner, owner_id)
    upload_v2(api, owner, first)
    again = document_v2(owner, owner_id, document_id=first.document_id)

    response = api.post(
        "/api/v1/documents", content=again.ciphertext, headers={**owner.headers, **again.headers}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "document_id_taken"


def test_a_rename_moves_the_version_by_one_and_needs_the_next_binding(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)
    upload_v2(api, owner, document)
    url = f"/api/v1/documents/{document.document_id}"
    blob, binding = renamed(owner, document, "nouveau-nom.pdf", 2)

    without = api.patch(url, json={"encrypted_metadata": b64encode(blob)}, headers=owner.headers)
    stale_blob, stale = renamed(owner, document, "autre.pdf", 1)
    same_version = api.patch(
        url,
        json={"encrypted_metadata": b64encode(stale_blob), "binding": stale},
        headers=owner.headers,
    )
    _, other_blob_binding = renamed(owner, document, "autre.pdf", 2)
    wrong_blob = api.patch(
        url,
        json={"encrypted_metadata": b64encode(blob), "binding": other_blob_binding},
        headers=owner.headers,
    )
    ok = api.patch(
        url, json={"encrypted_metadata": b64encode(blob), "binding": binding}, headers=owner.headers
    )
    expiry_only = api.patch(
        url,
        json={"encrypted_metadata": b64encode(blob), "expires_on": "2031-01-01"},
        headers=owner.headers,
    )

    assert without.json()["error"]["code"] == "format_v1_refused"
    assert same_version.json()["error"]["code"] == "document_changed"
    assert wrong_blob.json()["error"]["code"] == "invalid_binding"
    assert ok.status_code == 200, ok.text
    assert (ok.json()["version"], ok.json()["binding"]) == (2, binding)
    assert expiry_only.status_code == 200, expiry_only.text
    assert (expiry_only.json()["version"], expiry_only.json()["expires_on"]) == (2, "2031-01-01")


def test_a_re_key_stores_the_new_stream_under_the_next_version(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)
    upload_v2(api, owner, document)
    rekeyed = document_v2(
        owner, owner_id, document.plaintext, document_id=document.document_id, version=2
    )
    url = f"/api/v1/documents/{document.document_id}/content"
    headers = {
        **owner.headers,
        "Content-Type": "application/octet-stream",
        "Coffre-Metadata": b64encode(rekeyed.metadata_blob),
        "Coffre-Sealed-Key": b64encode(rekeyed.sealed_key),
    }

    v1_style = api.put(url, content=rekeyed.ciphertext, headers=headers)
    ok = api.put(
        url,
        content=rekeyed.ciphertext,
        headers={**headers, "Coffre-Binding": header_of(rekeyed.binding)},
    )
    replayed = api.put(
        url,
        content=rekeyed.ciphertext,
        headers={**headers, "Coffre-Binding": header_of(rekeyed.binding)},
    )

    assert v1_style.json()["error"]["code"] == "format_v1_refused"
    assert ok.status_code == 200, ok.text
    assert (ok.json()["version"], ok.json()["binding"]) == (2, rekeyed.binding)
    assert api.get(url, headers=owner.headers).content == rekeyed.ciphertext
    assert replayed.json()["error"]["code"] == "document_changed"
    key = open_sealed_key(
        b64decode(ok.json()["sealed_key"]), owner.keys.box_public, owner.keys.box_secret
    )
    assert key == rekeyed.doc_key


def test_a_re_key_whose_stream_is_not_the_bound_one_keeps_the_old_version(
    api: TestClient,
) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)
    upload_v2(api, owner, document)
    rekeyed = document_v2(owner, owner_id, document_id=document.document_id, version=2)
    other = encrypt_bytes_v2(rekeyed.doc_key, b"x" * 10, 65536)
    url = f"/api/v1/documents/{document.document_id}/content"

    response = api.put(
        url,
        content=other,
        headers={
            **owner.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Metadata": b64encode(rekeyed.metadata_blob),
            "Coffre-Sealed-Key": b64encode(
                seal_document_key(rekeyed.doc_key, owner.keys.box_public)
            ),
            "Coffre-Binding": header_of(rekeyed.binding),
        },
    )

    assert response.json()["error"]["code"] == "invalid_binding"
    assert api.get(url, headers=owner.headers).content == document.ciphertext
    got = api.get(f"/api/v1/documents/{document.document_id}", headers=owner.headers).json()
    assert got["version"] == 1


@pytest.mark.parametrize(("end", "expected"), [(32, 33), (64, 65), (10**6, None)])
def test_a_range_from_the_first_byte_gives_those_bytes(
    api: TestClient, end: int, expected: int | None
) -> None:
    owner = make_person(api)
    document = document_v2(owner, account_id(api, owner), secrets.token_bytes(3000))
    upload_v2(api, owner, document)
    url = f"/api/v1/documents/{document.document_id}/content"

    response = api.get(url, headers={**owner.headers, "Range": f"bytes=0-{end}"})

    size = len(document.ciphertext)
    assert response.status_code == 206
    length = expected if expected is not None else size
    assert response.content == document.ciphertext[:length]
    assert response.headers["content-range"] == f"bytes 0-{length - 1}/{size}"
    if length >= 65:
        assert hashlib.sha256(response.content[:65]).hexdigest() == document.parts.header_sha256


@pytest.mark.parametrize("value", ["bytes=5-10", "bytes=0-", "bytes=0-99999999", "lines=0-3"])
def test_any_other_range_gives_the_whole_stream(api: TestClient, value: str) -> None:
    owner = make_person(api)
    document = document_v2(owner, account_id(api, owner))
    upload_v2(api, owner, document)

    response = api.get(
        f"/api/v1/documents/{document.document_id}/content",
        headers={**owner.headers, "Range": value},
    )

    assert response.status_code == 200
    assert response.content == document.ciphertext


def test_the_export_carries_each_document_s_binding(api: TestClient) -> None:
    owner = make_person(api)
    document = document_v2(owner, account_id(api, owner))
    upload_v2(api, owner, document)

    exported = api.post("/api/v1/me/exports", headers=owner.headers)

    assert exported.status_code == 201, exported.text
    [item] = exported.json()["documents"]
    assert (item["format"], item["version"], item["binding"]) == (2, 1, document.binding)
    assert item["binding_signer"] == b64encode(owner.keys.sign_public)
