"""``coffre doctor`` on both backends: a crash between an object's write and its
commit leaves an orphan, an interrupted write a temp file or an unfinished multipart
upload; the doctor finds each once past the grace period, ``repair`` removes them
(audited) and never a live document's object; a live document whose object is gone
is reported, never "repaired"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from coffre.storage import LocalObjectStore, new_object_key
from coffre.storage.s3 import S3ObjectStore
from coffre.vault import doctor as checks
from tests.factories import encrypted_document, make_person, upload

HOUR = timedelta(hours=1)


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def _crash_leftovers(coffre: Coffre) -> tuple[str, str]:
    """What a killed process leaves: a whole object no row names, and a half write."""
    orphan = new_object_key()
    coffre.store.put_stream(orphan, [b"ciphertext nobody recorded"])
    store = coffre.store
    if isinstance(store, LocalObjectStore):
        (store.root / ".tmp" / "put-killed").write_bytes(b"half a document")
        half = "put-killed"
    else:
        assert isinstance(store, S3ObjectStore)
        half = new_object_key()
        store._client._create_multipart_upload(store.bucket, half, {})  # noqa: SLF001
    return orphan, half


def _trail(settings: Settings) -> list[dict[str, object]]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, body FROM audit_entries WHERE action = 'storage.repair'")
        ).mappings()
        found = [dict(r) for r in rows]
    engine.dispose()
    return found


def test_young_traces_are_left_alone_as_writes_in_progress(api: TestClient) -> None:
    coffre = _coffre(api)
    _crash_leftovers(coffre)
    assert coffre.doctor.examine(HOUR).findings == ()
    assert coffre.doctor.repair(HOUR).removed == ()


def test_repair_removes_orphans_and_leftovers_but_never_a_live_document(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner)
    upload(api, owner, document)
    coffre = _coffre(api)
    [live] = [item.key for item in coffre.store.list_objects()]
    orphan, half = _crash_leftovers(coffre)
    time.sleep(1.1)  # S3 times have one-second resolution
    clock.advance(hours=2)

    checkup = coffre.doctor.examine(HOUR)
    found = {(f.kind, f.name) for f in checkup.findings}
    kind = (
        checks.TEMP_FILE if isinstance(coffre.store, LocalObjectStore) else checks.MULTIPART_UPLOAD
    )
    assert found == {(checks.ORPHAN_OBJECT, orphan), (kind, half)}

    repaired = coffre.doctor.repair(HOUR)
    assert {(f.kind, f.name) for f in repaired.removed} == found
    assert repaired.failed == ()
    assert coffre.doctor.examine(HOUR).findings == ()
    assert coffre.store.leftovers() == []
    assert [item.key for item in coffre.store.list_objects()] == [live]
    assert b"".join(coffre.store.open_stream(live)) == document.ciphertext

    [entry] = _trail(settings)
    details = json.loads(str(entry["body"]))["details"]
    assert details["orphan_objects"] == 1
    assert details[f"{kind}s"] == 1
    assert orphan in details["keys"]
    # Run again: nothing more to do, nothing more recorded.
    assert coffre.doctor.repair(HOUR).removed == ()
    assert len(_trail(settings)) == 1


def test_a_live_document_without_its_object_is_reported_not_repaired(
    api: TestClient, clock: FrozenClock
) -> None:
    owner = make_person(api)
    document_id = upload(api, owner, encrypted_document(owner))
    coffre = _coffre(api)
    [stored] = list(coffre.store.list_objects())
    coffre.store.delete(stored.key)  # a disk lost, a bucket restored without it
    clock.advance(hours=2)

    checkup = coffre.doctor.repair(HOUR)
    assert [(f.kind, f.name) for f in checkup.findings] == [(checks.MISSING_OBJECT, stored.key)]
    assert checkup.removed == ()
    engine = create_engine(str(coffre.settings.database_url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM documents WHERE deleted_at IS NULL")).all()
    engine.dispose()
    assert [row[0] for row in rows] == [document_id]


def test_the_command_lists_then_repairs_with_an_exit_code_that_says_so(
    api: TestClient, settings: Settings
) -> None:
    coffre = _coffre(api)
    orphan, _ = _crash_leftovers(coffre)
    time.sleep(1.1)
    env = {
        **os.environ,
        **{
            f"COFFRE_{name.upper()}": str(value)
            for name, value in settings.model_dump().items()
            if value is not None
        },
    }
    command = [str(Path(sys.executable).parent / "coffre"), "doctor", "--grace-hours", "0.1"]
    # Traces younger than the grace period: nothing to say.
    quiet = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0, quiet.stderr
    assert "Tout est en ordre." in quiet.stdout

    if not isinstance(coffre.store, LocalObjectStore):
        return  # S3 stamps its own times: ageing an object is only possible on disk
    old = time.time() - 3 * 3600
    os.utime(coffre.store.path_for(orphan), (old, old))
    # Half an hour: past the doctor's grace, not yet what start-up sweeps by itself.
    half_hour = time.time() - 1800
    os.utime(coffre.store.root / ".tmp" / "put-killed", (half_hour, half_hour))
    listed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 1
    assert f"orphan_object {orphan}" in listed.stdout
    assert "temp_file put-killed" in listed.stdout
    repaired = subprocess.run(
        [*command, "--repair"], env=env, capture_output=True, text=True, timeout=120
    )
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "Supprimé(s) : 2" in repaired.stdout
    assert not coffre.store.path_for(orphan).exists()
