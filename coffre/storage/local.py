"""The embedded object store: one directory on the local file system.

Layout: ``<root>/<prefix>/<first 2 chars of name>/<name>`` (``<root>/<2>/<name>`` for a
key without prefix), and ``<root>/.tmp/`` for writes in progress (``.`` is outside the
key alphabet, so no key can reach it).

A write goes to a temp file in ``.tmp`` (same file system), is fsync'd, renamed over
the final name with ``os.replace`` (atomic), and the directory is fsync'd: after a
crash there is either the whole object or nothing under the key, and at most a stale
temp file, which start-up sweeps once it is an hour old. Writes use the raw file
descriptor, with no Python buffer, so a failed write cannot resurface at close() and
mask the error that matters.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Generator, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from coffre.errors import ObjectNotFound, StorageUnavailable
from coffre.storage.base import (
    DEFAULT_CHUNK_SIZE,
    Leftover,
    ListedObject,
    ObjectInfo,
    StoredObject,
    split_key,
    started,
    validate_key,
)

TEMP_DIR_NAME = ".tmp"
STALE_TEMP_SECONDS = 3600.0
_TEMP_PREFIX = "put-"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalObjectStore:
    """Objects as files under ``root``; creates its directories and sweeps at start-up."""

    def __init__(self, root: Path, *, stale_temp_seconds: float = STALE_TEMP_SECONDS) -> None:
        self.root = Path(root)
        self._tmp = self.root / TEMP_DIR_NAME
        self._stale_temp_seconds = stale_temp_seconds
        try:
            self._tmp.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable() from exc
        self.sweep_temp_files()

    # -- paths -------------------------------------------------------------------

    def path_for(self, key: str) -> Path:
        """Where the object of ``key`` lives (validates the key)."""
        prefix, name = split_key(validate_key(key))
        base = self.root if prefix is None else self.root / prefix
        return base / name[:2] / name

    # -- writing -----------------------------------------------------------------

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> StoredObject:
        final = self.path_for(key)
        try:
            fd, temp_name = tempfile.mkstemp(dir=self._tmp, prefix=_TEMP_PREFIX)
        except OSError as exc:
            raise StorageUnavailable() from exc
        temp = Path(temp_name)
        fd_open = True
        stored = False
        try:
            digest = hashlib.sha256()
            size = 0
            # The iterator's own exceptions (size limit, client gone) pass through
            # untouched; only our writes are translated into StorageUnavailable.
            for chunk in chunks:
                if not chunk:
                    continue
                digest.update(chunk)
                size += len(chunk)
                try:
                    _write_all(fd, chunk)
                except OSError as exc:
                    raise StorageUnavailable() from exc
            try:
                os.fsync(fd)
                fd_open = False
                os.close(fd)
                self._install(temp, final)
            except OSError as exc:
                raise StorageUnavailable() from exc
            stored = True
            return StoredObject(key=key, size=size, sha256_hex=digest.hexdigest())
        finally:
            if not stored:
                # Leave no trace; a failure here must not replace the exception that
                # is propagating (the sweep at start-up catches what remains).
                if fd_open:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                with contextlib.suppress(OSError):
                    temp.unlink(missing_ok=True)

    def _install(self, temp: Path, final: Path) -> None:
        """Rename the finished temp file into place, durably."""
        created = [d for d in (final.parent.parent, final.parent) if not d.exists()]
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)
        for directory in created:
            _fsync_dir(directory.parent)

    # -- reading -----------------------------------------------------------------

    def open_stream(self, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        return started(self._chunks(self.path_for(key), chunk_size))

    @staticmethod
    def _chunks(path: Path, chunk_size: int) -> Generator[bytes, None, None]:
        try:
            file = path.open("rb", buffering=0)
        except FileNotFoundError as exc:
            raise ObjectNotFound() from exc
        except OSError as exc:
            raise StorageUnavailable() from exc
        with file:
            yield b""  # opened: see base.started()
            while True:
                try:
                    data = file.read(chunk_size)
                except OSError as exc:
                    raise StorageUnavailable() from exc
                if not data:
                    return
                yield data

    def read_head(self, key: str, size: int) -> bytes:
        if size <= 0:
            raise ValueError("size must be positive")
        path = self.path_for(key)
        try:
            with path.open("rb") as file:
                return file.read(size)
        except FileNotFoundError as exc:
            raise ObjectNotFound() from exc
        except OSError as exc:
            raise StorageUnavailable() from exc

    def stat(self, key: str) -> ObjectInfo:
        path = self.path_for(key)
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise ObjectNotFound() from exc
        except OSError as exc:
            raise StorageUnavailable() from exc
        return ObjectInfo(key=key, size=size)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    # -- deleting ----------------------------------------------------------------

    def delete(self, key: str) -> None:
        # The file's blocks are freed, not overwritten: what makes a document
        # unreadable for good is the destruction of its keys (the content is
        # ciphertext); deleting the object frees the space and the name.
        path = self.path_for(key)
        try:
            path.unlink(missing_ok=True)
            if path.parent.exists():
                _fsync_dir(path.parent)
        except OSError as exc:
            raise StorageUnavailable() from exc

    # -- health and housekeeping -------------------------------------------------

    def check(self) -> None:
        """Write, fsync and remove a probe file in the temp directory."""
        try:
            fd, name = tempfile.mkstemp(dir=self._tmp, prefix=_TEMP_PREFIX)
        except OSError as exc:
            raise StorageUnavailable() from exc
        try:
            _write_all(fd, b"probe")
            os.fsync(fd)
        except OSError as exc:
            raise StorageUnavailable() from exc
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(name)

    def sweep_temp_files(self) -> int:
        """Remove temp files left by a crash, once older than the stale delay.

        Younger ones may belong to a write in progress in another process.
        Returns how many were removed.
        """
        cutoff = time.time() - self._stale_temp_seconds
        removed = 0
        try:
            entries = list(os.scandir(self._tmp))
        except OSError as exc:
            raise StorageUnavailable() from exc
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue  # removed meanwhile by another process
            except OSError as exc:
                raise StorageUnavailable() from exc
        return removed

    def list_objects(self) -> Iterator[ListedObject]:
        """Files at ``<root>/<2>/<name>`` (no prefix) and ``<root>/<prefix>/<2>/<name>``."""
        try:
            for dirpath, dirnames, filenames in os.walk(self.root):
                here = Path(dirpath)
                depth = len(here.relative_to(self.root).parts)
                if depth == 0:
                    dirnames[:] = [d for d in dirnames if d != TEMP_DIR_NAME]
                    continue
                for name in filenames:
                    parts = here.relative_to(self.root).parts
                    key = name if depth == 1 else f"{parts[0]}/{name}" if depth == 2 else ""
                    try:
                        validate_key(key)
                    except ValueError:
                        continue  # not an object of ours (or a misplaced file)
                    if self.path_for(key) != here / name:
                        continue
                    try:
                        info = (here / name).stat()
                    except FileNotFoundError:
                        continue  # deleted meanwhile
                    modified = datetime.fromtimestamp(info.st_mtime, UTC)
                    yield ListedObject(key=key, size=info.st_size, modified=modified)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def leftovers(self) -> list[Leftover]:
        found = []
        try:
            for entry in os.scandir(self._tmp):
                try:
                    if entry.is_file(follow_symlinks=False):
                        started_at = datetime.fromtimestamp(entry.stat().st_mtime, UTC)
                        found.append(Leftover("temp_file", entry.name, started_at, entry.name))
                except FileNotFoundError:
                    continue  # finished (renamed) or removed meanwhile
        except OSError as exc:
            raise StorageUnavailable() from exc
        return sorted(found, key=lambda leftover: leftover.started)

    def remove_leftover(self, leftover: Leftover) -> None:
        if leftover.kind != "temp_file" or "/" in leftover.handle or leftover.handle[:1] == ".":
            raise ValueError(f"not a temp file of this store: {leftover.handle!r}")
        try:
            (self._tmp / leftover.handle).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def temp_files(self) -> list[Path]:
        """Writes in progress (or left by a crash): for tests and operations."""
        try:
            return sorted(self._tmp.iterdir())
        except OSError as exc:
            raise StorageUnavailable() from exc
