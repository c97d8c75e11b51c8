"""Attack: what a client controls reaching the logs and the metrics (issue 21): the
X-Request-ID header (newlines, JSON, very long, non-ASCII, sent twice), made-up methods
and paths. Nothing of it is kept as sent unless well formed; labels stay few."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api.observability import request_id
from coffre.backup.errors import BackupLocationInvalid
from coffre.backup.places import child, place_at
from coffre.settings import Settings

HOSTILE_IDS = [
    b'abcdefgh\n{"level":"error","event":"forged"}',
    b"abcdefgh\r\nSet-Cookie: x=1",
    b"abcdefgh\x00",
    b"\xc3\xa9" * 10,  # UTF-8 non-ASCII
    b"a" * 65,
    b"a" * 100_000,
    b"abc",
    b"abcdefgh ",
    b"../../../etc",
    b"",
]


@pytest.mark.parametrize("sent", HOSTILE_IDS)
def test_a_request_id_not_well_formed_is_replaced_never_kept(sent: bytes) -> None:
    rid = request_id([(b"x-request-id", sent)])
    assert rid.encode() != sent
    assert len(rid) == 32 and int(rid, 16) >= 0


def test_only_the_first_request_id_counts() -> None:
    good = b"first-id-12345"
    assert request_id([(b"x-request-id", b"bad\nid"), (b"x-request-id", good)]) != "first-id-12345"
    assert request_id([(b"x-request-id", good), (b"x-request-id", b"bad\nid")]) == good.decode()


def _series(name: str) -> set[tuple[tuple[str, str], ...]]:
    return {
        tuple(sorted(sample.labels.items()))
        for metric in REGISTRY.collect()
        for sample in metric.samples
        if sample.name == name
    }


def test_made_up_methods_and_paths_add_no_label(api: TestClient) -> None:
    api.get("/api/v1/health")
    api.request("PROPFIND", "/api/v1/health")
    api.get("/no/such/" + secrets.token_hex(4))
    before = _series("coffre_http_requests_total")
    for _ in range(20):
        token = secrets.token_hex(8)
        api.request("PROPFIND", "/api/v1/health")
        api.request(token.upper(), f"/{token}")  # a method of its own, a path of its own
        api.get(f"/no/such/{token}?login={token}")
        api.get(f"/static/{token}.js")
        api.get(f"/api/v1/grants/{token}")
    after = _series("coffre_http_requests_total")
    text = repr(after)
    assert "PROPFIND" not in text and "/no/such" not in text and "login=" not in text
    # 20 rounds of new methods and paths: at most the few series of their first answers.
    assert len(after - before) <= 6, sorted(after - before)


@pytest.mark.parametrize(
    "location",
    [
        "s3://coffre-backups/..",
        "s3://coffre-backups/a/../../b",
        "s3://coffre-backups/.hidden",
        "s3://coffre-backups/a b",
        "s3://coffre-backups/a%2F..",
        "s3://coffre-backups/a\x00b",
        "s3://coffre-backups/a\nb",
        "s3://coffre-backups/é",
        "s3://coffre-backups/a//b",
        "s3://coffre-backups/",
        "s3://coffre-backups",
        "s3://Coffre/x",
        "s3://ab/x",
        "s3://../x",
        "s3://coffre-backups/" + "a" * 129,
        "file:///etc",
        "http://example.org/x",
        "",
    ],
)
def test_an_odd_backup_location_is_refused_before_any_connection(location: str) -> None:
    settings = Settings(s3_endpoint="127.0.0.1:1")  # nothing listens: a refusal, not a fault
    with pytest.raises(BackupLocationInvalid) as refused:
        place_at(location, settings)
    assert refused.value.code == "backup_location_invalid"


@pytest.mark.parametrize("name", ["..", ".", "a/../b", "/abs", "a\x00", "", "x" * 200])
def test_an_odd_backup_name_inside_a_place_is_refused(name: str, tmp_path: object) -> None:
    from pathlib import Path

    place = place_at(str(Path(str(tmp_path)) / "backups"), Settings())
    with pytest.raises(BackupLocationInvalid):
        child(place, name)
