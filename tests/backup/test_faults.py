"""A backup cut short is never taken for a whole one, and a restore that cannot be whole
restores nothing: store down during a backup; a damaged, swapped or missing file; the
wrong key; a target that is not empty. And a document deleted while the backup was
being copied is deleted again at the restore."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime
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


class AfterSnapshot(DirectoryPlace):
    """A backup folder whose database file, once written, is followed by ``action`` (a
    person deleting or re-encrypting a document through the API): between the snapshot
    and the objects' copy."""

    def __init__(self, root: Path, action: Callable[[], None]) -> None:
        super().__init__(root)
        self._action = action

    def write(self, name: str, chunks: Iterable[bytes]) -> int:
        size = super().write(name, chunks)
        if name == "database.age":
            self._action()
        return size


def backup_with(
    settings: Settings, coffre: Coffre, place: DirectoryPlace, age_key: AgeKey, now: datetime
) -> Manifest:
    place.create()
    db = Database(make_engine(settings.database_url))
    try:
        return take_backup(
            database_url=settings.database_url,
            db=db,
            store=coffre.store,
            place=place,
            recipients=recipients_from([age_key.recipient]),
            name=place.root.name,
            now=now,
        )
    finally:
        db.dispose()


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

        def delete() -> None:
            response = api.delete(f"/api/v1/documents/{ids[3]}", headers=person.headers)
            assert response.status_code == 204, response.text

        good = AfterSnapshot(tmp_path / "backups" / backup_name(clock.now()), delete)
        manifest = backup_with(settings, coffre, good, age_key, clock.now())
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


def test_a_document_re_encrypted_during_the_copy_is_named_and_found_missing_at_restore(
    settings: Settings,
    empty_target: Settings,
    clock: FrozenClock,
    age_key: AgeKey,
    tmp_path: Path,
) -> None:
    with TestClient(create_app(settings, clock=clock)) as api:
        person = make_person(api)
        kept, replaced = (upload(api, person, encrypted_document(person)) for _ in range(2))

        def re_encrypt() -> None:  # the person's client after a revocation
            new = encrypted_document(person)
            headers = {
                **person.headers,
                "Content-Type": "application/octet-stream",
                "Coffre-Metadata": new.headers["Coffre-Metadata"],
                "Coffre-Sealed-Key": new.headers["Coffre-Sealed-Key"],
            }
            response = api.put(
                f"/api/v1/documents/{replaced}/content", content=new.ciphertext, headers=headers
            )
            assert response.status_code == 200, response.text

        coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
        place = AfterSnapshot(tmp_path / backup_name(clock.now()), re_encrypt)
        manifest = backup_with(settings, coffre, place, age_key, clock.now())
    assert manifest.replaced_after_snapshot == [replaced]
    assert [o.key for o in manifest.objects] != [] and manifest.missing == []
    result = command(empty_target)(
        "restore", "--from", str(place.root), "--identity", str(age_key.identity_file)
    )
    assert result.exit_code == 3, result.output  # restored, but the doctor names the gap
    assert "document sans objet (données perdues) : 1" in result.output
    with TestClient(create_app(empty_target, clock=clock)) as api:
        content = api.get(f"/api/v1/documents/{kept}/content", headers=person.headers)
        assert content.status_code == 200
