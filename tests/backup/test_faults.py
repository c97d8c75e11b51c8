"""A backup cut short is never taken for a whole one, and a restore that cannot be whole
restores nothing: store down during a backup; a damaged, swapped or missing file; the
wrong key; a target that is not empty. And a document deleted while the backup was
being copied is deleted again at the restore."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from fastapi.testclient import TestClient
from pyrage import x25519

from api.app import create_app
from coffre.backup import database
from coffre.backup.manifest import MANIFEST_FILE, Manifest, object_file
from coffre.backup.places import DirectoryPlace
from coffre.backup.service import backup_name, read_manifest, take_backup
from coffre.backup.streams import decrypted, encrypted, identities_from, recipients_from
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.db.engine import Database, make_engine
from coffre.settings import Settings
from tests.backup.conftest import AgeKey, command
from tests.factories import encrypted_document, make_person, upload
from tests.servers.pools import Buckets, DatabaseCopies
from tests.servers.ports import free_port


def test_a_backup_whose_store_goes_down_writes_no_manifest_and_fails(
    postgres_copies: DatabaseCopies,
    s3_server: object,
    s3_buckets: Buckets,
    audit_key_file: Path,
    vapid_key_file: Path,
    clock: FrozenClock,
    age_key: AgeKey,
    tmp_path: Path,
) -> None:
    url = postgres_copies.take()
    bucket = s3_buckets.take()
    try:
        settings = Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=url,
            storage_backend="s3",
            s3_endpoint=s3_server.endpoint,  # type: ignore[attr-defined]
            s3_access_key=s3_server.access_key,  # type: ignore[attr-defined]
            s3_secret_key=s3_server.secret_key,  # type: ignore[attr-defined]
            s3_bucket=bucket,
            s3_region=s3_server.region,  # type: ignore[attr-defined]
            push_vapid_key_file=vapid_key_file,
            audit_key_file=audit_key_file,
        )
        with TestClient(create_app(settings, clock=clock)) as api:
            person = make_person(api)
            upload(api, person, encrypted_document(person))
        # The database answers (its dump is written first), the store does not.
        down = settings.model_copy(update={"s3_endpoint": f"127.0.0.1:{free_port()}"})
        backups = tmp_path / "backups"
        result = command(down)("backup", "--to", str(backups), "-r", age_key.recipient)
        assert result.exit_code == 1
        assert "(storage_unavailable)" in result.output
        assert list(backups.rglob("*")) == []  # the dump written before is gone too
    finally:
        s3_buckets.give_back(bucket)
        postgres_copies.give_back(url)


class DeletingPlace(DirectoryPlace):
    """A backup folder whose database file, once written, is followed by a person
    deleting a document (through the API): between the snapshot and the objects' copy."""

    def __init__(
        self, root: Path, delete: Iterable[tuple[TestClient, str, dict[str, str]]]
    ) -> None:
        super().__init__(root)
        self._delete = list(delete)

    def write(self, name: str, chunks: Iterable[bytes]) -> int:
        size = super().write(name, chunks)
        if name == "database.age":
            for api, document_id, headers in self._delete:
                response = api.delete(f"/api/v1/documents/{document_id}", headers=headers)
                assert response.status_code == 204, response.text
        return size


def target_is_empty(target: Settings) -> bool:
    database.ensure_empty(target.database_url)
    coffre_store = Coffre.build(target)
    try:
        return next(iter(coffre_store.store.list_objects()), None) is None
    finally:
        coffre_store.close()


def test_a_restore_that_cannot_be_whole_restores_nothing_then_a_whole_one_succeeds(
    settings: Settings,
    empty_target: Settings,
    clock: FrozenClock,
    age_key: AgeKey,
    tmp_path: Path,
) -> None:
    with TestClient(create_app(settings, clock=clock)) as api:
        person = make_person(api)
        ids = [upload(api, person, encrypted_document(person)) for _ in range(4)]
        coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
        name = backup_name(clock.now())
        good = DeletingPlace(tmp_path / "backups" / name, [(api, ids[3], person.headers)])
        good.create()
        db = Database(make_engine(settings.database_url))
        try:
            manifest = take_backup(
                database_url=settings.database_url,
                db=db,
                store=coffre.store,
                place=good,
                recipients=recipients_from([age_key.recipient]),
                name=name,
                now=clock.now(),
            )
        finally:
            db.dispose()
    assert manifest.deleted_after_snapshot == [ids[3]]
    assert len(manifest.objects) == 3 and manifest.missing == [] and manifest.damaged == []
    restore = command(empty_target)
    keys_ = identities_from(age_key.identity_file.read_text())

    def attempt(folder: Path, identity: Path = age_key.identity_file) -> str:
        result = restore("restore", "--from", str(folder), "--identity", str(identity))
        assert result.exit_code == 1, result.output
        assert target_is_empty(empty_target)
        return result.output

    other = tmp_path / "other-identity.txt"
    other.write_text(f"{x25519.Identity.generate()}\n")
    assert "(backup_identity_wrong)" in attempt(good.root, other)

    assert (
        "(restore_target_not_empty)"
        in command(settings)(
            "restore", "--from", str(good.root), "--identity", str(age_key.identity_file)
        ).output
    )

    keys = sorted(o.key or "" for o in manifest.objects)
    damaged = _copy(good.root, tmp_path / "damaged")
    last = damaged / object_file(keys[-1])
    content = bytearray(last.read_bytes())
    content[len(content) // 2] ^= 0x01
    last.write_bytes(bytes(content))
    output = attempt(damaged)  # the first two objects were put, then taken out again
    assert "(backup_hash_mismatch)" in output and object_file(keys[-1]) in output

    swapped = _copy(good.root, tmp_path / "swapped")
    first, second = swapped / object_file(keys[1]), swapped / object_file(keys[2])
    first_bytes = first.read_bytes()
    first.write_bytes(second.read_bytes())  # each a whole age file: only the hash tells
    second.write_bytes(first_bytes)
    output = attempt(swapped)
    assert "(backup_hash_mismatch)" in output and object_file(keys[1]) in output

    cut = _copy(good.root, tmp_path / "cut")
    (cut / MANIFEST_FILE).unlink()
    assert "(backup_manifest_invalid)" in attempt(cut)

    # A backup made by a newer version (a schema revision this code does not know).
    newer = _copy(good.root, tmp_path / "newer")
    body = json.loads(b"".join(decrypted([(newer / MANIFEST_FILE).read_bytes()], keys_, "m")))
    body["database"]["alembic_head"] = "ffffffffffff"
    forged = encrypted([json.dumps(body).encode()], recipients_from([age_key.recipient]))
    (newer / MANIFEST_FILE).write_bytes(b"".join(forged))
    output = attempt(newer)
    assert "(backup_manifest_invalid)" in output and "ffffffffffff" in output

    read_back = read_manifest(good, keys_)
    assert isinstance(read_back, Manifest) and read_back.counts() == manifest.counts()
    whole = restore("restore", "--from", str(good.root), "--identity", str(age_key.identity_file))
    assert whole.exit_code == 0, whole.output
    assert "1 document(s) supprimé(s) pendant la sauvegarde" in whole.output
    assert "objets stockés : 3 ; documents en vigueur qui en nomment un : 3" in whole.output
    with TestClient(create_app(empty_target, clock=clock)) as api:
        listed = api.get("/api/v1/documents", headers=person.headers).json()
        assert sorted(d["id"] for d in listed["documents"]) == sorted(ids[:3])


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to)
    return to
