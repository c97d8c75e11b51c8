"""Backend faults, made real: a stopped, crashed, frozen or failing S3 server, wrong
credentials, a full disk, a file-size limit, a read-only file system.

Nothing here patches our code: the faults happen in the server process, the kernel
or the network, and the stores must report ``StorageUnavailable`` within seconds
and leave nothing half-written.

* S3: a SeaweedFS of this module's own (the session one is shared with other tests)
  is stopped (SIGTERM), killed (SIGKILL) or frozen (SIGSTOP); a loopback HTTP
  server answers 503 to everything.
* Local: a 2 MiB tmpfs fills up (ENOSPC; needs root, skipped otherwise); a child
  process runs under ``RLIMIT_FSIZE`` (EFBIG; works anywhere); the file system is
  remounted read-only (EROFS; root) or the directory made read-only (EACCES; non-root,
  since root ignores permission bits).
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from minio.error import S3Error

from coffre.errors import StorageUnavailable
from coffre.storage import LocalObjectStore, new_object_key
from coffre.storage.s3 import S3ObjectStore, make_s3_client
from tests.servers.ports import LOOPBACK, assert_loopback
from tests.servers.seaweedfs import S3Server, start_seaweedfs
from tests.storage.conftest import drop_bucket, local_leftovers, make_test_s3_store, s3_leftovers

MiB = 1024 * 1024
FEW_SECONDS = 5.0
REPO_ROOT = Path(__file__).resolve().parents[2]


def fails_quickly(operation: Callable[[], object]) -> StorageUnavailable:
    """Run ``operation``; it must raise StorageUnavailable within a few seconds."""
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as raised:
        operation()
    elapsed = time.monotonic() - started
    assert elapsed < FEW_SECONDS, (
        f"took {elapsed:.1f}s to report the fault ({raised.value.__cause__!r})"
    )
    return raised.value


def consume(chunks: Iterator[bytes]) -> None:
    for _ in chunks:
        pass


# -- S3: a server of our own, which the tests stop, kill and freeze --------------------


@pytest.fixture(scope="module")
def fragile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = start_seaweedfs(tmp_path_factory.mktemp("fragile-seaweedfs"))
    yield server
    server.close()


@pytest.fixture
def fragile_store(fragile_server: S3Server) -> Iterator[S3ObjectStore]:
    fragile_server.resume()
    fragile_server.start()  # no-op when running; brings it back after a test stopped it
    store = make_test_s3_store(fragile_server)
    yield store
    fragile_server.resume()
    fragile_server.start()
    drop_bucket(fragile_server, store.bucket)


def test_every_operation_on_a_stopped_s3_server_raises_storage_unavailable_within_seconds(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    kept = new_object_key()
    fragile_store.put_stream(kept, [b"stored before the outage"])
    attempted = new_object_key()
    fragile_server.stop()

    fails_quickly(lambda: fragile_store.put_stream(attempted, [b"x" * (6 * MiB)]))
    fails_quickly(lambda: fragile_store.open_stream(kept))
    fails_quickly(lambda: fragile_store.stat(kept))
    fails_quickly(lambda: fragile_store.exists(kept))
    fails_quickly(lambda: fragile_store.delete(kept))
    fails_quickly(fragile_store.check)
    fails_quickly(fragile_store.ensure_bucket)

    fragile_server.start()
    fragile_store.check()
    assert not fragile_store.exists(attempted)
    assert b"".join(fragile_store.open_stream(kept)) == b"stored before the outage"
    assert s3_leftovers(fragile_server, fragile_store.bucket) == [f"object {kept}"]


def test_a_server_crash_in_the_middle_of_an_upload_leaves_no_object(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    key = new_object_key()
    killed_at: list[float] = []

    def chunks() -> Iterator[bytes]:
        yield b"a" * (6 * MiB)  # the first 5 MiB part goes out when the second is read
        fragile_server.kill()
        killed_at.append(time.monotonic())
        yield b"b" * (6 * MiB)

    with pytest.raises(StorageUnavailable) as raised:
        fragile_store.put_stream(key, chunks())
    assert time.monotonic() - killed_at[0] < FEW_SECONDS
    assert raised.value.__cause__ is not None  # chained to the client's own error

    fragile_server.start()
    assert not fragile_store.exists(key)
    # No one could abort the upload: its parts wait for the start-up sweep.
    fragile_store.abort_incomplete_uploads(timedelta(0))
    assert s3_leftovers(fragile_server, fragile_store.bucket) == []


class SourceFailure(Exception):
    pass


def test_a_source_failing_while_the_server_is_down_still_raises_its_own_exception(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    key = new_object_key()
    failure = SourceFailure("client gone")

    def chunks() -> Iterator[bytes]:
        yield b"a" * (6 * MiB)  # a multipart upload is under way after this
        fragile_server.kill()  # so that minio cannot abort it
        raise failure

    with pytest.raises(SourceFailure) as raised:
        fragile_store.put_stream(key, chunks())
    assert raised.value is failure and failure.__context__ is None

    fragile_server.start()
    assert not fragile_store.exists(key)
    fragile_store.abort_incomplete_uploads(timedelta(0))
    assert s3_leftovers(fragile_server, fragile_store.bucket) == []


def test_a_read_cut_by_a_server_crash_raises_storage_unavailable(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    key = new_object_key()
    fragile_store.put_stream(key, [os.urandom(12 * MiB)])
    stream = fragile_store.open_stream(key, chunk_size=64 * 1024)
    next(stream)
    fragile_server.kill()
    fails_quickly(lambda: consume(stream))


def test_a_frozen_server_times_out_as_storage_unavailable(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    impatient = S3ObjectStore(
        make_s3_client(
            fragile_server.endpoint,
            fragile_server.access_key,
            fragile_server.secret_key,
            secure=False,
            region=fragile_server.region,
            read_timeout=1.0,
            retries=0,
        ),
        fragile_store.bucket,
    )
    fragile_server.pause()  # the kernel still accepts connections; nothing answers
    try:
        fails_quickly(impatient.check)
        fails_quickly(lambda: impatient.stat(new_object_key()))
    finally:
        fragile_server.resume()
    impatient.check()


def test_wrong_credentials_are_refused_by_the_server_and_reported_as_unavailable(
    fragile_server: S3Server, fragile_store: S3ObjectStore
) -> None:
    with pytest.raises(S3Error) as raised:
        fragile_server.client(secret_key="not-the-secret").list_buckets()
    assert raised.value.code == "SignatureDoesNotMatch"
    with pytest.raises(S3Error) as raised:
        fragile_server.client(access_key="nobody").list_buckets()
    assert raised.value.code == "InvalidAccessKeyId"

    intruder = S3ObjectStore(
        make_s3_client(
            fragile_server.endpoint,
            fragile_server.access_key,
            "not-the-secret",
            secure=False,
            region=fragile_server.region,
        ),
        fragile_store.bucket,
    )
    fails_quickly(intruder.check)
    fails_quickly(lambda: intruder.put_stream(new_object_key(), [b"intrusion"]))
    assert s3_leftovers(fragile_server, fragile_store.bucket) == []


def test_a_missing_bucket_makes_the_store_unavailable(fragile_server: S3Server) -> None:
    client = make_s3_client(
        fragile_server.endpoint,
        fragile_server.access_key,
        fragile_server.secret_key,
        secure=False,
        region=fragile_server.region,
    )
    store = S3ObjectStore(client, "no-such-bucket-here")
    fails_quickly(store.check)
    fails_quickly(lambda: store.put_stream(new_object_key(), [b"x"]))


class _AlwaysUnavailable(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint in trouble: every request gets 503 with an S3 error document."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code>'
            b"<Message>Please reduce your request rate.</Message></Error>"
        )
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def failing_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), _AlwaysUnavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_server_answering_503_makes_the_store_unavailable(failing_endpoint: str) -> None:
    assert_loopback(failing_endpoint)
    store = S3ObjectStore(
        make_s3_client(failing_endpoint, "key", "secret", secure=False, region="us-east-1"),
        "coffre",
    )
    fails_quickly(store.check)
    fails_quickly(lambda: store.put_stream(new_object_key(), [b"x" * 1000]))
    fails_quickly(lambda: store.open_stream(new_object_key()))
    fails_quickly(lambda: store.stat(new_object_key()))
    fails_quickly(lambda: store.delete(new_object_key()))


# -- local directory: real file-system failures -----------------------------------------


def _mount_tmpfs(mount_point: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")


def _unmount(mount_point: Path) -> None:
    subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB file system (tmpfs): writing more fails with ENOSPC."""
    mount_point = tmp_path / "small-disk"
    _mount_tmpfs(mount_point, "2m")
    try:
        yield mount_point
    finally:
        _unmount(mount_point)


def test_a_full_disk_during_a_write_raises_storage_unavailable_and_leaves_no_file(
    small_disk: Path,
) -> None:
    store = LocalObjectStore(small_disk)
    key = new_object_key()
    error = fails_quickly(lambda: store.put_stream(key, (b"x" * 65536 for _ in range(64))))
    assert isinstance(error.__cause__, OSError) and error.__cause__.errno == errno.ENOSPC
    assert local_leftovers(store) == []
    assert not store.exists(key)
    # The space of the failed write was given back: the store works again.
    store.put_stream(key, [b"small enough"])
    store.check()


_CHILD_UNDER_FILE_SIZE_LIMIT = """
import json, resource, signal, sys
from pathlib import Path

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))

from coffre.errors import StorageUnavailable
from coffre.storage import LocalObjectStore

store = LocalObjectStore(Path(sys.argv[1]))
try:
    store.put_stream(sys.argv[2], (b"x" * 65536 for _ in range(64)))
except StorageUnavailable as exc:
    print(json.dumps({"raised": "StorageUnavailable", "errno": exc.__cause__.errno}))
else:
    print(json.dumps({"raised": None}))
"""


def test_a_write_past_the_file_size_limit_raises_storage_unavailable_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    # Works without privileges: the kernel refuses to grow a file past RLIMIT_FSIZE.
    root = tmp_path / "objects"
    key = new_object_key()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD_UNDER_FILE_SIZE_LIMIT, str(root), key],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"raised": "StorageUnavailable", "errno": errno.EFBIG}
    store = LocalObjectStore(root)
    assert local_leftovers(store) == []
    assert not store.exists(key)


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[tuple[LocalObjectStore, str]]:
    """A store holding one object, whose file system then turns read-only."""
    if os.geteuid() == 0:
        # Root ignores permission bits: remount a tmpfs read-only instead, which is
        # what ext4 does by itself on I/O errors (errors=remount-ro).
        root = tmp_path / "disk"
        _mount_tmpfs(root, "8m")
        store = LocalObjectStore(root)
        key = new_object_key()
        store.put_stream(key, [b"written before the file system turned read-only"])
        subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True)
        try:
            yield store, key
        finally:
            _unmount(root)
    else:
        root = tmp_path / "objects"
        store = LocalObjectStore(root)
        key = new_object_key()
        store.put_stream(key, [b"written before the file system turned read-only"])
        directories = [root, *(p for p in root.rglob("*") if p.is_dir())]
        for directory in directories:
            directory.chmod(0o555)
        try:
            yield store, key
        finally:
            for directory in directories:
                directory.chmod(0o755)


def test_a_read_only_store_refuses_writes_as_unavailable_and_still_serves_reads(
    read_only_store: tuple[LocalObjectStore, str],
) -> None:
    store, key = read_only_store
    error = fails_quickly(lambda: store.put_stream(new_object_key(), [b"x"]))
    assert isinstance(error.__cause__, OSError)
    assert error.__cause__.errno in (errno.EROFS, errno.EACCES)
    fails_quickly(lambda: store.delete(key))
    fails_quickly(store.check)
    assert b"".join(store.open_stream(key)) == b"written before the file system turned read-only"


# -- the loopback guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1:8333",
        "localhost:8333",
        "http://127.0.0.2:9000",
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    ],
)
def test_the_loopback_guard_lets_local_servers_through(address: str) -> None:
    assert_loopback(address)


@pytest.mark.parametrize(
    "address",
    [
        "s3.amazonaws.com",
        "s3.fr-par.scw.cloud:443",
        "https://10.0.0.5:8333",
        "127.0.0.1.attacker.example:80",
        "postgresql+psycopg://coffre@db.internal:5432/coffre",
        "postgresql+psycopg:///coffre?host=/run/postgresql",
        "",
    ],
)
def test_the_loopback_guard_refuses_any_other_endpoint(address: str) -> None:
    with pytest.raises(AssertionError):
        assert_loopback(address)
