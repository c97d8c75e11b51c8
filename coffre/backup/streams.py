"""age encryption as streams of chunks (pyrage), and the SHA-256 taken on the way.

pyrage's ``encrypt_io``/``decrypt_io`` stream (64 KiB age chunks; measured: 200 MiB
through ``encrypt_io`` with a 17 MiB peak RSS) but push from a reader into a writer. The
backup moves iterators of chunks (CONVENTIONS 13: an object from the store, into a file
or an S3 upload), so each direction runs pyrage on a thread of its own between a reader
over the source iterator and an OS pipe, and the caller iterates the pipe's other end.
A failure on either side ends both: the source's exception, or pyrage's, is raised in
the caller; a caller that stops early closes the pipe, and the thread ends on it.

age gives confidentiality and integrity (a changed or cut file fails to decrypt), not
authenticity: anyone with the PUBLIC recipient can make a valid file. The manifest's
hashes catch files swapped or mixed between backups; who may write to the backup
location is the operator's access control (docs/THREATS.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyrage
from pyrage import x25519

from coffre.backup.errors import (
    BackupHashMismatch,
    BackupIdentityInvalid,
    BackupIdentityWrong,
    BackupRecipientInvalid,
)

CHUNK = 64 * 1024


def recipients_from(texts: Iterable[str]) -> list[x25519.Recipient]:
    """age X25519 recipients (``age1…``); comments (#) and blank lines skipped."""
    found: list[x25519.Recipient] = []
    for raw in texts:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(x25519.Recipient.from_str(line))
        except pyrage.RecipientError:
            raise BackupRecipientInvalid() from None
    if not found:
        raise BackupRecipientInvalid()
    return found


def identities_from(text: str) -> list[x25519.Identity]:
    """The ``AGE-SECRET-KEY-1…`` lines of an identity file (age-keygen's format)."""
    found: list[x25519.Identity] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            raise BackupIdentityInvalid() from None
    if not found:
        raise BackupIdentityInvalid()
    return found


class Hashed:
    """Pass chunks through, counting them and taking their SHA-256."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self._digest = hashlib.sha256()
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._digest.update(chunk)
            self.size += len(chunk)
            yield chunk

    @property
    def sha256_hex(self) -> str:
        return self._digest.hexdigest()


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterator of chunks (what pyrage reads from)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""
        self.error: BaseException | None = None  # the source's own failure

    def close_source(self) -> None:
        """Close the source (a file, an S3 response) even when pyrage stopped early."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except BaseException as exc:  # kept: pyrage only sees that reading failed
                self.error = exc
                raise OSError("the backup's source failed") from exc
        view = memoryview(buffer)
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _piped(
    work: Callable[[io.BufferedReader[Any], io.BufferedWriter[Any]], None], source: Iterable[bytes]
) -> Iterator[bytes]:
    """Run ``work(reader over source, pipe writer)`` on a thread; yield the pipe's output."""
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    source_reader = _ChunkReader(source)

    def run() -> None:
        writer = io.BufferedWriter(io.FileIO(write_fd, "wb"), buffer_size=CHUNK)
        try:
            work(io.BufferedReader(source_reader, buffer_size=CHUNK), writer)
            writer.flush()
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            failure.append(exc)
        finally:
            try:
                source_reader.close_source()
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                failure.append(exc)
            try:
                writer.close()
            except OSError:  # the consumer closed its end first
                pass

    thread = threading.Thread(target=run, name="backup-age", daemon=True)
    thread.start()
    reader = io.FileIO(read_fd, "rb")
    try:
        while chunk := reader.read(CHUNK):
            yield chunk
    finally:
        reader.close()  # a consumer that stopped early: the writer thread gets EPIPE
        thread.join()
    if source_reader.error is not None:
        # The source's own error (StorageUnavailable...): pyrage only saw a failed read.
        raise source_reader.error
    if failure:
        raise failure[0]


def encrypted(chunks: Iterable[bytes], recipients: Sequence[x25519.Recipient]) -> Iterator[bytes]:
    """``chunks`` encrypted to every recipient (one age file)."""
    targets = list(recipients)

    def work(reader: io.BufferedReader[Any], writer: io.BufferedWriter[Any]) -> None:
        pyrage.encrypt_io(reader, writer, targets)

    return _piped(work, chunks)


def decrypted(
    chunks: Iterable[bytes], identities: Sequence[x25519.Identity], file: str
) -> Iterator[bytes]:
    """The plaintext of one age file; BackupIdentityWrong when no identity opens it,
    BackupHashMismatch (naming ``file``) when it is damaged or cut."""
    keys = list(identities)

    def work(reader: io.BufferedReader[Any], writer: io.BufferedWriter[Any]) -> None:
        pyrage.decrypt_io(reader, writer, keys)

    try:
        yield from _piped(work, chunks)
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise BackupIdentityWrong(file) from None
        raise BackupHashMismatch(file) from None
    except OSError as exc:
        if "decryption error" in str(exc):
            raise BackupHashMismatch(file) from None
        raise
