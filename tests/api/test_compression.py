"""gzip on what we write ourselves (pages, JSON, scripts, styles), never on a document's
ciphertext (api/compression.py): prepaid data plans, issue 18 "Data and speed"."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from api.compression import accepts_gzip
from api.cookies import CSRF_COOKIE, SESSION_COOKIE
from crypto import b64encode
from tests.factories import Person, encrypted_document, make_person, person_material, upload

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def _raw(client: TestClient | httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The answer with its body as sent on the wire (not decoded): ``response.content``."""
    with client.stream("GET", path, headers=headers) as response:
        body = b"".join(response.iter_raw())
    response._content = body  # noqa: SLF001 - the wire's bytes, for the assertions
    return response


def _document(api: TestClient | httpx.Client) -> tuple[Person, str, bytes]:
    owner = make_person(api)  # type: ignore[arg-type]
    document = encrypted_document(owner)
    return owner, upload(api, owner, document), document.ciphertext  # type: ignore[arg-type]


def test_the_page_travels_gzipped_to_a_browser_that_accepts_it(api: TestClient) -> None:
    plain = _raw(api, "/", IDENTITY)
    packed = _raw(api, "/", GZIP)

    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 3 < len(plain.content)
    assert packed.headers["cache-control"] == "no-store"  # a page is never kept


@pytest.mark.parametrize("accept", ["identity", "gzip;q=0", "br", ""])
def test_a_client_that_does_not_accept_gzip_gets_the_page_as_it_is(
    api: TestClient, accept: str
) -> None:
    response = _raw(api, "/", {"Accept-Encoding": accept})

    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content.startswith(b"<!doctype html>")
    assert "accept-encoding" in response.headers["vary"].lower()  # for shared caches


def test_api_json_travels_gzipped(api: TestClient) -> None:
    owner = make_person(api)
    for _ in range(3):
        upload(api, owner, encrypted_document(owner))

    response = _raw(api, "/api/v1/documents", {**GZIP, **owner.headers})

    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("application/json")
    listed = httpx.Response(200, content=gzip.decompress(response.content)).json()
    assert len(listed["documents"]) == 3


def test_a_small_answer_is_left_as_it_is(api: TestClient) -> None:
    response = _raw(api, "/api/v1/health", GZIP)

    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_a_ciphertext_download_is_never_compressed_and_keeps_its_length(api: TestClient) -> None:
    owner, document_id, ciphertext = _document(api)
    url = f"/api/v1/documents/{document_id}/content"

    whole = _raw(api, url, {**GZIP, **owner.headers})
    first_bytes = _raw(api, url, {**GZIP, **owner.headers, "Range": "bytes=0-99"})

    assert whole.status_code == 200
    assert "content-encoding" not in whole.headers
    assert "vary" not in whole.headers
    assert whole.headers["content-length"] == str(len(ciphertext))
    assert whole.content == ciphertext
    assert first_bytes.status_code == 206
    assert "content-encoding" not in first_bytes.headers
    assert first_bytes.content == ciphertext[:100]


def test_a_download_streams_through_the_server_untouched(live_server: str) -> None:
    # Through uvicorn: the body arrives as the store streams it, announced by its
    # Content-Length, never re-encoded (a compressor would buffer or chunk it).
    with httpx.Client(base_url=live_server) as client:
        owner, document_id, ciphertext = _document(client)
        url = f"/api/v1/documents/{document_id}/content"
        with client.stream("GET", url, headers={**GZIP, **owner.headers}) as response:
            assert response.status_code == 200
            assert "content-encoding" not in response.headers
            assert "transfer-encoding" not in response.headers
            assert response.headers["content-length"] == str(len(ciphertext))
            chunks = list(response.iter_raw())
        page = _raw(client, "/", GZIP)

    assert b"".join(chunks) == ciphertext
    assert page.headers["content-encoding"] == "gzip"
    assert gzip.decompress(page.content).startswith(b"<!doctype html>")


def test_a_script_keeps_its_etag_and_answers_304_under_gzip(api: TestClient) -> None:
    path = f"{api.app.state.static_prefix}/js/http.js"  # type: ignore[attr-defined]
    first = _raw(api, path, GZIP)
    again = _raw(api, path, {**GZIP, "If-None-Match": first.headers["etag"]})

    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("identity", False),
        ("gzip;q=nonsense", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(value: str, expected: bool) -> None:
    assert accepts_gzip(value) is expected


def test_no_page_carries_the_session_or_its_csrf_token(api: TestClient) -> None:
    # BREACH needs a secret in a compressed body (docs/THREATS.md, "Compression and
    # BREACH"): the session and CSRF tokens travel in cookies and the CSRF header only.
    person = person_material()
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    login = {"login": person.login, "auth_key": b64encode(person.auth_key)}
    assert api.post("/api/v1/auth/web-login", json=login).status_code == 200
    session, csrf = api.cookies[SESSION_COOKIE], api.cookies[CSRF_COOKIE]

    for path in ("/", "/charte", "/console", "/administration", "/structure", "/docs"):
        page = api.get(path, headers=GZIP)
        assert page.status_code == 200, path
        for secret in (session, csrf):
            assert secret not in page.text, path
            assert re.escape(secret) not in page.text, path
    me = api.get("/api/v1/me", headers=GZIP).text
    assert session not in me
    assert csrf not in me


def test_a_download_revalidated_by_its_etag_is_a_bare_304_under_gzip(api: TestClient) -> None:
    owner, document_id, ciphertext = _document(api)
    url = f"/api/v1/documents/{document_id}/content"
    first = _raw(api, url, {**GZIP, **owner.headers})

    again = _raw(api, url, {**GZIP, **owner.headers, "If-None-Match": first.headers["etag"]})

    assert first.content == ciphertext
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert "content-encoding" not in again.headers
