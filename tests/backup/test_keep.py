"""``coffre backup --keep N``: after a whole backup, only the N newest stay (the new one
counts); a newer one still being written and anything not named like a backup stay."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from coffre.backup.places import DirectoryPlace, S3Place, child, prune
from coffre.storage.s3 import make_s3_client
from tests.servers.seaweedfs import S3Server, drop_bucket

NAMES = [f"coffre-202612{day:02d}T013000Z" for day in (1, 2, 3, 4, 5)]


def _fill(place: DirectoryPlace | S3Place) -> None:
    for name in [*NAMES, "notes"]:
        child(place, name).write("manifest.age", [b"x"])
    child(place, "coffre-20261130T013000Z").write("database.age", [b"cut: no manifest"])


@pytest.mark.parametrize("kind", ["directory", "s3"])
def test_keep_removes_the_oldest_backups_only(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    place: DirectoryPlace | S3Place
    if kind == "directory":
        place = DirectoryPlace(tmp_path / "backups")
    else:
        server: S3Server = request.getfixturevalue("s3_server")
        client = make_s3_client(
            server.endpoint, server.access_key, server.secret_key, False, server.region
        )
        bucket = "keep" + secrets.token_hex(6)
        client.make_bucket(bucket)
        request.addfinalizer(lambda: drop_bucket(server, bucket))
        place = S3Place(client, bucket, "nuit")
    _fill(place)
    # The run that wrote 2026-12-04 keeps 2: itself and 12-03; 12-05 (newer, another
    # run) and "notes" are not its to remove.
    removed = prune(place, 2, NAMES[3])
    assert removed == ["coffre-20261130T013000Z", NAMES[0], NAMES[1]]
    assert place.children() == [NAMES[2], NAMES[3], NAMES[4]]
    assert child(place, "notes").exists("manifest.age")
    assert prune(place, 2, NAMES[3]) == []
