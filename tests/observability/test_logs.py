"""The logs (coffre/logs.py): one JSON object per line, the request id on each line a
request wrote, route templates; and nothing of what a journey's people typed or hold."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coffre.logs import LogFormat, configure
from coffre.settings import Settings
from crypto import b64encode
from tests.factories import PASSPHRASE
from tests.observability.journey import PULL_ROUTE, walk


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The process's log, as ``coffre serve`` configures it, written to a buffer."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    access = logging.getLogger("uvicorn.access").disabled
    stream = io.StringIO()
    configure("json", stream=stream)
    # The tests' HTTP client (the caller, not the server) logs each URL it asks for.
    client = logging.getLogger("httpx2")
    client_level = client.level
    client.setLevel(logging.WARNING)
    try:
        yield stream
    finally:
        client.setLevel(client_level)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        logging.getLogger("uvicorn.access").disabled = access


def test_a_journey_leaves_no_secret_login_person_id_or_document_in_the_log(
    api: TestClient, settings: Settings, tmp_path: Path, captured: io.StringIO
) -> None:
    journey = walk(api, tmp_path)
    # A request the application fails on (its traceback is logged) would be another
    # way out for a value: the stranger's pull above went through the refusals' path.
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]

    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) >= 20
    for line in requests:
        assert line["logger"] == "coffre.access"
        assert {"time", "level", "request_id", "route", "method", "status", "duration_ms"} <= set(
            line
        )
        assert line["route"].startswith(("/", "unmatched"))
    pulls = [line for line in requests if line["route"] == PULL_ROUTE]
    assert [line["status"] for line in pulls] == [200, 404, 403]
    assert len({line["request_id"] for line in requests}) == len(requests)

    cw = journey.world
    people = (cw.world.admin, cw.world.structure_admin, cw.professional, cw.person)
    secrets = {
        "passphrase": PASSPHRASE,
        "secret key": settings.secret_key,
        "grant": journey.grant_id,
        "document": cw.identity,
        "document content": "carte d'identite",
        "document name": "identite.txt",
    }
    for who in people:
        secrets[f"login {who.login}"] = who.login
        secrets[f"id of {who.login}"] = who.account_id
        secrets[f"token of {who.login}"] = who.token
        secrets[f"auth key of {who.login}"] = b64encode(who.auth_key)
        secrets[f"keyring of {who.login}"] = str(who.signup_body["wrapped_keyring"])
    found = [what for what, value in secrets.items() if value and value in text]
    assert found == []


def test_a_line_written_during_a_request_carries_its_request_id(
    api: TestClient, captured: io.StringIO
) -> None:
    rid = "journey-0123456789"
    api.get("/api/v1/health", headers={"X-Request-ID": rid})
    api.get("/api/v1/health")
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    health = [line for line in lines if line.get("route") == "/api/v1/health"]
    assert [line["request_id"] == rid for line in health] == [True, False]
    assert all(line["level"] == "info" and line["status"] == 200 for line in health)
    # Outside a request, no request id is left behind in the context.
    logging.getLogger("coffre.test").warning("after the requests")
    last = json.loads(captured.getvalue().splitlines()[-1])
    assert last["event"] == "after the requests"
    assert "request_id" not in last


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_a_logged_traceback_shows_code_lines_never_the_frames_values(
    captured: io.StringIO, log_format: LogFormat
) -> None:
    stream = io.StringIO()
    configure(log_format, stream=stream)

    def fails(passphrase: str) -> None:
        raise ValueError("wrong")

    secret = f"{PASSPHRASE} 7"  # not in the code line the traceback quotes
    try:
        fails(secret)
    except ValueError:
        logging.getLogger("coffre.test").exception("the job failed")
    text = stream.getvalue()
    assert "the job failed" in text and "ValueError: wrong" in text
    assert "raise ValueError" in text  # the code line, with the traceback
    assert PASSPHRASE not in text
