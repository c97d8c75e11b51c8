"""A small loopback HTTP server that stands between ``coffre-verify`` and the real server
and shows another view of the log: the real server's log rewritten (an entry edited,
deleted, reordered or inserted; the log cut back) and signed again with the log's own
key — what a dishonest operator holding the key could show — or the real answers with
one tile's bytes flipped (someone in the middle without the key).

Everything not overridden is forwarded to the real server as is."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx

from auditlog import proofs
from auditlog.checkpoint import Checkpoint, sign_checkpoint, timestamp_extension
from auditlog.merkle import leaf_hash
from auditlog.note import Signer
from auditlog.tiles import (
    TILE_WIDTH,
    encode_bundle,
    encode_tile,
    parse_tile_path,
    perfect_root,
    tile_width,
)

PREFIX = "/api/v1/audit"


class View:
    """A log of ``entries`` (leaf data, in order), served as tiles, bundles and proofs,
    under a checkpoint signed by ``signer`` (or the ``note`` given: a replayed one)."""

    def __init__(self, entries: Sequence[bytes], signer: Signer, note: str | None = None) -> None:
        self.entries = list(entries)
        self.hashes = [leaf_hash(e) for e in self.entries]
        self.source = proofs.ListSource(self.hashes)
        root = proofs.tree_root(self.source, len(self.hashes))
        if note is None:
            checkpoint = Checkpoint(
                signer.name,
                len(self.hashes),
                root,
                (timestamp_extension(datetime.now(UTC)),),
            )
            note = sign_checkpoint(checkpoint, signer)
        self.note = note

    def level(self, level: int, start: int, count: int) -> list[bytes]:
        span = TILE_WIDTH**level
        return [
            perfect_root(self.hashes[(start + i) * span : (start + i + 1) * span])
            for i in range(count)
        ]

    def tile(self, path: str) -> bytes | None:
        try:
            tile = parse_tile_path(path)
        except ValueError:
            return None
        size = len(self.hashes)
        level = tile.level if tile.level is not None else 0
        if tile_width(level, tile.index, size) != tile.width:
            return None
        start = tile.index * TILE_WIDTH
        if tile.level is None:
            return encode_bundle(self.entries[start : start + tile.width])
        return encode_tile(self.level(level, start, tile.width))

    def consistency(self, old: int, new: int) -> dict[str, object] | None:
        if not 0 <= old <= new <= len(self.hashes):
            return None
        proof = proofs.consistency_proof(self.source, old, new)
        return {
            "old": old,
            "new": new,
            "proof": [base64.b64encode(p).decode() for p in proof],
            "checkpoint": self.note,
        }


Rewrite = Callable[[str, bytes], bytes | None]


@contextmanager
def proxy(upstream: str) -> Iterator[ProxyControl]:
    control = ProxyControl(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, body, media = control.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        control.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield control
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        control.close()


class ProxyControl:
    """What the proxy shows: the real server (``view`` None), a ``View``, or the real
    answers passed through ``rewrite(path, body)``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.url = ""
        self.view: View | None = None
        self.rewrite: Rewrite | None = None
        self._http = httpx.Client(timeout=30)

    def close(self) -> None:
        self._http.close()

    def _forward(self, path: str) -> tuple[int, bytes, str]:
        response = self._http.get(self.upstream + path)
        body = response.content
        if self.rewrite is not None and response.status_code == 200:
            body = self.rewrite(path, body) or body
        return (
            response.status_code,
            body,
            response.headers.get("content-type", "application/octet-stream"),
        )

    def answer(self, path: str) -> tuple[int, bytes, str]:
        view = self.view
        split = urlsplit(path)
        if view is None or not split.path.startswith(PREFIX):
            return self._forward(path)
        route = split.path[len(PREFIX) :]
        if route == "/log/checkpoint":
            return 200, view.note.encode(), "text/plain; charset=utf-8"
        if route.startswith("/log/tile/"):
            data = view.tile(route[len("/log/") :])
            return (200, data, "application/octet-stream") if data is not None else _missing()
        if route == "/proof/consistency":
            query = parse_qs(split.query)
            answer = view.consistency(int(query["old"][0]), int(query["new"][0]))
            if answer is None:
                return _missing()
            return 200, json.dumps(answer).encode(), "application/json"
        return self._forward(path)  # the key history, the cosigned checkpoint


def _missing() -> tuple[int, bytes, str]:
    return 404, b'{"error": {"code": "audit_tile_not_found"}}', "application/json"
