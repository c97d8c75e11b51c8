"""The object store contract (coffre/storage/base.py), run against every backend.

Each test runs twice: on a local directory and on a real S3 server (SeaweedFS on
loopback, a fresh bucket per test). A last section covers what only one backend has.
"""

from __future__ import annotations

import hashlib
import os
import random
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig

from coffre.errors import ObjectNotFound, TooLarge
from coffre.storage import (
    LocalObjectStore,
    ObjectInfo,
    ObjectStore,
    StoredObject,
    new_object_key,
    validate_key,
)
from coffre.storage.s3 import S3ObjectStore
from tests.servers.seaweedfs import S3Server
from tests.storage.conftest import Leftovers, drop_bucket, make_test_s3_store, s3_leftovers

MiB = 1024 * 1024


# -- helpers --------------------------------------------------------------------------


def random_bytes(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def uneven_chunks(data: bytes, seed: int = 1) -> Iterator[bytes]:
    """Chunks of awkward sizes (1 byte to 1 MiB, empty ones too), as a network gives."""
    rng = random.Random(seed)
    sizes = [0, 1, 7, 4095, 65536, 65537, 300_001, MiB + 3]
    offset = 0
    while offset < len(data):
        size = rng.choice(sizes)
        yield data[offset : offset + size]
        offset += size


def read_all(store: ObjectStore, key: str) -> bytes:
    return b"".join(store.open_stream(key))


class SourceFailure(Exception):
    """What a chunk iterator raises when the upload goes wrong on the client side."""


class ClientGone(BaseException):
    """A failure that is not even an Exception (like a cancelled request)."""


def failing_after(size: int, error: BaseException, chunk: int = 256 * 1024) -> Iterator[bytes]:
    data = random_bytes(size, seed=size)
    for offset in range(0, size, chunk):
        yield data[offset : offset + chunk]
    raise error


# -- round trips ------------------------------------------------------------------------


def test_a_small_document_round_trips_byte_for_byte(store: ObjectStore) -> None:
    key = new_object_key()
    store.put_stream(key, [b"ciphertext ", b"in ", b"three chunks"])
    assert read_all(store, key) == b"ciphertext in three chunks"


def test_an_empty_document_round_trips(store: ObjectStore) -> None:
    key = new_object_key()
    stored = store.put_stream(key, iter(()))
    assert stored == StoredObject(key=key, size=0, sha256_hex=hashlib.sha256(b"").hexdigest())
    assert read_all(store, key) == b""
    assert store.stat(key) == ObjectInfo(key=key, size=0)


def test_a_document_of_several_megabytes_in_uneven_chunks_round_trips(
    store: ObjectStore,
) -> None:
    data = random_bytes(12 * MiB + 12345)  # more than two S3 parts of 5 MiB
    key = new_object_key()
    store.put_stream(key, uneven_chunks(data))
    assert hashlib.sha256(read_all(store, key)).digest() == hashlib.sha256(data).digest()


def test_put_returns_the_size_and_sha256_it_measured_while_streaming(store: ObjectStore) -> None:
    data = random_bytes(6 * MiB + 1)
    key = new_object_key()
    stored = store.put_stream(key, uneven_chunks(data))
    assert stored == StoredObject(
        key=key, size=len(data), sha256_hex=hashlib.sha256(data).hexdigest()
    )


def test_stat_reports_the_size_of_the_stored_object(store: ObjectStore) -> None:
    key = new_object_key()
    store.put_stream(key, [b"x" * 1000, b"y" * 234])
    assert store.stat(key) == ObjectInfo(key=key, size=1234)


def test_a_stream_never_yields_chunks_larger_than_asked(store: ObjectStore) -> None:
    data = random_bytes(300_000)
    key = new_object_key()
    store.put_stream(key, [data])
    chunks = list(store.open_stream(key, chunk_size=10_000))
    assert all(0 < len(chunk) <= 10_000 for chunk in chunks)
    assert b"".join(chunks) == data


def test_keys_with_and_without_prefix_are_distinct_objects(store: ObjectStore) -> None:
    name = new_object_key().split("/")[1]
    store.put_stream(name, [b"bare"])
    store.put_stream(f"doc/{name}", [b"doc"])
    store.put_stream(f"dep/{name}", [b"deposit"])
    assert [read_all(store, k) for k in (name, f"doc/{name}", f"dep/{name}")] == [
        b"bare",
        b"doc",
        b"deposit",
    ]


def test_streaming_keeps_memory_bounded_by_one_part_not_the_document(store: ObjectStore) -> None:
    size = 48 * MiB

    def generated() -> Iterator[bytes]:
        block = random_bytes(64 * 1024)
        for _ in range(size // len(block)):
            yield block

    key = new_object_key()
    tracemalloc.start()
    try:
        store.put_stream(key, generated())
        digest = hashlib.sha256()
        for chunk in store.open_stream(key):
            digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == hashlib.sha256(b"".join(generated())).hexdigest()
    # Measured: the local store peaks at ~0.1 MiB (one chunk); S3 at ~15 MiB, three
    # copies of one 5 MiB part (our join, minio's two slices). Neither near 48 MiB.
    bound = 4 * store.part_size if isinstance(store, S3ObjectStore) else MiB
    assert peak < bound, f"peak {peak / MiB:.1f} MiB for a {size // MiB} MiB document"


# -- presence and deletion --------------------------------------------------------------


def test_exists_is_true_only_for_a_stored_object(store: ObjectStore) -> None:
    key = new_object_key()
    assert not store.exists(key)
    store.put_stream(key, [b"x"])
    assert store.exists(key)


def test_an_object_is_invisible_until_its_stream_is_complete(store: ObjectStore) -> None:
    key = new_object_key()
    seen_midway: list[bool] = []

    def chunks() -> Iterator[bytes]:
        yield random_bytes(7 * MiB)  # S3: the first part is uploaded by now
        seen_midway.append(store.exists(key))
        yield b"end"

    store.put_stream(key, chunks())
    assert seen_midway == [False]
    assert store.stat(key).size == 7 * MiB + 3


def test_delete_removes_the_object(store: ObjectStore, leftovers: Leftovers) -> None:
    key = new_object_key()
    store.put_stream(key, [b"to be destroyed"])
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(ObjectNotFound):
        store.open_stream(key)
    assert leftovers() == []


def test_deleting_a_missing_key_is_not_an_error(store: ObjectStore) -> None:
    key = new_object_key()
    store.delete(key)
    store.put_stream(key, [b"x"])
    store.delete(key)
    store.delete(key)
    assert not store.exists(key)


def test_opening_a_missing_key_raises_object_not_found_at_call_time(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        store.open_stream(new_object_key())  # not even iterated


def test_stat_of_a_missing_key_raises_object_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        store.stat(new_object_key())


# -- failures of the incoming stream ---------------------------------------------------


@pytest.mark.parametrize(
    ("fail_after", "error"),
    [
        pytest.param(0, SourceFailure("client sent garbage"), id="before-any-byte"),
        pytest.param(300 * 1024, TooLarge(), id="size-limit-in-the-first-part"),
        pytest.param(7 * MiB, SourceFailure("connection reset"), id="after-a-whole-part"),
        pytest.param(11 * MiB, ClientGone(), id="base-exception-after-two-parts"),
    ],
)
def test_a_failing_chunk_iterator_leaves_nothing_and_its_exception_propagates_unchanged(
    store: ObjectStore, leftovers: Leftovers, fail_after: int, error: BaseException
) -> None:
    key = new_object_key()
    with pytest.raises(type(error)) as raised:
        store.put_stream(key, failing_after(fail_after, error))
    assert raised.value is error
    assert error.__cause__ is None and error.__context__ is None  # nothing chained onto it
    assert not store.exists(key)
    assert leftovers() == []  # no object, no temp file, no pending multipart upload


def test_a_failed_overwrite_keeps_the_previous_object_whole(store: ObjectStore) -> None:
    key = new_object_key()
    store.put_stream(key, [b"first version"])
    with pytest.raises(SourceFailure):
        store.put_stream(key, failing_after(6 * MiB, SourceFailure()))
    assert read_all(store, key) == b"first version"


def test_overwriting_a_key_replaces_its_content_whole(store: ObjectStore) -> None:
    # Keys are random, so the domain never overwrites; if it did, readers would see
    # the old object or the new one, never a mix.
    key = new_object_key()
    store.put_stream(key, [b"old content, longer than the new one"])
    stored = store.put_stream(key, [b"new"])
    assert read_all(store, key) == b"new"
    assert stored.size == store.stat(key).size == 3


# -- keys ------------------------------------------------------------------------------

INVALID_KEYS = [
    "",
    "short",
    "doc/short",
    "doc/",
    "/0123456789abcdef",
    "../0123456789abcdef",
    "doc/../0123456789abcdef",
    "doc/0123456789ABCDEF",
    "Doc/0123456789abcdef",
    "a/b/0123456789abcdef",
    "doc/0123456789abcdef/",
    "doc/0123456789abcdef\n",
    "doc/0123456789abcdé0",
    "doc/" + "a" * 65,
    "dupont-jean/0123456789abcdef",
]


@pytest.mark.parametrize("key", INVALID_KEYS)
def test_an_invalid_key_is_refused_before_the_backend_is_touched(
    store: ObjectStore, leftovers: Leftovers, key: str
) -> None:
    with pytest.raises(ValueError):
        store.put_stream(key, [b"x"])
    for operation in (store.open_stream, store.stat, store.exists, store.delete):
        with pytest.raises(ValueError):
            operation(key)
    assert leftovers() == []


def test_new_object_keys_are_valid_random_and_carry_only_their_prefix() -> None:
    keys = {new_object_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert validate_key(key) == key
        prefix, name = key.split("/")
        assert prefix == "doc" and len(name) == 32
    assert new_object_key("dep").startswith("dep/")
    with pytest.raises(ValueError):
        new_object_key("Jean Dupont")


def test_a_healthy_store_passes_its_check(store: ObjectStore) -> None:
    store.check()


def test_every_backend_implements_the_protocol(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)


# -- local directory specifics ---------------------------------------------------------


def open_files_under(root: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    targets = []
    for fd in os.listdir(fd_dir):
        try:
            targets.append(os.readlink(fd_dir / fd))
        except OSError:
            continue
    return [t for t in targets if t.startswith(str(root))]


def test_local_objects_are_laid_out_by_prefix_and_first_two_characters(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    key = "doc/3f9a0123456789abcdef0123456789ab"
    store.put_stream(key, [b"x"])
    assert (tmp_path / "doc" / "3f" / "3f9a0123456789abcdef0123456789ab").read_bytes() == b"x"
    assert store.temp_files() == []


def test_local_stream_closes_its_file_when_closed_early_or_never_started(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    key = new_object_key()
    store.put_stream(key, [random_bytes(200_000)])
    stream = store.open_stream(key, chunk_size=1000)
    next(stream)
    assert open_files_under(tmp_path) != []
    stream.close()  # type: ignore[attr-defined]  # a generator
    assert open_files_under(tmp_path) == []
    unstarted = store.open_stream(key)
    del unstarted
    assert open_files_under(tmp_path) == []


def test_local_start_up_sweeps_stale_temp_files_and_keeps_young_ones(tmp_path: Path) -> None:
    LocalObjectStore(tmp_path)
    stale = tmp_path / ".tmp" / "put-crashed"
    young = tmp_path / ".tmp" / "put-in-progress"
    stale.write_bytes(b"half a document")
    young.write_bytes(b"being written by another process")
    two_hours_ago = stale.stat().st_mtime - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    store = LocalObjectStore(tmp_path)
    assert store.temp_files() == [young]


# -- S3 specifics ----------------------------------------------------------------------


@pytest.fixture
def s3_store(s3_server: S3Server) -> Iterator[S3ObjectStore]:
    store = make_test_s3_store(s3_server)
    yield store
    drop_bucket(s3_server, store.bucket)


def test_ensure_bucket_is_idempotent_and_leaves_versioning_off(
    s3_server: S3Server, s3_store: S3ObjectStore
) -> None:
    s3_store.ensure_bucket()
    s3_store.ensure_bucket()
    assert s3_server.client().get_bucket_versioning(s3_store.bucket).status != ENABLED


def test_a_versioned_bucket_is_suspended_and_delete_still_destroys_every_version(
    s3_server: S3Server, s3_store: S3ObjectStore
) -> None:
    client = s3_server.client()
    key = new_object_key()
    client.set_bucket_versioning(s3_store.bucket, VersioningConfig(ENABLED))
    s3_store.put_stream(key, [b"version one"])
    s3_store.put_stream(key, [b"version two"])
    s3_store.ensure_bucket()  # as at the next start-up
    assert client.get_bucket_versioning(s3_store.bucket).status == "Suspended"
    s3_store.put_stream(key, [b"version three"])
    s3_store.delete(key)
    # No content survives. A suspended bucket may keep a "null" delete marker (a
    # name, no bytes): S3 semantics, and SeaweedFS does not let it be removed.
    remaining = s3_leftovers(s3_server, s3_store.bucket)
    assert [entry for entry in remaining if not entry.startswith("delete marker")] == []


def test_incomplete_uploads_are_aborted_once_old_enough(
    s3_server: S3Server, s3_store: S3ObjectStore
) -> None:
    # What a server crash in the middle of a write leaves: a multipart upload that
    # was created and never completed nor aborted.
    client = s3_server.client()
    key = new_object_key()
    client._create_multipart_upload(s3_store.bucket, key, {})  # noqa: SLF001
    assert s3_store.abort_incomplete_uploads(timedelta(hours=1)) == 0
    assert s3_store.abort_incomplete_uploads(timedelta(0)) == 1
    assert s3_leftovers(s3_server, s3_store.bucket) == []


# -- housekeeping: what `coffre doctor` reads ----------------------------------------


def test_list_objects_names_every_whole_object_with_its_size_and_time(
    store: ObjectStore,
) -> None:
    from datetime import UTC, datetime

    before = datetime.now(UTC) - timedelta(seconds=5)
    keys = {new_object_key(): b"a" * 10, new_object_key("x"): b"bb", "c" * 32: b""}
    for key, data in keys.items():
        store.put_stream(key, [data])
    listed = {item.key: item for item in store.list_objects()}
    assert set(listed) == set(keys)
    assert {key: item.size for key, item in listed.items()} == {k: len(v) for k, v in keys.items()}
    assert all(
        before <= item.modified <= datetime.now(UTC) + timedelta(seconds=5)
        for item in listed.values()
    )


def test_an_interrupted_write_is_a_leftover_until_removed(
    store: ObjectStore, leftovers: Leftovers
) -> None:
    key = new_object_key()
    if isinstance(store, LocalObjectStore):
        # What a process killed in the middle of a write leaves: its temp file.
        (store.root / ".tmp" / "put-crashed").write_bytes(b"half")
    else:
        assert isinstance(store, S3ObjectStore)
        store._client._create_multipart_upload(store.bucket, key, {})  # noqa: SLF001
    [leftover] = store.leftovers()
    assert leftover.kind in ("temp_file", "multipart_upload")
    assert list(store.list_objects()) == []  # never visible as an object
    store.remove_leftover(leftover)
    store.remove_leftover(leftover)  # already gone: not an error
    assert store.leftovers() == []
    assert leftovers() == []


def test_the_first_bytes_of_an_object_are_read_without_the_rest(store: ObjectStore) -> None:
    data = random_bytes(3 * MiB + 7)
    key = new_object_key()
    store.put_stream(key, uneven_chunks(data))
    empty = new_object_key()
    store.put_stream(empty, iter(()))

    assert store.read_head(key, 33) == data[:33]
    assert store.read_head(key, 65) == data[:65]
    assert store.read_head(key, 2 * MiB) == data[: 2 * MiB]
    assert store.read_head(key, 10 * MiB) == data  # shorter than asked: all of it
    assert store.read_head(empty, 33) == b""
    with pytest.raises(ObjectNotFound):
        store.read_head(new_object_key(), 33)
