"""A hostile server, for the Python client's v2 tests: it changes its own database and
object store directly, as a compromised operator could, and serves the result through
the real application. Also: a Python client on a live server that counts what it sends.

Nothing here patches our code: the server runs unchanged; only its stored rows and
objects are altered between two client calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from client import CoffreClient
from client.memory import ReaderMemory
from coffre.settings import Settings
from coffre.storage import ObjectStore, make_object_store

# What moves together when a server serves one document's content for another's: the
# object, and the size and hash it announces with it (else the HTTP answer breaks).
STREAM = ("object_key", "ciphertext_size", "ciphertext_sha256")


@dataclass
class Traffic:
    """Every request a client sent: (method, path, body bytes)."""

    requests: list[tuple[str, str, int]] = field(default_factory=list)

    def sent(self, method: str, suffix: str = "") -> list[tuple[str, str, int]]:
        return [r for r in self.requests if r[0] == method and r[1].endswith(suffix)]

    @property
    def body_bytes(self) -> int:
        return sum(r[2] for r in self.requests)


class _CountingStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, record: list[int]) -> None:
        self._inner = inner
        self._record = record

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._record[0] += len(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class CountingTransport(httpx.HTTPTransport):
    """The real HTTP transport, counting each request's body as it goes out."""

    def __init__(self, traffic: Traffic) -> None:
        super().__init__()
        self.traffic = traffic

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        record = [0]
        stream = request.stream
        assert isinstance(stream, httpx.SyncByteStream)
        request.stream = _CountingStream(stream, record)
        try:
            return super().handle_request(request)
        finally:
            self.traffic.requests.append((request.method, request.url.path, record[0]))


@contextmanager
def client_on(
    live_server: str, token: str, memory: Path | None = None, traffic: Traffic | None = None
) -> Iterator[CoffreClient]:
    """A real client on the live server, with its memory file and a byte counter."""
    transport = CountingTransport(traffic or Traffic())
    http = httpx.Client(base_url=live_server, transport=transport, timeout=60)
    with CoffreClient(
        live_server, http=http, token=token, memory=ReaderMemory(memory) if memory else None
    ) as client:
        yield client


class HostileServer:
    """The server's own database and object store, changed behind the application."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine = create_engine(settings.database_url)
        self.store: ObjectStore = make_object_store(
            settings.storage_backend,
            local_dir=settings.storage_dir,
            s3_endpoint=settings.s3_endpoint,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_bucket=settings.s3_bucket,
            s3_secure=settings.s3_secure,
            s3_region=settings.s3_region,
        )

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn

    def row(self, document_id: str) -> dict[str, Any]:
        with self._conn() as conn:
            found = conn.execute(
                text("SELECT * FROM documents WHERE id = :id"), {"id": document_id}
            ).mappings()
            return dict(found.one())

    def set(self, document_id: str, **values: Any) -> None:
        if not values:
            return
        names = ", ".join(f"{k} = :{k}" for k in values)
        with self._conn() as conn:
            conn.execute(
                text(f"UPDATE documents SET {names} WHERE id = :id"),
                {**values, "id": document_id},
            )

    def swap(self, a: str, b: str, *columns: str) -> None:
        """Serve a's ``columns`` for b and b's for a (object keys are unique: via NULL)."""
        row_a, row_b = self.row(a), self.row(b)
        self.set(a, **{c: None for c in columns if c == "object_key"})
        self.set(b, **{c: row_a[c] for c in columns})
        self.set(a, **{c: row_b[c] for c in columns})

    def sealed_key(self, document_id: str, recipient_id: str) -> bytes:
        with self._conn() as conn:
            value = conn.execute(
                text(
                    "SELECT sealed_key FROM sealed_keys "
                    "WHERE document_id = :d AND recipient_id = :r"
                ),
                {"d": document_id, "r": recipient_id},
            ).scalar_one()
        return bytes(value)

    def set_sealed_key(self, document_id: str, recipient_id: str, sealed: bytes) -> None:
        with self._conn() as conn:
            conn.execute(
                text(
                    "UPDATE sealed_keys SET sealed_key = :k "
                    "WHERE document_id = :d AND recipient_id = :r"
                ),
                {"k": sealed, "d": document_id, "r": recipient_id},
            )

    def swap_sealed_keys(self, a: str, b: str, recipient_id: str) -> None:
        key_a, key_b = self.sealed_key(a, recipient_id), self.sealed_key(b, recipient_id)
        self.set_sealed_key(a, recipient_id, key_b)
        self.set_sealed_key(b, recipient_id, key_a)

    def set_sign_key(self, account_id: str, sign_public_key: bytes) -> None:
        """Show another sign key for an account (to mint in its name)."""
        with self._conn() as conn:
            conn.execute(
                text("UPDATE accounts SET sign_public_key = :k WHERE id = :id"),
                {"k": sign_public_key, "id": account_id},
            )

    def object(self, document_id: str) -> bytes:
        return b"".join(self.store.open_stream(str(self.row(document_id)["object_key"])))
