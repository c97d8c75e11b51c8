"""Benchmark: Coffre under concurrent clients, 1 and 3 app processes, against a bare path.

Run: ``.venv/bin/python -m bench.load [--clients 16,64,256] [--processes 1,3]
[--seconds 20] [--size-kib 1024]``.

It starts PostgreSQL 15 and SeaweedFS on 127.0.0.1 in temporary folders (the test
starters, tests/servers/), migrates, and builds a territory through the real API (a
territory admin, a structure, a certified professional, a charter in force, ``--persons``
persons with one document of ``--size-kib`` each, shared with the professional for the
RSA purpose with no pull limit). Then, for each number of processes, it starts that many
app processes on loopback ports (``python -m bench.load serve``: ``coffre serve``'s
uvicorn configuration, cli/server.py, jobs in process, on the app of ``bench_app``, which
is ``create_app`` plus one bench-only route, ``GET /bench/raw/{key}``, that streams an
object from the store in the chunks a pull uses, with no session, no database and no
audit) and, for each number of clients, runs three phases of ``--seconds`` each:

- mix: each client picks, op after op, a person upload (``--upload-kib``, encrypted
  beforehand), a person's listing, a professional's pull, a grant (receipt signed and
  key sealed by the driver) or the revocation of a grant it made (weights ``MIX``);
- pulls: every client pulls, the professional's authorised path alone;
- bare: every client reads the same bytes by the bare route.

Clients are coroutines of one asyncio driver (httpx.AsyncClient each, one connection),
spread evenly over the processes (no proxy in front). An operation is an error unless
it answers its success status and, for pulls and bare reads, every byte. It prints and
writes throughput, p50 and p99 per operation, the errors, and the ratios of the pulls to
the bare path (the issue's target: pull throughput at least 0.5x the bare path's, p99 at
most 2x, no error). The driver runs on the same cores as the servers, PostgreSQL and
SeaweedFS: the report names the cores and the load average. Never run as a test
(tests/bench/test_bench_smoke.py runs it once, tiny, with no figure checked).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import platform
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bench import report
from bench.report import percentile
from coffre.clock import FrozenClock
from coffre.db import migrate
from coffre.settings import Settings
from coffre.vault.service import DOWNLOAD_CHUNK
from crypto import (
    DocumentMetadata,
    b64decode,
    b64encode,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    open_sealed_key,
    seal_document_key,
    sign_statement,
)
from crypto.consent import ConsentReceipt, SharedDocument
from tests.servers.ports import assert_loopback, free_ports

RSA = "ouverture-droits-rsa"
# The mix's weights: what a territory's day looks like from the server, pulls first.
MIX = {"pull": 40, "list": 25, "upload": 15, "grant": 10, "revoke": 10}
START_TIMEOUT = 60.0


# -- the bench's app: create_app plus the bare route ------------------------------------


def bench_app() -> FastAPI:
    """``create_app`` on the settings from the environment, plus ``GET /bench/raw/{key}``:
    the object's bytes from the store as a pull streams them (DOWNLOAD_CHUNK reads in
    the thread pool), with nothing else. Bench only: never mounted by ``coffre serve``."""
    from api.app import create_app

    app = create_app(Settings())

    @app.get("/bench/raw/{key:path}", include_in_schema=False)
    def raw(key: str, request: Request) -> StreamingResponse:
        store = request.app.state.coffre.store
        return StreamingResponse(
            store.open_stream(key, chunk_size=DOWNLOAD_CHUNK),
            media_type="application/octet-stream",
        )

    # First in line: the app's own routes end with the web pages' catch-all.
    app.router.routes.insert(0, app.router.routes.pop())
    return app


def serve(port: int) -> None:
    """One app process as ``coffre serve`` runs it (cli/server.py), on ``bench_app``."""
    import uvicorn

    from cli.server import server_config

    config = server_config(
        Settings(), "bench.load:bench_app", host="127.0.0.1", port=port, factory=True
    )
    config.log_level = "warning"
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise SystemExit(3)


# -- where it runs ------------------------------------------------------------------------


@dataclass
class Target:
    """The environment every process reads its settings from (database, store, keys)."""

    env: dict[str, str]

    @classmethod
    def make(cls, workdir: Path, database_url: str, s3: Any, bucket: str, **extra: str) -> Target:
        assert_loopback(database_url)
        assert_loopback(s3.endpoint)
        env = {
            "COFFRE_ENVIRONMENT": "test",
            "COFFRE_SECRET_KEY": secrets.token_urlsafe(40),
            "COFFRE_DATABASE_URL": database_url,
            "COFFRE_STORAGE_BACKEND": "s3",
            "COFFRE_S3_ENDPOINT": s3.endpoint,
            "COFFRE_S3_ACCESS_KEY": s3.access_key,
            "COFFRE_S3_SECRET_KEY": s3.secret_key,
            "COFFRE_S3_BUCKET": bucket,
            "COFFRE_S3_SECURE": "false",
            "COFFRE_S3_REGION": s3.region,
            "COFFRE_AUDIT_KEY_FILE": str(workdir / "audit-checkpoint.key"),
            "COFFRE_PUSH_VAPID_KEY_FILE": str(workdir / "vapid.pem"),
            "COFFRE_JOBS": "inprocess",
            # Every client comes from 127.0.0.1 and a few persons: the per-address and
            # per-account caps on open uploads (12 and 4) would refuse the load itself.
            "COFFRE_UPLOADS_PER_ACCOUNT": "100000",
            "COFFRE_UPLOADS_PER_ADDRESS": "100000",
            "COFFRE_SESSION_TTL_SECONDS": str(24 * 3600),
            "COFFRE_SESSION_IDLE_SECONDS": str(24 * 3600),
        }
        return cls(env | extra)

    @contextlib.contextmanager
    def settings(self) -> Iterator[Settings]:
        """Settings read from this environment, as the app processes read them."""
        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            yield Settings()
        finally:
            os.environ.clear()
            os.environ.update(saved)


@contextlib.contextmanager
def processes(target: Target, count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` app processes on free loopback ports; yields their base URLs."""
    ports = free_ports(count)
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, **target.env}
    try:
        for port in ports:
            log = (logs / f"app-{port}.log").open("ab")
            started.append(
                subprocess.Popen(  # noqa: S603 - fixed argv
                    [sys.executable, "-m", "bench.load", "serve", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=Path(__file__).resolve().parent.parent,
                )
            )
            log.close()
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + START_TIMEOUT
        for url, process in zip(urls, started, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"app process on {url} exited; see {logs}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"app process on {url} did not start; see {logs}")
                time.sleep(0.2)
        yield urls
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


# -- the territory ------------------------------------------------------------------------


@dataclass
class Person:
    account_id: str
    token: str
    keys: Any
    document_id: str
    document_sha256: str
    doc_key: bytes
    upload_body: bytes
    upload_headers: dict[str, str]
    made: list[str] = field(default_factory=list)  # grants made during the run

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Territory:
    professional_token: str
    professional_id: str
    professional_box: bytes
    structure_id: str
    charter_version: int
    persons: list[Person]
    pulls: list[tuple[str, str]]  # (grant, document) in force, no pull limit
    object_keys: list[str]  # the same documents' objects, for the bare path
    size: int

    def grant_body(self, person: Person) -> dict[str, Any]:
        """A v1 grant of the person's document to the professional, as client/consent.py
        ``share`` makes it (the driver seals the key and signs the receipt)."""
        start = datetime.now(UTC).replace(microsecond=0)
        receipt = ConsentReceipt(
            grant=secrets.token_hex(16),
            person=person.account_id,
            professional=self.professional_id,
            structure=self.structure_id,
            purpose=RSA,
            charter_version=self.charter_version,
            documents=(SharedDocument(person.document_id, person.document_sha256),),
            not_before=start,
            not_after=start + timedelta(days=30),
            max_pulls=None,
            request=None,
        )
        return {
            "receipt": sign_statement(receipt.statement(), person.keys.sign_seed),
            "sealed_keys": {
                person.document_id: b64encode(
                    seal_document_key(person.doc_key, self.professional_box)
                )
            },
        }


def _encrypted(keys: Any, size: int, category: str) -> tuple[bytes, dict[str, str], bytes]:
    plaintext = secrets.token_bytes(size)
    doc_key = new_document_key()
    metadata = DocumentMetadata(
        name="avis-imposition-2025.pdf",
        mime="application/pdf",
        size=len(plaintext),
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )
    headers = {
        "Content-Type": "application/octet-stream",
        "Coffre-Category": category,
        "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, keys.box_public)),
    }
    return encrypt_bytes(doc_key, plaintext, 65536), headers, doc_key


def build_territory(target: Target, persons: int, size: int, upload_size: int) -> Territory:
    """The territory through the real API, in process (tests/structures/world.py)."""
    from api.app import create_app
    from client.network import trusted_keys
    from tests.consent.world import consent_charter, publish
    from tests.structures.world import build_world, log_in, material, pinned_root

    with (
        target.settings() as settings,
        TestClient(create_app(settings, clock=FrozenClock(datetime.now(UTC)))) as api,
    ):
        world = build_world(api)
        publish(api, world, consent_charter(world.structure_id))
        who = [world.person]
        for i in range(persons - 1):
            extra = material(14, f"bench-personne-{i}")
            response = api.post("/api/v1/accounts", json=extra.signup_body)
            assert response.status_code == 201, response.text
            who.append(log_in(api, extra))
        certified = trusted_keys(
            world.person.client(api), world.professional.account_id, pinned_root(world.admin)
        )
        assert certified.structure_id is not None
        charter = api.get("/api/v1/charters/current", headers=world.person.headers).json()
        made: list[Person] = []
        pulls: list[tuple[str, str]] = []
        for w in who:
            body, headers, _ = _encrypted(w.keys, size, "identite")
            response = api.post("/api/v1/documents", content=body, headers={**w.headers, **headers})
            assert response.status_code == 201, response.text
            listed = api.get("/api/v1/documents", headers=w.headers).json()["documents"]
            [doc] = [d for d in listed if d["id"] == response.json()["id"]]
            upload_body, upload_headers, _ = _encrypted(w.keys, upload_size, "identite")
            person = Person(
                account_id=w.account_id,
                token=w.token,
                keys=w.keys,
                document_id=doc["id"],
                document_sha256=doc["ciphertext_sha256"],
                doc_key=open_sealed_key(
                    b64decode(doc["sealed_key"]), w.keys.box_public, w.keys.box_secret
                ),
                upload_body=upload_body,
                upload_headers=upload_headers,
            )
            made.append(person)
        territory = Territory(
            professional_token=world.professional.token,
            professional_id=world.professional.account_id,
            professional_box=certified.box_public,
            structure_id=certified.structure_id,
            charter_version=int(charter["version"]),
            persons=made,
            pulls=[],
            object_keys=[],
            size=0,
        )
        for person in made:
            response = api.post(
                "/api/v1/grants", json=territory.grant_body(person), headers=person.headers
            )
            assert response.status_code in (200, 201), response.text
            pulls.append((response.json()["id"], person.document_id))
        territory.pulls = pulls
        # A pull answers the ciphertext as stored: the bare path reads the same objects.
        engine = create_engine(settings.database_url)
        try:
            with engine.connect() as connection:
                rows = [
                    connection.execute(
                        text("SELECT object_key, ciphertext_size FROM documents WHERE id = :id"),
                        {"id": d},
                    ).one()
                    for _, d in pulls
                ]
        finally:
            engine.dispose()
        territory.object_keys = [str(key) for key, _ in rows]
        territory.size = int(rows[0][1])
        return territory


# -- the driver ---------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool


async def _operation(
    kind: str, http: httpx.AsyncClient, territory: Territory, person: Person, rng: random.Random
) -> str:
    """Run one operation; returns the kind it ran as (a revoke with nothing to revoke
    grants instead). Raises AssertionError on a wrong answer."""
    if kind == "revoke" and not person.made:
        kind = "grant"
    if kind in ("pull", "bare"):
        index = rng.randrange(len(territory.pulls))
        if kind == "pull":
            grant, document = territory.pulls[index]
            request = http.build_request(
                "POST",
                f"/api/v1/grants/{grant}/documents/{document}/pull",
                json={"reason": None},
                headers={"Authorization": f"Bearer {territory.professional_token}"},
            )
        else:
            request = http.build_request("GET", f"/bench/raw/{territory.object_keys[index]}")
        response = await http.send(request, stream=True)
        if response.status_code != 200:
            await response.aread()
            raise AssertionError(response.status_code, response.text[:200])
        try:
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
        finally:
            await response.aclose()
        assert response.status_code == 200, response.status_code
        assert received == territory.size, (received, territory.size)
    elif kind == "list":
        response = await http.get("/api/v1/documents", headers=person.headers)
        assert response.status_code == 200, response.status_code
    elif kind == "upload":
        response = await http.post(
            "/api/v1/documents",
            content=person.upload_body,
            headers={**person.headers, **person.upload_headers},
        )
        assert response.status_code == 201, response.status_code
    elif kind == "grant":
        response = await http.post(
            "/api/v1/grants", json=territory.grant_body(person), headers=person.headers
        )
        assert response.status_code in (200, 201), response.status_code
        person.made.append(response.json()["id"])
    else:
        grant = person.made.pop()
        response = await http.post(f"/api/v1/grants/{grant}/revoke", headers=person.headers)
        assert response.status_code == 200, response.status_code
    return kind


async def _client(
    index: int,
    url: str,
    territory: Territory,
    mix: dict[str, int],
    deadline: float,
    samples: list[Sample],
) -> None:
    rng = random.Random(index)
    person = territory.persons[index % len(territory.persons)]
    kinds, weights = list(mix), list(mix.values())
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        while time.perf_counter() < deadline:
            kind = rng.choices(kinds, weights)[0]
            start = time.perf_counter()
            ok = True
            try:
                kind = await _operation(kind, http, territory, person, rng)
            except (AssertionError, httpx.HTTPError) as failure:
                ok = False
                if not any(not s.ok for s in samples):
                    print(f"  first error ({kind}): {failure!r}")
            samples.append(Sample(kind, time.perf_counter() - start, ok))


def drive(
    urls: list[str], territory: Territory, clients: int, mix: dict[str, int], seconds: float
) -> tuple[list[Sample], float]:
    """``clients`` coroutines for ``seconds`` (none starts an operation after); returns
    every sample and the wall time until the last one ended."""
    samples: list[Sample] = []

    async def everyone() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _client(i, urls[i % len(urls)], territory, mix, deadline, samples)
                for i in range(clients)
            )
        )

    started = time.perf_counter()
    asyncio.run(everyone())
    return samples, time.perf_counter() - started


def summary(samples: list[Sample], elapsed: float) -> dict[str, dict[str, float]]:
    """Per kind: operations per second, p50 and p99 (ms, successful ones), errors."""
    figures: dict[str, dict[str, float]] = {}
    for kind in sorted({s.kind for s in samples}):
        mine = [s for s in samples if s.kind == kind]
        good = [s.seconds for s in mine if s.ok]
        figures[kind] = {
            "count": len(mine),
            "per_second": len(good) / elapsed,
            "p50": percentile(good, 0.5) * 1e3 if good else float("nan"),
            "p99": percentile(good, 0.99) * 1e3 if good else float("nan"),
            "errors": len(mine) - len(good),
        }
    return figures


@dataclass
class Round:
    processes: int
    clients: int
    mix: dict[str, dict[str, float]]
    pulls: dict[str, float]
    bare: dict[str, float]
    load: float


def run(
    target: Target,
    logs: Path,
    *,
    clients: list[int],
    process_counts: list[int],
    seconds: float,
    persons: int,
    size: int,
    upload_size: int,
) -> tuple[list[Round], int]:
    territory = build_territory(target, persons, size, upload_size)
    rounds: list[Round] = []
    for count in process_counts:
        with processes(target, count, logs) as urls:
            # Warm each process (its pools, its caches) before anything is timed.
            drive(urls, territory, 2 * count, MIX, min(2.0, seconds))
            for n in clients:
                mixed = summary(*drive(urls, territory, n, MIX, seconds))
                pulls = summary(*drive(urls, territory, n, {"pull": 1}, seconds))["pull"]
                bare = summary(*drive(urls, territory, n, {"bare": 1}, seconds))["bare"]
                done = Round(count, n, mixed, pulls, bare, os.getloadavg()[0])
                rounds.append(done)
                print(_line(done))
    return rounds, territory.size


def _line(r: Round) -> str:
    errors = sum(int(f["errors"]) for f in r.mix.values())
    return (
        f"{r.processes} process(es), {r.clients:>3} clients: mix "
        f"{sum(f['per_second'] for f in r.mix.values()):.1f} op/s ({errors} errors); pulls "
        f"{r.pulls['per_second']:.1f}/s p50 {r.pulls['p50']:.0f} p99 {r.pulls['p99']:.0f} ms "
        f"({int(r.pulls['errors'])} errors); bare {r.bare['per_second']:.1f}/s p50 "
        f"{r.bare['p50']:.0f} p99 {r.bare['p99']:.0f} ms; throughput "
        f"{r.pulls['per_second'] / r.bare['per_second']:.2f}x, p99 "
        f"{r.pulls['p99'] / r.bare['p99']:.2f}x (load {r.load:.1f})"
    )


def cores() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model})"


def write_section(
    rounds: list[Round],
    *,
    seconds: float,
    persons: int,
    size: int,
    upload_size: int,
    note: str = "",
    path: Path = report.PERFORMANCE,
) -> None:
    lines = [
        f"Measured with `python -m bench.load --seconds {seconds:g}` on {cores()}, "
        f"{platform.machine()}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}: PostgreSQL 15 + SeaweedFS on 127.0.0.1, "
        f"`coffre serve`'s uvicorn configuration (jobs in process), the asyncio driver on "
        f"the same cores; {persons} persons, one professional, documents of "
        f"{size / 1024:.0f} KiB of ciphertext pulled, uploads of {upload_size // 1024} KiB; "
        f"{seconds:g} s per phase. {note}",
        "",
        "Pulls alone against the bare path (the same bytes, same server, no session, "
        "database or audit); the ratios are the figure:",
        "",
        "| processes | clients | pulls/s | pull p50 (ms) | pull p99 (ms) | bare/s "
        "| bare p50 (ms) | bare p99 (ms) | throughput / bare | p99 / bare | errors | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rounds:
        p, b = r.pulls, r.bare
        lines.append(
            f"| {r.processes} | {r.clients} | {p['per_second']:.1f} | {p['p50']:.0f} "
            f"| {p['p99']:.0f} | {b['per_second']:.1f} | {b['p50']:.0f} | {b['p99']:.0f} "
            f"| {p['per_second'] / b['per_second']:.2f}× | {p['p99'] / b['p99']:.2f}× "
            f"| {int(p['errors'] + b['errors'])} | {r.load:.1f} |"
        )
    kinds = ["pull", "list", "upload", "grant", "revoke"]
    lines += [
        "",
        "The mix (weights " + ", ".join(f"{k} {w}" for k, w in MIX.items()) + "): operations "
        "per second, then p50 / p99 in ms per kind:",
        "",
        "| processes | clients | op/s | errors | " + " | ".join(kinds) + " |",
        "|---|---|---|---|" + "---|" * len(kinds),
    ]
    for r in rounds:
        total = sum(f["per_second"] for f in r.mix.values())
        errors = int(sum(f["errors"] for f in r.mix.values()))
        cells = [
            f"{r.mix[k]['p50']:.0f} / {r.mix[k]['p99']:.0f}" if k in r.mix else "–" for k in kinds
        ]
        lines.append(
            f"| {r.processes} | {r.clients} | {total:.1f} | {errors} | " + " | ".join(cells) + " |"
        )
    report.write_section(
        "load", "Load: clients, processes and the bare path (`bench/load.py`)", lines, path=path
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        parser = argparse.ArgumentParser(prog="bench.load serve")
        parser.add_argument("serve")
        parser.add_argument("--port", type=int, required=True)
        serve(parser.parse_args().port)
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="16,64,256")
    parser.add_argument("--processes", default="1,3")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--persons", type=int, default=16)
    parser.add_argument("--size-kib", type=int, default=1024)
    parser.add_argument("--upload-kib", type=int, default=256)
    parser.add_argument("--note", default="", help="a sentence for the report (the machine)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    from tests.servers.postgres import start_postgres
    from tests.servers.seaweedfs import start_seaweedfs

    with tempfile.TemporaryDirectory(prefix="coffre-bench-load-") as name:
        tmp = Path(name)
        postgres = start_postgres(tmp / "pg")
        s3 = start_seaweedfs(tmp / "s3")
        try:
            url = postgres.create_database("load")
            migrate.upgrade(url)
            s3.client().make_bucket("coffre-load")
            target = Target.make(tmp, url, s3, "coffre-load")
            rounds, size = run(
                target,
                tmp,
                clients=[int(c) for c in args.clients.split(",")],
                process_counts=[int(p) for p in args.processes.split(",")],
                seconds=args.seconds,
                persons=args.persons,
                size=args.size_kib * 1024,
                upload_size=args.upload_kib * 1024,
            )
        finally:
            s3.close()
            postgres.close()
    if not args.no_write:
        write_section(
            rounds,
            seconds=args.seconds,
            persons=args.persons,
            size=size,
            upload_size=args.upload_kib * 1024,
            note=args.note,
        )


if __name__ == "__main__":
    main()
