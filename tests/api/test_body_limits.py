"""Every request body has a size limit by route, refused early with 413 (issue 14, item 2).

One unauthenticated 60 MB body to /auth/prelogin used to be read whole into memory.
The limits live in one ASGI middleware (api/body_limits.py): a declared length over
the limit is refused before the body is read, a chunked one as soon as it passes.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.body_limits import route_limits
from coffre.settings import Settings
from tests.api.raw_http import RawResponse, chunk, open_request, read_response
from tests.factories import encrypted_document, make_person, upload

HANG_SECONDS = 60.0
SIXTY_MB = 60 * 1024 * 1024


@pytest.fixture
def limits() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, limits: dict[str, Any]) -> Settings:
    """The backend's settings, with the body limits of the test."""
    return settings.model_copy(update=limits)


def _json_of_size(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    skeleton = b'{"login": ""}'
    return skeleton[:-2] + b"a" * (size - len(skeleton)) + skeleton[-2:]


def _assert_standard_error(response: Any, status: int, code: str) -> None:
    if isinstance(response, RawResponse):
        actual, body = response.status, response.json
    else:
        actual, body = response.status_code, response.json()
    assert actual == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]  # French, says what to do


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/prelogin"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/accounts"),
        ("POST", "/api/v1/grants"),
        ("PATCH", "/api/v1/documents/0123456789abcdef0123456789abcdef"),
        ("DELETE", "/api/v1/me"),
    ],
)
def test_a_json_body_over_the_limit_is_refused_with_413(
    api: TestClient, settings: Settings, method: str, path: str
) -> None:
    response = api.request(
        method,
        path,
        content=_json_of_size(settings.max_body_bytes + 1),
        headers={"Content-Type": "application/json"},
    )
    _assert_standard_error(response, 413, "request_too_large")
    assert response.headers["connection"] == "close"
    assert response.headers["x-content-type-options"] == "nosniff"  # the usual headers too


def test_a_json_body_at_the_limit_reaches_its_route(api: TestClient, settings: Settings) -> None:
    response = api.post(
        "/api/v1/auth/prelogin",
        content=_json_of_size(settings.max_body_bytes),
        headers={"Content-Type": "application/json"},
    )
    # The route read it and refused the over-long login: the body was passed on whole.
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == "body.login"


def test_the_routes_with_their_own_limits_exist(settings: Settings) -> None:
    app = create_app(settings)
    paths = app.openapi()["paths"]
    for method, path, _ in route_limits(settings):
        assert method.lower() in paths.get(path, {}), (method, path)


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    live_server: str,
) -> None:
    sock = open_request(
        live_server,
        "POST",
        "/api/v1/auth/prelogin",
        {"Content-Type": "application/json", "Content-Length": str(SIXTY_MB)},
    )
    try:
        response = read_response(sock, HANG_SECONDS)  # not a byte of the body was sent
    finally:
        sock.close()
    _assert_standard_error(response, 413, "request_too_large")
    assert response.headers["connection"] == "close"


def test_an_upload_declaring_too_much_is_refused_before_its_body_is_sent(
    live_server: str,
) -> None:
    with httpx.Client(base_url=live_server, timeout=HANG_SECONDS) as http:
        owner = make_person(http)  # type: ignore[arg-type]
    document = encrypted_document(owner, b"d" * 1000)
    sock = open_request(
        live_server,
        "POST",
        "/api/v1/documents",
        {**owner.headers, **document.headers, "Content-Length": str(10 * SIXTY_MB)},
    )
    try:
        response = read_response(sock, HANG_SECONDS)  # not a byte of the body was sent
    finally:
        sock.close()
    _assert_standard_error(response, 413, "document_too_large")
    assert response.headers["connection"] == "close"


def _send_chunked_until_answered(
    live_server: str, path: str, headers: dict[str, str], piece: bytes, most: int
) -> tuple[RawResponse, int]:
    """Send a chunked body piece by piece until the server answers; return what was sent."""
    sock = open_request(live_server, "POST", path, {**headers, "Transfer-Encoding": "chunked"})
    answered: list[RawResponse] = []
    reader = threading.Thread(target=lambda: answered.append(read_response(sock, HANG_SECONDS)))
    reader.start()
    sent = 0
    try:
        while not answered and sent < most:
            try:
                sock.sendall(chunk(piece))
            except OSError:  # the server answered and closed the connection
                break
            sent += len(piece)
        reader.join(HANG_SECONDS)
    finally:
        sock.close()
    assert answered, "no answer"
    return answered[0], sent


def test_a_chunked_json_body_is_cut_once_past_the_limit(live_server: str) -> None:
    response, sent = _send_chunked_until_answered(
        live_server,
        "/api/v1/auth/prelogin",
        {"Content-Type": "application/json"},
        b" " * 16384,
        SIXTY_MB,
    )
    _assert_standard_error(response, 413, "request_too_large")
    assert response.headers["connection"] == "close"
    assert sent < SIXTY_MB  # answered long before the 60 MB were sent


def test_a_chunked_charter_over_its_limit_gets_the_charter_error(live_server: str) -> None:
    response, _ = _send_chunked_until_answered(
        live_server,
        "/api/v1/charters",
        {"Content-Type": "application/toml"},
        b"#" * 16384,
        SIXTY_MB,
    )
    _assert_standard_error(response, 413, "charter_too_large")


@pytest.mark.parametrize("limits", [{"body_read_timeout_seconds": 1.0}], ids=["1s"])
def test_a_json_body_that_stops_arriving_is_cut(live_server: str) -> None:
    sock = open_request(
        live_server,
        "POST",
        "/api/v1/auth/prelogin",
        {"Content-Type": "application/json", "Content-Length": "100"},
        b'{"login": ',
    )
    try:
        response = read_response(sock, HANG_SECONDS)
    finally:
        sock.close()
    _assert_standard_error(response, 408, "request_too_slow")
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("limits", [{"body_read_timeout_seconds": 1.0}], ids=["1s"])
def test_a_content_replacement_that_stops_arriving_is_cut_and_the_old_content_stays(
    live_server: str,
) -> None:
    with httpx.Client(base_url=live_server, timeout=HANG_SECONDS) as http:
        owner = make_person(http)  # type: ignore[arg-type]
        original = encrypted_document(owner, b"o" * 50_000)
        document_id = upload(http, owner, original)  # type: ignore[arg-type]
        replacement = encrypted_document(owner, b"r" * 50_000)
        sock = open_request(
            live_server,
            "PUT",
            f"/api/v1/documents/{document_id}/content",
            {
                **owner.headers,
                "Coffre-Metadata": replacement.headers["Coffre-Metadata"],
                "Coffre-Sealed-Key": replacement.headers["Coffre-Sealed-Key"],
                "Content-Type": "application/octet-stream",
                "Content-Length": str(len(replacement.ciphertext)),
            },
            replacement.ciphertext[:64],
        )
        try:
            response = read_response(sock, HANG_SECONDS)
        finally:
            sock.close()
        _assert_standard_error(response, 408, "request_too_slow")
        content = http.get(f"/api/v1/documents/{document_id}/content", headers=owner.headers)
        assert content.content == original.ciphertext
