"""Benchmark: how fast the service answers while uploads are stalled, as a ratio.

Run: ``.venv/bin/python -m bench.stalled_uploads [--stalled 200] [--requests 100]``. It
starts a real server on loopback (SQLite + local directory, in a temporary folder),
signs up a person, and times ``GET /api/v1/health`` and an authenticated
``GET /api/v1/me``, one after the other, first with no upload open, then with
``--stalled`` uploads that sent their headers and 64 bytes and stopped (raw sockets;
the per-account and per-address caps and the timeouts are lifted for the run, so every
stalled upload stays open while the requests are timed).

It prints the medians and 95th percentiles and rewrites the table in
docs/PERFORMANCE.md. Never run as a test: numbers depend on the machine; the ratio
between the two columns is what to compare across changes.
"""

from __future__ import annotations

import argparse
import platform
import secrets
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from cli.server import server_config
from coffre.db import migrate
from coffre.settings import Settings
from tests.api.raw_http import nothing_received_yet, open_request
from tests.factories import encrypted_document, make_person
from tests.servers.ports import free_port

ROOT = Path(__file__).resolve().parent.parent


def _latencies(
    client: httpx.Client, path: str, headers: dict[str, str], n: int
) -> list[float] | None:
    """The seconds each of ``n`` requests took; None if one got no answer in time."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        try:
            response = client.get(path, headers=headers)
        except httpx.TimeoutException:
            return None
        times.append(time.perf_counter() - start)
        response.raise_for_status()
    return times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=10, help="seconds: no answer, no figure")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
        migrate.upgrade(database)
        settings = Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=database,
            storage_dir=tmp / "objects",
            # Every stalled upload stays open while the requests are timed.
            body_read_timeout_seconds=600,
            upload_wait_seconds=600,
            uploads_per_account=args.stalled,
            uploads_per_address=args.stalled,
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
        base = f"http://127.0.0.1:{port}"
        stalled: list[socket.socket] = []
        try:
            with httpx.Client(base_url=base, timeout=args.timeout) as client:
                person = make_person(client)  # type: ignore[arg-type]
                measured: dict[tuple[str, int], list[float] | None] = {}
                paths = {"/api/v1/health": {}, "/api/v1/me": person.headers}
                for path, headers in paths.items():
                    _latencies(client, path, headers, 10)  # warm-up
                    measured[path, 0] = _latencies(client, path, headers, args.requests)
                document = encrypted_document(person, b"s" * 200_000)
                upload_headers = {
                    **person.headers,
                    **document.headers,
                    "Content-Length": str(len(document.ciphertext)),
                }
                for _ in range(args.stalled):
                    stalled.append(
                        open_request(
                            base,
                            "POST",
                            "/api/v1/documents",
                            upload_headers,
                            document.ciphertext[:64],
                        )
                    )
                time.sleep(1.0)  # every stalled upload reaches its body
                for path, headers in paths.items():
                    measured[path, args.stalled] = _latencies(client, path, headers, args.requests)
                if not all(nothing_received_yet(sock) for sock in stalled):
                    raise SystemExit("a stalled upload was answered during the run")
        finally:
            for sock in stalled:
                sock.close()
            server.should_exit = True
            thread.join(timeout=20)

    lines = [
        f"Measured with `python -m bench.stalled_uploads --stalled {args.stalled} "
        f"--requests {args.requests}` on {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite + local directory, loopback HTTP, "
        f"{args.requests} requests one after the other, default thread pools.",
        "",
        f"| request | median, 0 stalled (ms) | median, {args.stalled} stalled (ms) "
        f"| ratio | p95, 0 stalled (ms) | p95, {args.stalled} stalled (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for path in paths:
        idle, busy = measured[path, 0], measured[path, args.stalled]
        assert idle is not None, "the idle server did not answer"
        if busy is None:
            lines.append(
                f"| `GET {path}` | {statistics.median(idle) * 1000:.2f} "
                f"| no answer within {args.timeout:g} s | ∞ | {_p95(idle) * 1000:.2f} | — |"
            )
            continue
        ratio = statistics.median(busy) / statistics.median(idle)
        lines.append(
            f"| `GET {path}` | {statistics.median(idle) * 1000:.2f} "
            f"| {statistics.median(busy) * 1000:.2f} | {ratio:.2f}× "
            f"| {_p95(idle) * 1000:.2f} | {_p95(busy) * 1000:.2f} |"
        )
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        _write(table)


def _write(table: str) -> None:
    doc = ROOT / "docs" / "PERFORMANCE.md"
    start, end = "<!-- stalled-uploads:start -->", "<!-- stalled-uploads:end -->"
    text = doc.read_text(encoding="utf-8")
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    doc.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
