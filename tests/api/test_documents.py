"""The encrypted document round trip through the API, and every error a client can cause."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.settings import Settings
from coffre.storage import ObjectStore
from crypto import b64decode, decrypt_bytes, decrypt_metadata, open_sealed_key
from tests.factories import encrypted_document, make_person, upload


def _rows(settings: Settings, table: str) -> list[dict]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(f"SELECT * FROM {table}")).mappings()]
    engine.dispose()
    return rows


def _store(api: TestClient) -> ObjectStore:
    return api.app.state.coffre.store  # type: ignore[attr-defined,no-any-return]


def _nothing_stored(api: TestClient, settings: Settings) -> None:
    assert _rows(settings, "documents") == []
    assert _rows(settings, "sealed_keys") == []
    if settings.storage_backend == "local":
        files = [p for p in Path(settings.storage_dir).rglob("*") if p.is_file()]
        assert files == []


def test_a_document_comes_back_byte_identical(api: TestClient) -> None:
    owner = make_person(api)
    document = encrypted_document(owner, secrets.token_bytes(300_000))
    document_id = upload(api, owner, document)

    listing = api.get("/api/v1/documents", headers=owner.headers).json()["documents"]
    assert [d["id"] for d in listing] == [document_id]
    entry = listing[0]
    assert entry["category"] == "impots"
    assert entry["ciphertext_size"] == len(document.ciphertext)
    doc_key = open_sealed_key(
        b64decode(entry["sealed_key"]), owner.keys.box_public, owner.keys.box_secret
    )
    assert (
        decrypt_metadata(doc_key, b64decode(entry["encrypted_metadata"])).name
        == "avis-imposition-2025.pdf"
    )

    response = api.get(f"/api/v1/documents/{document_id}/content", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.content == document.ciphertext
    assert decrypt_bytes(doc_key, response.content) == document.plaintext


def test_the_server_keeps_neither_the_content_nor_the_file_name(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    marker = b"NUMERO-FISCAL-1234567890123 " * 2000
    document = encrypted_document(owner, marker, name="avis-impot-dupont-marie.pdf")
    document_id = upload(api, owner, document)
    [row] = _rows(settings, "documents")
    raw_object = b"".join(_store(api).open_stream(row["object_key"]))
    assert raw_object == document.ciphertext
    dumps = [raw_object] + [
        b"".join(v if isinstance(v, bytes) else str(v).encode() for v in r.values())
        for table in ("documents", "sealed_keys", "accounts")
        for r in _rows(settings, table)
    ]
    for blob in dumps:
        assert b"NUMERO-FISCAL" not in blob
        assert b"dupont-marie" not in blob
    assert document_id not in row["object_key"]  # object names are random, not ids


def test_someone_elses_document_is_indistinguishable_from_an_unknown_one(api: TestClient) -> None:
    owner = make_person(api, slot=0)
    other = make_person(api, slot=1)
    document_id = upload(api, owner, encrypted_document(owner))
    unknown = secrets.token_hex(16)
    for path in ("", "/content"):
        theirs = api.get(f"/api/v1/documents/{document_id}{path}", headers=other.headers)
        missing = api.get(f"/api/v1/documents/{unknown}{path}", headers=other.headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
        assert theirs.json()["error"]["code"] == "document_not_found"
    assert api.delete(f"/api/v1/documents/{document_id}", headers=other.headers).status_code == 404
    assert api.get("/api/v1/documents", headers=other.headers).json()["documents"] == []
    assert api.get(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 200


def test_a_malformed_document_id_is_just_not_found(api: TestClient) -> None:
    owner = make_person(api)
    for bad in ("1", "../../etc/passwd", "Z" * 32):
        response = api.get(f"/api/v1/documents/{bad}", headers=owner.headers)
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"Coffre-Category": "passeport-volé".encode()}, 422, "invalid_category"),
        ({"Coffre-Category": "santé".encode()}, 422, "invalid_category"),
        ({"Coffre-Metadata": "%%%"}, 422, "invalid_metadata"),
        ({"Coffre-Metadata": "AAAA"}, 422, "invalid_metadata"),
        ({"Coffre-Sealed-Key": "AAAA"}, 422, "invalid_sealed_key"),
    ],
)
def test_bad_upload_headers_get_a_clear_error_and_store_nothing(
    api: TestClient, settings: Settings, change: dict[str, str], status: int, code: str
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner, b"x" * 1000)
    headers = {**owner.headers, **document.headers, **change}
    response = api.post("/api/v1/documents", content=document.ciphertext, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    _nothing_stored(api, settings)


def test_missing_upload_headers_are_an_invalid_request(api: TestClient, settings: Settings) -> None:
    owner = make_person(api)
    response = api.post("/api/v1/documents", content=b"x", headers=owner.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    _nothing_stored(api, settings)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda c: b"XXXX" + c[4:], id="bad-magic"),
        pytest.param(lambda c: c[:4] + b"\x02" + c[5:], id="wrong-version"),
        pytest.param(lambda c: c[:5] + b"\x00\x00\x00\x10" + c[9:], id="chunk-size-out-of-range"),
        # A final chunk shorter than its 17-byte tag: no v1 stream has this length.
        pytest.param(lambda c: c[: 33 + 1041 + 5], id="impossible-length"),
        pytest.param(lambda c: c[:20], id="shorter-than-a-header"),
        pytest.param(lambda c: b"", id="empty"),
    ],
)
def test_what_cannot_be_a_v1_stream_is_refused_and_nothing_is_kept(
    api: TestClient, settings: Settings, mangle
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner, b"y" * 5000, chunk_size=1024)
    response = api.post(
        "/api/v1/documents",
        content=mangle(document.ciphertext),
        headers={**owner.headers, **document.headers},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_ciphertext"
    _nothing_stored(api, settings)


def test_a_declared_size_over_the_limit_is_refused_before_reading(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner, b"z" * 100)
    headers = {
        **owner.headers,
        **document.headers,
        "Content-Length": str(settings.max_document_bytes + 1),
    }

    def body() -> Iterator[bytes]:
        yield document.ciphertext

    response = api.post("/api/v1/documents", content=body(), headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "document_too_large"
    _nothing_stored(api, settings)


def test_a_streamed_body_over_the_limit_is_cut_off_and_nothing_is_kept(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    plaintext = secrets.token_bytes(settings.max_document_bytes + 200_000)
    document = encrypted_document(owner, plaintext)

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while streaming
        for start in range(0, len(document.ciphertext), 1 << 20):
            yield document.ciphertext[start : start + (1 << 20)]

    response = api.post(
        "/api/v1/documents", content=chunked(), headers={**owner.headers, **document.headers}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "document_too_large"
    _nothing_stored(api, settings)


def test_deleting_a_document_shreds_its_keys_and_its_object(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    document_id = upload(api, owner, encrypted_document(owner))
    [row] = _rows(settings, "documents")
    object_key = row["object_key"]
    assert _store(api).exists(object_key)

    assert api.delete(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 204

    assert api.get("/api/v1/documents", headers=owner.headers).json()["documents"] == []
    assert api.get(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 404
    assert (
        api.get(f"/api/v1/documents/{document_id}/content", headers=owner.headers).status_code
        == 404
    )
    assert api.delete(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 404
    assert not _store(api).exists(object_key)
    assert _rows(settings, "sealed_keys") == []
    [tombstone] = _rows(settings, "documents")
    assert tombstone["deleted_at"] is not None
    assert tombstone["encrypted_metadata"] is None
    assert tombstone["object_key"] is None
    assert tombstone["object_purged_at"] is not None


def test_the_category_list_is_the_fixed_french_list(api: TestClient) -> None:
    categories = api.get("/api/v1/categories").json()["categories"]
    codes = [c["code"] for c in categories]
    assert {"identite", "domicile", "ressources", "caf", "titre-sejour", "autre"} <= set(codes)
    assert {c["label"] for c in categories} >= {"Identité", "Titre de séjour"}


def test_health_answers_when_database_and_storage_do(api: TestClient) -> None:
    assert api.get("/api/v1/health").json() == {"status": "ok"}


def test_an_unknown_route_gets_the_same_json_error_shape(api: TestClient) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_rename_replaces_the_metadata_and_the_expiry_date(api: TestClient) -> None:
    from crypto import DocumentMetadata, b64encode, encrypt_metadata

    owner = make_person(api)
    document = encrypted_document(owner, name="scan.jpg", category="titre-sejour")
    headers = {**owner.headers, **document.headers, "Coffre-Expires-On": "2027-03-31"}
    response = api.post("/api/v1/documents", content=document.ciphertext, headers=headers)
    assert response.status_code == 201
    assert response.json()["expires_on"] == "2027-03-31"
    document_id = response.json()["id"]
    renamed = DocumentMetadata(
        name="Titre de séjour", mime="application/pdf", size=1, sha256="0" * 64
    )
    patch = {
        "encrypted_metadata": b64encode(encrypt_metadata(document.doc_key, renamed)),
        "expires_on": "2028-01-15",
    }
    updated = api.patch(f"/api/v1/documents/{document_id}", json=patch, headers=owner.headers)
    assert updated.status_code == 200
    body = updated.json()
    assert body["expires_on"] == "2028-01-15" and body["updated_at"]
    assert decrypt_metadata(document.doc_key, b64decode(body["encrypted_metadata"])).name == (
        "Titre de séjour"
    )


def test_someone_else_cannot_rename_a_document(api: TestClient) -> None:
    owner = make_person(api, slot=0)
    other = make_person(api, slot=1)
    document = encrypted_document(owner)
    document_id = upload(api, owner, document)
    patch = {"encrypted_metadata": document.headers["Coffre-Metadata"], "expires_on": None}
    response = api.patch(f"/api/v1/documents/{document_id}", json=patch, headers=other.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"


@pytest.mark.parametrize("value", ["31/03/2027", "2027-02-30", "1850-01-01"])
def test_an_unusable_expiry_date_is_refused_and_nothing_is_stored(
    api: TestClient, settings: Settings, value: str
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner)
    headers = {**owner.headers, **document.headers, "Coffre-Expires-On": value}
    response = api.post("/api/v1/documents", content=document.ciphertext, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_expiry_date"
    _nothing_stored(api, settings)
