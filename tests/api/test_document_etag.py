"""A document's download carries a strong ETag (its ciphertext's SHA-256) and answers
304 to ``If-None-Match`` naming it, so the page that kept the ciphertext of a document
opened once (web/static/js/doc-cache.js) does not download it again. Who may read the
document is decided first: anyone else gets "not found", with or without the header."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.audit.models import AuditEntry
from crypto import b64encode
from tests.factories import Person, encrypted_document, make_person, upload
from tests.factories_v2 import account_id, document_v2, header_of, renamed, upload_v2

UNKNOWN = "0" * 32


def _url(document_id: str) -> str:
    return f"/api/v1/documents/{document_id}/content"


def _downloads(api: TestClient, document_id: str) -> int:
    """How many openings of the document the trail holds."""
    with api.app.state.coffre.db.unit_of_work() as db:  # type: ignore[attr-defined]
        return len(
            db.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "document.download",
                    AuditEntry.object_id == document_id,
                )
            ).all()
        )


def _one_document(api: TestClient) -> tuple[Person, str, bytes]:
    owner = make_person(api)
    document = encrypted_document(owner)
    return owner, upload(api, owner, document), document.ciphertext


def test_a_download_carries_a_strong_etag_naming_its_bytes(api: TestClient) -> None:
    owner, document_id, ciphertext = _one_document(api)

    first = api.get(_url(document_id), headers=owner.headers)
    again = api.get(_url(document_id), headers=owner.headers)

    assert first.status_code == 200
    assert first.headers["etag"] == f'"{hashlib.sha256(ciphertext).hexdigest()}"'
    assert again.headers["etag"] == first.headers["etag"]
    assert first.headers["cache-control"] == "no-store"  # the page keeps it, not the browser
    listed = api.get("/api/v1/documents", headers=owner.headers).json()["documents"][0]
    assert first.headers["etag"] == f'"{listed["ciphertext_sha256"]}"'


def test_the_etag_held_answers_304_without_a_body(api: TestClient) -> None:
    owner, document_id, _ = _one_document(api)
    etag = api.get(_url(document_id), headers=owner.headers).headers["etag"]

    for held in (etag, f"W/{etag}", f'"{"a" * 64}", {etag}', "*"):
        response = api.get(_url(document_id), headers={**owner.headers, "If-None-Match": held})
        assert response.status_code == 304, held
        assert response.content == b""
        assert response.headers["etag"] == etag


def test_another_etag_gets_the_whole_body(api: TestClient) -> None:
    owner, document_id, ciphertext = _one_document(api)

    for held in (f'"{"a" * 64}"', "not-a-tag", '"x"', ""):
        response = api.get(_url(document_id), headers={**owner.headers, "If-None-Match": held})
        assert response.status_code == 200, held
        assert response.content == ciphertext
        assert response.headers["etag"] == f'"{hashlib.sha256(ciphertext).hexdigest()}"'


def test_a_304_is_an_opening_kept_in_the_trail_like_a_download(api: TestClient) -> None:
    owner, document_id, _ = _one_document(api)
    etag = api.get(_url(document_id), headers=owner.headers).headers["etag"]
    api.get(_url(document_id), headers={**owner.headers, "If-None-Match": etag})

    assert _downloads(api, document_id) == 2


def test_someone_else_gets_not_found_with_or_without_the_etag(api: TestClient) -> None:
    owner, document_id, _ = _one_document(api)
    etag = api.get(_url(document_id), headers=owner.headers).headers["etag"]
    other = make_person(api, slot=1, login="bilal")
    unknown = api.get(_url(UNKNOWN), headers=other.headers)

    for held in ({}, {"If-None-Match": etag}, {"If-None-Match": "*"}):
        refused = api.get(_url(document_id), headers={**other.headers, **held})
        assert refused.status_code == 404, held
        assert refused.json() == unknown.json()
        assert "etag" not in refused.headers
        anonymous = api.get(_url(document_id), headers=held)
        assert anonymous.status_code == 401
        assert "etag" not in anonymous.headers
    assert _downloads(api, document_id) == 1  # the owner's only


def test_a_deleted_document_is_not_found_even_with_its_etag(api: TestClient) -> None:
    owner, document_id, _ = _one_document(api)
    etag = api.get(_url(document_id), headers=owner.headers).headers["etag"]
    assert api.delete(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 204

    response = api.get(_url(document_id), headers={**owner.headers, "If-None-Match": etag})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"


def test_a_rename_keeps_the_etag_and_a_re_key_changes_it(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)
    upload_v2(api, owner, document)
    url = _url(document.document_id)
    etag = api.get(url, headers=owner.headers).headers["etag"]

    blob, binding = renamed(owner, document, "impots.pdf", version=2)
    patched = api.patch(
        f"/api/v1/documents/{document.document_id}",
        json={"encrypted_metadata": b64encode(blob), "binding": binding},
        headers=owner.headers,
    )
    assert patched.status_code == 200, patched.text
    assert api.get(url, headers={**owner.headers, "If-None-Match": etag}).status_code == 304

    rekeyed = document_v2(
        owner, owner_id, document.plaintext, document_id=document.document_id, version=3
    )
    replaced = api.put(
        url,
        content=rekeyed.ciphertext,
        headers={
            **owner.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Metadata": b64encode(rekeyed.metadata_blob),
            "Coffre-Sealed-Key": b64encode(rekeyed.sealed_key),
            "Coffre-Binding": header_of(rekeyed.binding),
        },
    )
    assert replaced.status_code == 200, replaced.text
    after = api.get(url, headers={**owner.headers, "If-None-Match": etag})
    assert after.status_code == 200
    assert after.content == rekeyed.ciphertext
    assert after.headers["etag"] == f'"{hashlib.sha256(rekeyed.ciphertext).hexdigest()}"'


def test_a_range_read_carries_the_etag_and_a_held_one_answers_304(api: TestClient) -> None:
    owner, document_id, ciphertext = _one_document(api)
    etag = f'"{hashlib.sha256(ciphertext).hexdigest()}"'
    ranged = {**owner.headers, "Range": "bytes=0-23"}

    head = api.get(_url(document_id), headers=ranged)
    held = api.get(_url(document_id), headers={**ranged, "If-None-Match": etag})

    assert (head.status_code, head.headers["etag"], head.content) == (206, etag, ciphertext[:24])
    assert (held.status_code, held.content) == (304, b"")


def test_twenty_parallel_revalidations_each_answer_304_and_are_each_kept(
    live_server: str, api: TestClient
) -> None:
    # `api` and `live_server` share the settings: one database and one store.
    owner, document_id, _ = _one_document(api)
    etag = api.get(_url(document_id), headers=owner.headers).headers["etag"]
    headers = {**owner.headers, "If-None-Match": etag}

    with httpx.Client(base_url=live_server, timeout=30) as client:

        def revalidate(_: int) -> tuple[int, bytes]:
            response = client.get(_url(document_id), headers=headers)
            return response.status_code, response.content

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(revalidate, range(20)))

    assert answers == [(304, b"")] * 20
    assert _downloads(api, document_id) == 21
