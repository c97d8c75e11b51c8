"""The S3 object store: any S3-protocol server through the ``minio`` client.

Production runs SeaweedFS (docker-compose.yml); Garage, Ceph RGW or a cloud bucket
work the same (DESIGN.md, "Real components"). The client is made once at start-up by
``make_s3_client`` with short connect timeouts and few retries, so that "storage
down" is reported in seconds, not after minutes of retrying.

Writes are streaming multipart uploads of unknown length: minio reads one part at a
time (``part_size``, 8 MiB) from a file-like adapter over the chunk iterator, which
hashes and counts on the way, and sends it before reading the next; a write holds
about three copies of one part in memory (measured), whatever the document's size.
If the iterator raises, minio aborts the multipart upload and the iterator's own
exception is raised again, unchanged. A multipart upload that no one could abort
(the server died in the middle) is invisible under its key and removed by
``abort_incomplete_uploads``, which ``ensure_bucket`` runs at start-up.

Deleting must destroy (DESIGN.md; L103, GDPR erasure): ``ensure_bucket`` suspends
versioning if it finds it on, and ``delete`` also removes any old version of the key.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import MinioException, S3Error
from minio.helpers import MAX_PART_SIZE, MIN_PART_SIZE
from minio.versioningconfig import SUSPENDED, VersioningConfig

from coffre.errors import ObjectNotFound, StorageUnavailable
from coffre.storage.base import (
    DEFAULT_CHUNK_SIZE,
    Leftover,
    ListedObject,
    ObjectInfo,
    StoredObject,
    started,
    validate_key,
)

logger = logging.getLogger(__name__)

DEFAULT_PART_SIZE = 8 * 1024 * 1024
INCOMPLETE_UPLOAD_MAX_AGE = timedelta(days=1)
_MISSING_KEY_CODES = frozenset({"NoSuchKey", "NoSuchVersion"})
# What a client, network or server fault looks like from here. minio raises S3Error
# (an S3 error document), ServerError / InvalidResponseError (5xx or garbage);
# urllib3 raises MaxRetryError, ProtocolError, timeouts (all HTTPError); a reset
# socket can surface as a bare OSError.
_FAULTS = (MinioException, urllib3.exceptions.HTTPError, OSError)


def make_s3_client(
    endpoint: str,
    access_key: str,
    secret_key: str,
    secure: bool,
    region: str | None,
    *,
    connect_timeout: float = 2.0,
    read_timeout: float = 30.0,
    retries: int = 2,
) -> Minio:
    """A minio client whose faults surface in seconds.

    ``endpoint`` is ``host:port`` (no scheme). Connection refused fails at once;
    an unreachable host after ``connect_timeout`` × (1 + ``retries``); a frozen
    server after ``read_timeout``. 5xx answers are retried ``retries`` times.
    """
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED" if secure else "CERT_NONE",
        retries=urllib3.Retry(
            total=retries,
            backoff_factor=0.2,
            status_forcelist=(500, 502, 503, 504),
        ),
    )
    return Minio(
        endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=region,
        http_client=http,
    )


@contextmanager
def _translated_faults() -> Iterator[None]:
    """NoSuchKey → ObjectNotFound; every other client/server fault → StorageUnavailable."""
    try:
        yield
    except S3Error as exc:
        if exc.code in _MISSING_KEY_CODES:
            raise ObjectNotFound() from exc
        # NoSuchBucket, AccessDenied, SignatureDoesNotMatch, InternalError…: the
        # store cannot serve (misconfigured or failing), which is not the caller's doing.
        raise StorageUnavailable() from exc
    except _FAULTS as exc:
        raise StorageUnavailable() from exc


class _SourceFailed(Exception):
    """Carries the chunk iterator's failure through minio, which then aborts the upload.

    minio aborts a multipart upload on ``Exception`` only; the iterator may raise
    anything (even a BaseException), so the adapter keeps the original and raises this.
    """


class _ChunkReader:
    """``read(n)`` over an iterator of chunks, hashing and counting what it hands out.

    Each read joins the chunks it needs in one copy and keeps only the unused tail of
    the last one, so that, with minio's own copies, a write holds about two parts in
    memory whatever the size of the document.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""
        self._digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            raise ValueError("this reader streams: read() needs a size")
        pieces: list[bytes] = []
        wanted = size
        while wanted > 0:
            if self._pending:
                chunk, self._pending = self._pending, b""
            else:
                try:
                    chunk = next(self._chunks)
                except StopIteration:
                    break
                except BaseException as exc:  # any failure of the source, re-raised by put_stream
                    self.error = exc
                    raise _SourceFailed() from exc
            if len(chunk) > wanted:
                chunk, self._pending = chunk[:wanted], chunk[wanted:]
            if chunk:
                self._digest.update(chunk)
                pieces.append(chunk)
                wanted -= len(chunk)
        data = b"".join(pieces)
        self.size += len(data)
        return data

    def sha256_hex(self) -> str:
        return self._digest.hexdigest()


class S3ObjectStore:
    """Objects in one bucket of an S3-protocol server."""

    def __init__(self, client: Minio, bucket: str, part_size: int = DEFAULT_PART_SIZE) -> None:
        if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be between {MIN_PART_SIZE} and {MAX_PART_SIZE}")
        self._client = client
        self.bucket = bucket
        self.part_size = part_size

    # -- start-up ----------------------------------------------------------------

    def ensure_bucket(self) -> None:
        """Create the bucket if missing, keep versioning off, drop dead uploads.

        Idempotent; run once at start-up. A bucket found with versioning enabled is
        suspended (S3 cannot turn versioning fully off again): with versioning on, a
        delete would only hide a document, not destroy it.
        """
        with _translated_faults():
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code != "BucketAlreadyOwnedByYou":  # another replica won the race
                        raise
            if self._client.get_bucket_versioning(self.bucket).status == ENABLED:
                logger.warning(
                    "bucket %s had versioning enabled: suspending it, so that deleting "
                    "a document destroys it",
                    self.bucket,
                )
                self._client.set_bucket_versioning(self.bucket, VersioningConfig(SUSPENDED))
        self.abort_incomplete_uploads(INCOMPLETE_UPLOAD_MAX_AGE)

    def abort_incomplete_uploads(self, older_than: timedelta) -> int:
        """Abort multipart uploads started more than ``older_than`` ago; return the count.

        They are what remains when the server (or this process) died in the middle
        of a write: invisible under their key, but they hold ciphertext parts. Younger
        ones may be writes in progress in another replica.
        """
        cutoff = datetime.now(UTC) - older_than
        aborted = 0
        key_marker: str | None = None
        with _translated_faults():
            while True:
                # minio has no public call for these two S3 APIs (ListMultipartUploads,
                # AbortMultipartUpload); its own put_object uses the same methods.
                page = self._client._list_multipart_uploads(self.bucket, key_marker=key_marker)
                for upload in page.uploads:
                    started_at = upload.initiated_time
                    if upload.upload_id is None or (started_at is not None and started_at > cutoff):
                        continue
                    self._client._abort_multipart_upload(
                        self.bucket, upload.object_name, upload.upload_id
                    )
                    aborted += 1
                if not page.is_truncated or page.next_key_marker in (None, key_marker):
                    return aborted
                key_marker = page.next_key_marker

    # -- writing -----------------------------------------------------------------

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> StoredObject:
        validate_key(key)
        reader = _ChunkReader(chunks)
        try:
            with _translated_faults():
                self._client.put_object(
                    self.bucket,
                    key,
                    reader,  # type: ignore[arg-type]  # minio only calls read(n)
                    length=-1,
                    part_size=self.part_size,
                    # One part in flight: bounded memory, and the upload stops at the
                    # first failure.
                    num_parallel_uploads=1,
                )
        except _SourceFailed:
            # The chunk iterator failed; minio aborted the multipart upload, if one
            # had been started, before re-raising.
            error = reader.error
        except StorageUnavailable:
            if reader.error is None:
                raise  # a storage fault
            # The iterator failed, then aborting the upload failed too (server gone).
            logger.warning(
                "could not abort the multipart upload of a failed write; "
                "abort_incomplete_uploads will remove it"
            )
            error = reader.error
        else:
            return StoredObject(key=key, size=reader.size, sha256_hex=reader.sha256_hex())
        if error is None:  # pragma: no cover - _SourceFailed is raised after error is set
            raise StorageUnavailable()
        # The iterator's own exception, unchanged: raised outside any except block so
        # that nothing is chained onto it.
        raise error

    # -- reading -----------------------------------------------------------------

    def open_stream(self, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        validate_key(key)
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        return started(self._chunks(key, chunk_size))

    def _chunks(self, key: str, chunk_size: int) -> Generator[bytes, None, None]:
        with _translated_faults():
            response = self._client.get_object(self.bucket, key)
        try:
            yield b""  # opened: see base.started()
            # decode_content=False: the bytes exactly as stored, whatever the headers.
            body = response.stream(chunk_size, decode_content=False)
            while True:
                with _translated_faults():
                    data = next(body, None)
                if data is None:
                    return
                if data:
                    yield data
        finally:
            response.close()
            response.release_conn()

    def read_head(self, key: str, size: int) -> bytes:
        validate_key(key)
        if size <= 0:
            raise ValueError("size must be positive")
        try:
            response = self._client.get_object(self.bucket, key, offset=0, length=size)
        except S3Error as exc:
            if exc.code != "InvalidRange":
                with _translated_faults():
                    raise
            self.stat(key)  # an empty object has no first byte; a missing one raises
            return b""
        except _FAULTS as exc:
            raise StorageUnavailable() from exc
        head = bytearray()
        try:
            with _translated_faults():
                # A server that ignores the range sends it all: stop at ``size``.
                for data in response.stream(min(size, DEFAULT_CHUNK_SIZE), decode_content=False):
                    head += data
                    if len(head) >= size:
                        break
        finally:
            response.close()
            response.release_conn()
        return bytes(head[:size])

    def stat(self, key: str) -> ObjectInfo:
        validate_key(key)
        with _translated_faults():
            info = self._client.stat_object(self.bucket, key)
        return ObjectInfo(key=key, size=info.size or 0)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    # -- deleting ----------------------------------------------------------------

    def delete(self, key: str) -> None:
        validate_key(key)
        with _translated_faults():
            # If versioning was ever on, older versions survive a plain delete:
            # remove them by id first, so that no content stays behind. Then delete
            # the current object (in a bucket whose versioning is suspended this may
            # leave a "null" delete marker: a name without content).
            for version in self._client.list_objects(self.bucket, prefix=key, include_version=True):
                if version.object_name == key and version.version_id not in (None, "null"):
                    self._client.remove_object(self.bucket, key, version_id=version.version_id)
            self._client.remove_object(self.bucket, key)

    # -- housekeeping ------------------------------------------------------------

    def list_objects(self) -> Iterator[ListedObject]:
        with _translated_faults():
            listing = self._client.list_objects(self.bucket, recursive=True)
            for item in listing:
                key = item.object_name or ""
                try:
                    validate_key(key)
                except ValueError:
                    continue  # not an object of ours
                modified = item.last_modified or datetime.now(UTC)
                yield ListedObject(key=key, size=item.size or 0, modified=modified)

    def leftovers(self) -> list[Leftover]:
        found: list[Leftover] = []
        key_marker: str | None = None
        with _translated_faults():
            while True:
                # See abort_incomplete_uploads: no public minio call for this S3 API.
                page = self._client._list_multipart_uploads(self.bucket, key_marker=key_marker)
                for upload in page.uploads:
                    if upload.upload_id is None or upload.object_name is None:
                        continue
                    started_at = upload.initiated_time or datetime.now(UTC)
                    found.append(
                        Leftover(
                            "multipart_upload", upload.object_name, started_at, upload.upload_id
                        )
                    )
                if not page.is_truncated or page.next_key_marker in (None, key_marker):
                    break
                key_marker = page.next_key_marker
        return sorted(found, key=lambda leftover: leftover.started)

    def remove_leftover(self, leftover: Leftover) -> None:
        if leftover.kind != "multipart_upload":
            raise ValueError(f"not a multipart upload: {leftover.kind!r}")
        with _translated_faults():
            try:
                self._client._abort_multipart_upload(self.bucket, leftover.name, leftover.handle)
            except S3Error as exc:
                if exc.code != "NoSuchUpload":  # finished or aborted meanwhile
                    raise

    # -- health ------------------------------------------------------------------

    def check(self) -> None:
        with _translated_faults():
            present = self._client.bucket_exists(self.bucket)
        if not present:
            raise StorageUnavailable()
