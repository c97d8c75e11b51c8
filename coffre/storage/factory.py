"""Builds the configured object store once, at start-up (CONVENTIONS 6).

Takes plain keyword arguments rather than the settings object, so that the storage
package depends on nothing else of Coffre; the caller passes
``settings.storage_backend``, ``settings.storage_dir``, ``settings.s3_*``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from coffre.storage.base import ObjectStore
from coffre.storage.local import LocalObjectStore


def make_object_store(
    backend: Literal["local", "s3"],
    *,
    local_dir: Path,
    s3_endpoint: str,
    s3_access_key: str,
    s3_secret_key: str,
    s3_bucket: str,
    s3_secure: bool,
    s3_region: str | None,
    prepare: bool = True,
) -> ObjectStore:
    """The object store for ``backend``.

    The local store creates its directories and sweeps stale temp files (always).
    With ``prepare`` (the default), the S3 store also runs ``ensure_bucket()``:
    creates the bucket, keeps versioning off, aborts dead uploads; so a server
    started against an unreachable store fails at start-up with StorageUnavailable
    rather than at the first upload. ``prepare=False`` makes no network call.
    """
    if backend == "local":
        return LocalObjectStore(local_dir)
    if backend == "s3":
        # minio is imported only where an S3 store is made (0.6 s of every start).
        from coffre.storage.s3 import S3ObjectStore, make_s3_client

        client = make_s3_client(
            s3_endpoint, s3_access_key, s3_secret_key, secure=s3_secure, region=s3_region
        )
        store = S3ObjectStore(client, s3_bucket)
        if prepare:
            store.ensure_bucket()
        return store
    raise ValueError(f"unknown storage backend: {backend!r}")
