"""The object store contract: what every storage backend promises the domain.

Documents are ciphertext (the server is blind, DESIGN.md) moved as iterators of
chunks (CONVENTIONS 13), never whole in memory. Backends: ``local.py`` (a directory,
the embedded default) and ``s3.py`` (any S3-protocol server through the ``minio``
client). ``tests/storage/test_contract.py`` is the one suite that both pass.

The promises:

* ``put_stream`` consumes the chunks while writing them out and returns the size and
  SHA-256 it measured on the way. Nothing is ever visible under the key until the
  whole stream is stored. If the chunk iterator raises (size limit, client gone), every
  trace of the attempt is removed and *that same exception* propagates unchanged.
  Writing to an existing key replaces its content atomically: a reader sees the old
  object or the new one, never a mix. (Keys are random, so the domain never does this
  on purpose.)
* ``open_stream`` looks the object up *before* returning, so a missing key raises
  ``ObjectNotFound`` at call time; the returned generator closes the underlying file
  or response when exhausted, closed or garbage-collected.
* ``read_head`` returns the object's first bytes (all of it if shorter) without
  reading the rest: a file read, or an S3 ranged GET (a stream header, SPEC §24.1).
* ``delete`` is idempotent and destroys: no copy or old version stays behind.
* Any backend fault (unreachable, timeout, 5xx, disk full, permission) raises
  ``StorageUnavailable`` (chained to the cause); a missing key raises ``ObjectNotFound``.

Object names carry no personal data: they are random hex made by ``new_object_key``;
``validate_key`` refuses anything else, which also rules out path traversal.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

DEFAULT_CHUNK_SIZE = 64 * 1024

_NAME = r"[a-z0-9]{16,64}"
_PREFIX = r"[a-z0-9]{1,64}"
_KEY_RE = re.compile(rf"(?:(?P<prefix>{_PREFIX})/)?(?P<name>{_NAME})")
_PREFIX_RE = re.compile(_PREFIX)


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What ``put_stream`` measured while writing: the byte count and the SHA-256."""

    key: str
    size: int
    sha256_hex: str


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int


@dataclass(frozen=True, slots=True)
class ListedObject:
    """One stored object as a listing sees it (``coffre doctor`` looks for orphans)."""

    key: str
    size: int
    modified: datetime  # aware, UTC


@dataclass(frozen=True, slots=True)
class Leftover:
    """What an interrupted write left behind: a temp file (local) or an unfinished
    multipart upload (S3). Never visible under a key; holds ciphertext until removed."""

    kind: str  # "temp_file" | "multipart_upload"
    name: str  # the temp file's name, or the upload's object key
    started: datetime  # aware, UTC
    handle: str  # what removes it: the file's name, or the upload id


def validate_key(key: str) -> str:
    """Return ``key`` if it is a valid object key, else raise ``ValueError``.

    A key is 16-64 characters of ``[a-z0-9]``, optionally after one prefix of the same
    alphabet and a ``/`` (``doc/3f9a…``). Keys are made by the domain, so an invalid
    one is a programming error, not a user error.
    """
    if not isinstance(key, str) or _KEY_RE.fullmatch(key) is None:
        raise ValueError(f"invalid object key: {key!r}")
    return key


def split_key(key: str) -> tuple[str | None, str]:
    """``"doc/abc…"`` → ``("doc", "abc…")``; ``"abc…"`` → ``(None, "abc…")``."""
    match = _KEY_RE.fullmatch(key)
    if match is None:
        raise ValueError(f"invalid object key: {key!r}")
    return match.group("prefix"), match.group("name")


def new_object_key(prefix: str = "doc") -> str:
    """A fresh random key, ``<prefix>/<32 hex chars>`` (128 random bits)."""
    if _PREFIX_RE.fullmatch(prefix) is None:
        raise ValueError(f"invalid object key prefix: {prefix!r}")
    return f"{prefix}/{secrets.token_hex(16)}"


def started(chunks: Generator[bytes, None, None]) -> Generator[bytes, None, None]:
    """Run a chunk generator up to its first ``yield b""`` and return it.

    Backends write ``open_stream`` as a generator that opens the object, yields one
    empty chunk, then the content. Starting it here means a missing object fails at
    call time, and the generator's ``finally`` (which closes the file or response)
    is armed even if the caller never iterates.
    """
    first = next(chunks)
    if first != b"":
        raise RuntimeError("a chunk generator must yield b'' once it has opened the object")
    return chunks


@runtime_checkable
class ObjectStore(Protocol):
    """Where document ciphertext lives. See the module docstring for the promises."""

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> StoredObject:
        """Store the chunks under ``key``; return size and SHA-256 measured on the way."""
        ...

    def open_stream(self, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        """The object's bytes as chunks; ``ObjectNotFound`` at call time if missing."""
        ...

    def read_head(self, key: str, size: int) -> bytes:
        """The object's first ``size`` bytes (fewer if shorter); ``ObjectNotFound``."""
        ...

    def stat(self, key: str) -> ObjectInfo:
        """Size of the object; ``ObjectNotFound`` if missing."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Destroy the object; deleting a missing key is not an error."""
        ...

    def check(self) -> None:
        """Health probe: return if the backend can serve, else raise StorageUnavailable."""
        ...

    def list_objects(self) -> Iterator[ListedObject]:
        """Every stored object (whole ones only; writes in progress are leftovers)."""
        ...

    def leftovers(self) -> list[Leftover]:
        """Traces of writes in progress or interrupted, oldest first."""
        ...

    def remove_leftover(self, leftover: Leftover) -> None:
        """Remove one leftover; one already gone is not an error."""
        ...
