"""Per-test databases and buckets without the per-test wait (tests/conftest.py).

Every backend test still gets a database of its own, copied from the migrated
template, and a bucket that holds nothing. What changes is *when* the work is done:

- ``DatabaseCopies`` makes the next copies (``CREATE DATABASE ... TEMPLATE``, a few
  hundred milliseconds of the PostgreSQL server's time) on a background thread while
  the current test runs, and drops used copies there too. The test process, which
  mostly waits on one core, no longer waits for them; the server does the work on the
  other core. A copy is never handed out twice.
- ``Buckets`` hands out empty buckets. SeaweedFS gives a bucket volumes of its own at
  its first write and deletes them with the bucket (about 0.2 s together); a used
  bucket is emptied instead (every object version, every pending upload) and handed
  out again, so only the first few buckets of a session pay for their volumes. A
  bucket that cannot be brought back to the state of a new one (versioning touched,
  something left, the server not answering) is dropped and never handed out again.
"""

from __future__ import annotations

import contextlib
import json
import queue
import secrets
import threading
import urllib.request
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from tests.servers.ports import assert_loopback
from tests.servers.seaweedfs import S3Server, drop_bucket

# How many copies are made ahead: one for the next test is enough to hide the wait;
# two absorb a test that uses its database for a very short time.
AHEAD = 2
TAKE_TIMEOUT = 120.0


class DatabaseCopies:
    """Fresh copies of a PostgreSQL template database, made ahead of need."""

    def __init__(self, server_url: str, template: str, *, ahead: int = AHEAD) -> None:
        self._server_url = server_url
        self._template = template
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._work: queue.Queue[tuple[str, str]] = queue.Queue()
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="db-copies", daemon=True)
        self._thread.start()
        for _ in range(ahead):
            self._work.put(("create", ""))

    def take(self) -> str:
        """The URL of a database nobody else has used (made ahead, or now)."""
        self._work.put(("create", ""))  # keep `ahead` copies in reserve
        try:
            made = self._ready.get(timeout=TAKE_TIMEOUT)
        except queue.Empty:
            raise RuntimeError("no database copy was made in time") from None
        if isinstance(made, BaseException):
            raise RuntimeError(f"copying the template database failed: {made!r}") from made
        return self._server_url.rsplit("/", 1)[0] + "/" + made

    def give_back(self, url: str) -> None:
        """The test is over: the copy is dropped (on the background thread)."""
        self._work.put(("drop", url.rsplit("/", 1)[1]))

    def close(self) -> None:
        """Drop the copies made ahead and every copy given back; stop the thread."""
        self._closed = True
        self._work.put(("stop", ""))
        self._thread.join(timeout=60)
        while True:
            try:
                made = self._ready.get_nowait()
            except queue.Empty:
                break
            if isinstance(made, str):
                with contextlib.suppress(Exception):
                    self._drop(made)
        self._admin.dispose()

    def _run(self) -> None:
        while True:
            action, name = self._work.get()
            if action == "stop":
                return
            if action == "drop":
                with contextlib.suppress(Exception):  # the server may be gone at the end
                    self._drop(name)
                continue
            if self._closed:
                continue
            name = "t_" + secrets.token_hex(6)
            try:
                with self._admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"'))
            except Exception as exc:  # noqa: BLE001 - handed to the test that waits
                self._ready.put(exc)
            else:
                self._ready.put(name)

    def _drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Buckets:
    """Empty buckets of the session's S3 server, re-used once emptied.

    SeaweedFS keeps a bucket as a filer directory (``/buckets/<name>``) whose attributes
    hold the bucket's settings (versioning, owner, quota...). A used bucket is emptied
    through the filer (every entry under it: objects, old versions, folders, pending
    multipart uploads) and re-used only if its attributes are still those it had when
    new; the next test sees exactly what a new bucket shows.
    """

    def __init__(self, server: S3Server) -> None:
        self._server = server
        self._filer = server.filer_url
        assert_loopback(self._filer)
        self._free: list[str] = []
        self._as_new: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            if self._free:
                return self._free.pop()
        bucket = "t" + secrets.token_hex(8)
        self._server.client().make_bucket(bucket)
        self._as_new[bucket] = self._settings(bucket)
        return bucket

    def give_back(self, bucket: str) -> None:
        """Empty the bucket for the next test, or drop it if it cannot be made as new."""
        try:
            reusable = self._server.is_running and self._empty(bucket)
        except Exception:  # noqa: BLE001 - any doubt: the bucket is not re-used
            reusable = False
        if reusable:
            with self._lock:
                self._free.append(bucket)
            return
        self._as_new.pop(bucket, None)
        with contextlib.suppress(Exception):
            drop_bucket(self._server, bucket)

    def _empty(self, bucket: str) -> bool:
        if self._settings(bucket) != self._as_new.get(bucket):
            return False  # e.g. versioning was switched on: S3 cannot switch it off again
        for _ in range(100):
            entries = self._entries(bucket)
            if not entries:
                return True
            for path in entries:
                self._request("DELETE", f"{path}?recursive=true&ignoreRecursiveError=false")
        return False

    def _settings(self, bucket: str) -> dict[str, Any]:
        entry = json.loads(self._request("GET", f"/buckets/{bucket}?metadata=true"))
        return {key: entry.get(key) for key in _BUCKET_SETTINGS}

    def _entries(self, bucket: str) -> list[str]:
        listing = json.loads(self._request("GET", f"/buckets/{bucket}/?limit=1000"))
        return [str(entry["FullPath"]) for entry in listing.get("Entries") or []]

    def _request(self, method: str, path: str) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the loopback filer
            self._filer + quote(path, safe="/?=&"),
            method=method,
            headers={"Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return bytes(response.read())


# What a bucket's filer entry holds besides its name and times.
_BUCKET_SETTINGS = ("Extended", "Mode", "TtlSec", "Quota", "WORMEnforcedAtTsNs", "Remote")
