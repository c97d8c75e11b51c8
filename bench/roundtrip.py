"""Benchmark: the encrypted round trip against the raw storage path, as ratios.

Run: ``.venv/bin/python -m bench.roundtrip [--size-mib 32] [--repeat 3]``. It starts a
real server on loopback (SQLite + local directory, in a temporary folder), then for
one file compares, best of ``--repeat``:

- raw write: the plaintext written by ``LocalObjectStore.put_stream`` (no crypto, no HTTP);
- crypto only: ``encrypt_stream`` over the file, output discarded;
- client upload: the Python client encrypts and streams it through the API;
- raw read vs client download: ``open_stream`` to an fsync'd file vs download +
  decrypt to a file.

It prints the figures and rewrites the table in docs/PERFORMANCE.md. Never run as a
test: numbers depend on the machine; the ratios are what to compare across changes.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn

from api.app import create_app
from cli.server import server_config
from client import CoffreClient
from coffre.db import migrate
from coffre.settings import Settings
from coffre.storage import LocalObjectStore, new_object_key
from crypto import encrypt_stream, new_document_key
from tests.servers.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
READ = 256 * 1024


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ):
            yield chunk


def _read_to_file(store: LocalObjectStore, key: str, dest: Path) -> None:
    """The raw download path: stored bytes to an fsync'd file, no HTTP, no crypto."""
    with dest.open("wb") as handle:
        for chunk in store.open_stream(key):
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())


def _best(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "source.bin"
        with source.open("wb") as handle:
            for _ in range(args.size_mib):
                handle.write(secrets.token_bytes(1024 * 1024))
        size = source.stat().st_size
        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
        migrate.upgrade(database)
        settings = Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=database,
            storage_dir=tmp / "objects",
            max_document_bytes=size * 2,
        )
        raw = LocalObjectStore(tmp / "raw")
        raw_key = new_object_key("raw")
        raw_write = _best(args.repeat, lambda: raw.put_stream(raw_key, _chunks(source)))
        raw_copy = tmp / "raw-copy.bin"
        raw_read = _best(args.repeat, lambda: _read_to_file(raw, raw_key, raw_copy))
        key = new_document_key()
        crypto_only = _best(
            args.repeat, lambda: sum(len(c) for c in encrypt_stream(key, _chunks(source)))
        )

        port = free_port()
        server = uvicorn.Server(
            server_config(
                settings, create_app(settings), host="127.0.0.1", port=port, log_level="warning"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with CoffreClient(f"http://127.0.0.1:{port}") as client:
                client.signup("bench", "bench passphrase with seven public words")
                logged = client.login("bench", "bench passphrase with seven public words")
                ids: list[str] = []
                upload = _best(
                    args.repeat,
                    lambda: ids.append(
                        client.upload(source, "autre", box_public_key=logged.keys.box_public)
                    ),
                )
                target = tmp / "back.bin"
                download = _best(args.repeat, lambda: client.download(ids[-1], target, logged.keys))
                assert target.read_bytes() == source.read_bytes()
        finally:
            server.should_exit = True
            thread.join(timeout=20)

    mib = size / (1024 * 1024)
    rows = [
        ("raw write (local store, plaintext)", raw_write, 1.0),
        ("encrypt only (secretstream, 64 KiB chunks)", crypto_only, crypto_only / raw_write),
        ("client upload (hash + encrypt + HTTP + store + DB)", upload, upload / raw_write),
        ("raw read (local store to an fsync'd file)", raw_read, 1.0),
        ("client download (HTTP + decrypt + fsync'd file)", download, download / raw_read),
    ]
    lines = [
        f"Measured with `python -m bench.roundtrip --size-mib {args.size_mib} "
        f"--repeat {args.repeat}` on {platform.machine()}, Python {platform.python_version()}, "
        f"{mib:.0f} MiB file, SQLite + local directory, loopback HTTP, best of {args.repeat}.",
        "",
        "| path | seconds | MiB/s | ratio to the raw path |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {secs:.3f} | {mib / secs:.0f} | {ratio:.2f}× |" for name, secs, ratio in rows
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        _write(table)


def _write(table: str) -> None:
    doc = ROOT / "docs" / "PERFORMANCE.md"
    start, end = "<!-- roundtrip:start -->", "<!-- roundtrip:end -->"
    text = doc.read_text(encoding="utf-8")
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    doc.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
