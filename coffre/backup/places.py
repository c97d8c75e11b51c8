"""Where backups are written and read: a directory, or a prefix of an S3 bucket.

One backup is a folder of files (``<place>/<name>/…``). Every file is written whole or
not at all: in a directory, to a ``.part`` name, synced, then renamed; on S3, by one
upload that becomes visible only when complete. The manifest is written LAST, so a
backup cut at any point has no manifest and is never taken for a whole one
(``coffre restore`` refuses it: backup_manifest_invalid).

The S3 place uses the server and credentials of the object store's settings
(``COFFRE_S3_ENDPOINT``…) with another bucket: the backup bucket may be replicated
elsewhere by the S3 server; a backup on another machine is a directory there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from coffre.backup.errors import BackupExists, BackupLocationInvalid
from coffre.backup.streams import CHUNK
from coffre.errors import ObjectNotFound, StorageUnavailable
from coffre.storage.base import started

if TYPE_CHECKING:
    from minio import Minio

    from coffre.settings import Settings

_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
PART_SIZE = 16 * 1024 * 1024


def checked_name(name: str) -> str:
    """A file's name inside a backup: ``/``-separated plain parts (no ``..``)."""
    parts = name.split("/")
    if not all(_NAME_PART.fullmatch(p) and p not in (".", "..") for p in parts):
        raise BackupLocationInvalid(name)
    return name


class Place(Protocol):
    """One backup's folder."""

    label: str  # where it is, for the operator (a path or an s3:// URL)

    def write(self, name: str, chunks: Iterable[bytes]) -> int: ...
    def read(self, name: str) -> Iterator[bytes]: ...
    def exists(self, name: str) -> bool: ...
    def remove_all(self) -> None: ...


class DirectoryPlace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def create(self) -> None:
        if self.root.exists():
            raise BackupExists(self.label)
        self.root.mkdir(parents=True, mode=0o700)

    def write(self, name: str, chunks: Iterable[bytes]) -> int:
        target = self.root / checked_name(name)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        part = target.with_name(target.name + ".part")
        size = 0
        try:
            with part.open("xb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            part.replace(target)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise StorageUnavailable() from exc
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        _sync_directory(target.parent)
        return size

    def read(self, name: str) -> Iterator[bytes]:
        return started(_file_chunks(self.root / checked_name(name)))

    def exists(self, name: str) -> bool:
        return (self.root / checked_name(name)).is_file()

    def children(self) -> list[str]:
        """The backups directly inside this folder (named ``coffre-<UTC time>``)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and is_backup_name(p.name))

    def remove_all(self) -> None:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
        self.root.rmdir()


def _file_chunks(path: Path) -> Generator[bytes, None, None]:
    # Opened, then b"" (storage.base.started): a missing file fails at call time, and
    # closing the generator closes the file even if nobody read from it.
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ObjectNotFound() from None
    with handle:
        yield b""
        while chunk := handle.read(CHUNK):
            yield chunk


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3Place:
    """One backup's folder under ``s3://bucket/prefix/``."""

    def __init__(self, client: Minio, bucket: str, prefix: str) -> None:
        self._client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.label = f"s3://{bucket}/{self.prefix}"

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{checked_name(name)}"

    def create(self) -> None:
        from coffre.storage.s3 import _translated_faults

        client = self._client
        with _translated_faults():
            if not client.bucket_exists(self.bucket):
                client.make_bucket(self.bucket)
            existing = client.list_objects(self.bucket, prefix=self.prefix + "/", recursive=True)
            if next(iter(existing), None) is not None:
                raise BackupExists(self.label)

    def write(self, name: str, chunks: Iterable[bytes]) -> int:
        from coffre.storage.s3 import _ChunkReader, _SourceFailed, _translated_faults

        reader = _ChunkReader(chunks)
        try:
            with _translated_faults():
                self._client.put_object(
                    self.bucket,
                    self._key(name),
                    reader,  # type: ignore[arg-type]  # minio only calls read(n)
                    length=-1,
                    part_size=PART_SIZE,
                )
        except StorageUnavailable as exc:
            if isinstance(exc.__cause__, _SourceFailed) and reader.error is not None:
                raise reader.error from None
            raise
        except _SourceFailed:
            assert reader.error is not None
            raise reader.error from None
        return reader.size

    def read(self, name: str) -> Iterator[bytes]:
        return started(self._chunks(self._key(name)))

    def _chunks(self, key: str) -> Generator[bytes, None, None]:
        from coffre.storage.s3 import _translated_faults

        with _translated_faults():
            response = self._client.get_object(self.bucket, key)
        try:
            yield b""
            with _translated_faults():
                yield from response.stream(CHUNK)
        finally:
            response.close()
            response.release_conn()

    def exists(self, name: str) -> bool:
        from minio.error import S3Error

        from coffre.storage.s3 import _translated_faults

        try:
            with _translated_faults():
                self._client.stat_object(self.bucket, self._key(name))
        except ObjectNotFound:
            return False
        except StorageUnavailable as exc:
            if isinstance(exc.__cause__, S3Error) and exc.__cause__.code == "NoSuchBucket":
                return False
            raise
        return True

    def children(self) -> list[str]:
        from coffre.storage.s3 import _translated_faults

        with _translated_faults():
            listed = self._client.list_objects(self.bucket, prefix=self.prefix + "/")
            names = [str(item.object_name).rstrip("/").rsplit("/", 1)[-1] for item in listed]
            # Some servers (SeaweedFS) keep listing a folder emptied by remove_all.
            return sorted(
                name
                for name in names
                if is_backup_name(name)
                and next(
                    iter(
                        self._client.list_objects(
                            self.bucket, prefix=f"{self.prefix}/{name}/", recursive=True
                        )
                    ),
                    None,
                )
                is not None
            )

    def remove_all(self) -> None:
        from coffre.storage.s3 import _translated_faults

        with _translated_faults():
            for item in self._client.list_objects(
                self.bucket, prefix=self.prefix + "/", recursive=True
            ):
                self._client.remove_object(self.bucket, item.object_name)


def is_backup_name(name: str) -> bool:
    from coffre.backup.manifest import NAME_RE

    return NAME_RE.fullmatch(name) is not None


def prune(place: DirectoryPlace | S3Place, keep: int, current: str) -> list[str]:
    """Remove the backups of ``place`` older than ``current`` beyond the ``keep`` newest
    (``current`` counts as one). Newer ones (another run still writing) are left alone;
    so are names that are not backups'."""
    older = [name for name in place.children() if name < current]
    doomed = older[: max(0, len(older) - (keep - 1))]
    for name in doomed:
        child(place, name).remove_all()
    return doomed


def place_at(location: str, settings: Settings) -> DirectoryPlace | S3Place:
    """``/a/directory`` or ``s3://bucket/prefix`` (the S3 server of the store's settings)."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[len("s3://") :].partition("/")
        prefix = prefix.strip("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket) or not prefix:
            raise BackupLocationInvalid(location)
        for part in prefix.split("/"):
            checked_name(part)
        from coffre.storage.s3 import make_s3_client

        client = make_s3_client(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
        return S3Place(client, bucket, prefix)
    if "://" in location or not location:
        raise BackupLocationInvalid(location)
    return DirectoryPlace(Path(location))


def child(place: DirectoryPlace | S3Place, name: str) -> DirectoryPlace | S3Place:
    """The backup ``name`` inside a place given with ``--to``."""
    checked_name(name)
    if isinstance(place, DirectoryPlace):
        return DirectoryPlace(place.root / name)
    return S3Place(place._client, place.bucket, f"{place.prefix}/{name}")  # noqa: SLF001
