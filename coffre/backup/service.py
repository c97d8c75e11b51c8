"""``coffre backup`` and ``coffre restore``: the steps, in the order that keeps them safe.

Backup: the database's snapshot (coffre.backup.database) is written first, then every
object the snapshot's live documents name, read through the ObjectStore interface,
then the manifest LAST. Each file is age-encrypted to the operator's recipients as it
streams (coffre.backup.streams): nothing is held whole in memory, no plaintext touches
the backup's location. Any failure (store or database down, disk full, pg_dump) removes
what was written; a backup cut harder than that (the process killed) has no manifest.

Restore: the manifest is opened and checked; the database and the store must be empty;
the database file is decrypted to a private staging file and its hash checked; each
object is decrypted into the store through a stream whose hash and size are checked at
its end — a mismatch raises inside ``put_stream``, so that object never appears; the
database is loaded last (all or nothing). If anything fails, the objects already put
are removed: the targets are back to empty and nothing counts as restored.
"""

from __future__ import annotations

import hmac
import logging
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from pyrage import x25519
from sqlalchemy import select

from coffre.backup import database
from coffre.backup.errors import (
    BackupHashMismatch,
    BackupManifestInvalid,
    RestoreTargetNotEmpty,
)
from coffre.backup.manifest import (
    DATABASE_FILE,
    MANIFEST_FILE,
    FileEntry,
    Manifest,
    object_file,
)
from coffre.backup.places import Place
from coffre.backup.streams import Hashed, decrypted, encrypted
from coffre.db import migrate
from coffre.db.engine import Database
from coffre.errors import ObjectNotFound
from coffre.storage import ObjectStore

log = logging.getLogger(__name__)


def backup_name(at: datetime) -> str:
    return "coffre-" + at.strftime("%Y%m%dT%H%M%SZ")


def take_backup(
    *,
    database_url: str,
    db: Database,
    store: ObjectStore,
    place: Place,
    recipients: Sequence[x25519.Recipient],
    name: str,
    now: datetime,
) -> Manifest:
    """Write one whole backup into ``place`` (which the caller has created, empty)."""
    try:
        return _write(database_url, db, store, place, recipients, name, now)
    except BaseException:
        try:
            place.remove_all()
        except Exception:  # noqa: BLE001 - the first failure is the one to report
            log.warning("backup: could not remove the files of the failed backup")
        raise


def _write(
    database_url: str,
    db: Database,
    store: ObjectStore,
    place: Place,
    recipients: Sequence[x25519.Recipient],
    name: str,
    now: datetime,
) -> Manifest:
    with database.snapshot(database_url) as taken:
        dump = Hashed(taken.chunks)
        place.write(DATABASE_FILE, encrypted(dump, recipients))
    manifest = Manifest(
        name=name,
        created_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        database_kind=taken.kind,
        alembic_head=taken.alembic_head,
        database=FileEntry(DATABASE_FILE, dump.sha256_hex, dump.size),
        documents=len(taken.objects),
    )
    gone: list[database.ObjectRow] = []
    for row in taken.objects:
        try:
            content = store.open_stream(row.key)
        except ObjectNotFound:
            gone.append(row)
            continue
        hashed = Hashed(content)
        place.write(object_file(row.key), encrypted(hashed, recipients))
        manifest.objects.append(
            FileEntry(object_file(row.key), hashed.sha256_hex, hashed.size, row.key)
        )
        if not hmac.compare_digest(hashed.sha256_hex, row.sha256) or hashed.size != row.size:
            manifest.damaged.append(row.key)
    if gone:
        now_naming = _current_keys(db, [row.document_id for row in gone])
        for row in gone:
            current = now_naming.get(row.document_id, _DELETED)
            if current is _DELETED:
                manifest.deleted_after_snapshot.append(row.document_id)
            elif current != row.key:
                # Re-encrypted since the snapshot: its old object is gone, its new one is
                # not in this snapshot. Only another backup holds it (the CLI says so).
                manifest.replaced_after_snapshot.append(row.document_id)
            else:
                manifest.missing.append(row.key)
        manifest.deleted_after_snapshot.sort()
        manifest.replaced_after_snapshot.sort()
        manifest.missing.sort()
    place.write(MANIFEST_FILE, encrypted([manifest.to_json()], recipients))
    return manifest


_DELETED = object()


def _current_keys(db: Database, document_ids: list[str]) -> dict[str, str | None]:
    """The object each of these documents names now, if still live (the others were
    deleted or erased since the snapshot)."""
    from coffre.vault.models import Document

    with db.unit_of_work() as session:
        rows = session.execute(
            select(Document.id, Document.object_key).where(
                Document.id.in_(document_ids), Document.deleted_at.is_(None)
            )
        ).all()
    return {str(document_id): key for document_id, key in rows}


# -- restore --------------------------------------------------------------------------
def read_manifest(place: Place, identities: Sequence[x25519.Identity]) -> Manifest:
    if not place.exists(MANIFEST_FILE):
        raise BackupManifestInvalid(MANIFEST_FILE)
    raw = b"".join(decrypted(place.read(MANIFEST_FILE), identities, MANIFEST_FILE))
    return Manifest.from_json(raw)


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    objects: int
    object_bytes: int
    upgraded_from: str | None = None  # the backup's schema revision, when migrated since


def restore(
    *,
    place: Place,
    identities: Sequence[x25519.Identity],
    database_url: str,
    store: ObjectStore,
) -> Restored:
    """Bring a whole backup back into an empty database and an empty store."""
    manifest = read_manifest(place, identities)
    if manifest.database_kind != database.kind_of(database_url):
        raise BackupManifestInvalid(
            MANIFEST_FILE,
            f"(sauvegarde d'une base {manifest.database_kind} : restaurez-la dans une base "
            "du même type)",
        )
    heads = migrate.current_heads(database_url)
    if manifest.alembic_head is None or not _known_revision(database_url, manifest.alembic_head):
        raise BackupManifestInvalid(
            MANIFEST_FILE,
            f"(base à la révision {manifest.alembic_head}, inconnue de cette version de "
            "Coffre : restaurez avec la version qui a fait la sauvegarde, ou une plus récente)",
        )
    database.ensure_empty(database_url)
    if next(iter(store.list_objects()), None) is not None:
        raise RestoreTargetNotEmpty("stockage")
    staging = database.staging_dir(database_url)
    put: list[str] = []
    try:
        staged = staging / "database"
        checked = _checked(
            decrypted(_read(place, DATABASE_FILE), identities, DATABASE_FILE), manifest.database
        )
        with staged.open("wb") as handle:
            for chunk in checked:
                handle.write(chunk)
        total = 0
        for entry in manifest.objects:
            assert entry.key is not None
            chunks = _checked(decrypted(_read(place, entry.file), identities, entry.file), entry)
            put.append(entry.key)
            store.put_stream(entry.key, chunks)
            total += entry.size
        database.load(database_url, staged)
    except BaseException:
        for key in put:
            try:
                store.delete(key)
            except Exception:  # noqa: BLE001 - the first failure is the one to report
                log.warning("restore: could not remove an object put before the failure")
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    upgraded = None
    if manifest.alembic_head not in heads:
        # A backup of an older version: this version's migrations bring it to the schema
        # the code (and the doctor that follows) reads, as `coffre db upgrade` would.
        migrate.upgrade(database_url)
        upgraded = manifest.alembic_head
    return Restored(manifest, len(put), total, upgraded)


def _known_revision(database_url: str, revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


def _read(place: Place, name: str) -> Iterator[bytes]:
    """A file the manifest names; BackupHashMismatch (naming it) if the backup lacks it
    (copied in part): the backup is damaged, not the target store (object_not_found)."""
    try:
        return place.read(name)
    except ObjectNotFound:
        raise BackupHashMismatch(name) from None


def _checked(chunks: Iterable[bytes], entry: FileEntry) -> Iterator[bytes]:
    """Pass the plaintext through; at its end, BackupHashMismatch (naming the file) unless
    size and SHA-256 are the manifest's. Raised inside put_stream: nothing is kept.
    A file longer than the manifest says is refused at its first byte too many, not at
    its end: a hostile manifest (anyone with the public recipient can write one) saying
    1 byte for an endless file must not fill the target's disk first."""
    hashed = Hashed(chunks)
    for chunk in hashed:
        if hashed.size > entry.size:
            raise BackupHashMismatch(entry.file)
        yield chunk
    if hashed.size != entry.size or not hmac.compare_digest(hashed.sha256_hex, entry.sha256):
        raise BackupHashMismatch(entry.file)


def apply_deletions(db: Database, manifest: Manifest, now: datetime) -> int:
    """Delete again the documents the persons deleted while the backup was being copied:
    their keys go, like at the person's own delete (their objects are not in the backup)."""
    from coffre.vault import repository
    from coffre.vault.models import Document

    done = 0
    with db.unit_of_work() as session:
        for document_id in manifest.deleted_after_snapshot:
            document = session.get(Document, document_id)
            if document is None or not repository.mark_deleted(session, document_id, now):
                continue
            repository.delete_sealed_keys(session, document_id)
            repository.withdraw_grant_keys(session, document_id, now)
            repository.mark_purged(session, document_id, now)
            done += 1
    return done
