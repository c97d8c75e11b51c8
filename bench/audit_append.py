"""Benchmark: appending to the audit trail as it grows, against a raw insert, as ratios.

Run: ``.venv/bin/python -m bench.audit_append [--sizes 0,10000,100000] [--samples 300]``.
On a fresh SQLite database (temporary folder, the settings' pragmas), for each trail
size it grows the trail to that size (appends in large transactions), then times
``--samples`` operations, each in its own transaction as the application does:

- raw insert: one row of the same shape into a plain table (no hashing, no head row);
- audit append: ``coffre.audit.trail.append`` (head row lock, salted event hash, chain,
  Merkle frontier update, insert).

It prints the figures and rewrites the table in docs/PERFORMANCE.md. The claim to
check: the append's cost does not grow with the trail (the frontier is O(log n)).

``--ceiling`` measures instead the ceiling of appends on PostgreSQL (15, started on
loopback as the tests do): ``--writers`` threads (default 1,8,64), each appending in a
transaction of its own for ``--seconds``, against as many threads doing the raw insert.
Every append takes the one head row (``FOR UPDATE``) until it commits, so the appends
of a whole deployment (one territory) pass one at a time; the raw inserts do not. It
prints appends per second and p50/p99 and rewrites its own section. Never run as a
test (tests/bench/test_bench_smoke.py runs both modes once, tiny).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)

from bench import report
from bench.report import percentile
from coffre.audit import trail
from coffre.clock import SystemClock
from coffre.db import migrate
from coffre.db.engine import Database, make_engine

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- audit-append:start -->", "<!-- audit-append:end -->"

_raw = MetaData()
RAW = Table(
    "bench_raw_entries",
    _raw,
    Column("id", Integer, primary_key=True),
    Column("action", String(40)),
    Column("body", Text()),
    Column("leaf_hash", LargeBinary(32)),
)
BODY = '{"action":"grant.pull","actor":"' + "a" * 32 + '","person":"' + "b" * 32 + '"}'


def _entry(i: int) -> trail.Entry:
    return trail.Entry(
        action="grant.pull",
        actor_id="a" * 32,
        actor_role="professional",
        person_id="b" * 32,
        structure_id="c" * 32,
        object_type="document",
        object_id=f"{i:032x}",
        purpose="ouverture-droits-rsa",
        details={"grant": "d" * 32, "category": "identite"},
    )


def _grow(db: Database, to: int, clock: SystemClock) -> None:
    done = trail_size(db)
    while done < to:
        batch = min(5000, to - done)
        with db.unit_of_work() as session:
            for i in range(batch):
                trail.append(session, _entry(done + i), clock.now())
        done += batch


def trail_size(db: Database) -> int:
    from coffre.audit.models import AuditHead

    with db.unit_of_work() as session:
        return session.get_one(AuditHead, trail.HEAD_ID).size


def _time_each(samples: int, step: object) -> float:
    """Median seconds of ``samples`` calls of ``step`` (each its own transaction)."""
    assert callable(step)
    timings = []
    for i in range(samples):
        start = time.perf_counter()
        step(i)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run(sizes: list[int], samples: int) -> list[tuple[int, float, float]]:
    rows = []
    clock = SystemClock()
    with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        db = Database(make_engine(url))
        _raw.create_all(db.engine)
        try:
            for size in sizes:
                _grow(db, size, clock)
                # Start each size from a checkpointed WAL: the bulk growth above must
                # not be billed to the first timed operations.
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

                def raw(i: int) -> None:
                    with db.unit_of_work() as session:
                        session.execute(
                            insert(RAW).values(action="grant.pull", body=BODY, leaf_hash=bytes(32))
                        )

                def append(i: int) -> None:
                    with db.unit_of_work() as session:
                        trail.append(session, _entry(i), clock.now())

                raw_s = _time_each(samples, raw)
                append_s = _time_each(samples, append)
                rows.append((trail_size(db), raw_s, append_s))
                print(
                    f"trail ≈ {size:>7}: raw {raw_s * 1e3:.3f} ms, append {append_s * 1e3:.3f} ms"
                )
        finally:
            db.dispose()
    return rows


def write_table(rows: list[tuple[int, float, float]], samples: int) -> None:
    lines = [
        START,
        f"Measured with `python -m bench.audit_append` on {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite (WAL, synchronous=FULL), median of {samples} "
        "operations, each in its own transaction.",
        "",
        "| trail size | raw insert (ms) | audit append (ms) | ratio to the raw insert |",
        "|---|---|---|---|",
    ]
    for size, raw_s, append_s in rows:
        count = f"{size:,}".replace(",", " ")
        ratio = append_s / raw_s
        lines.append(f"| {count} | {raw_s * 1e3:.3f} | {append_s * 1e3:.3f} | {ratio:.2f}× |")
    lines.append(END)
    path = ROOT / "docs/PERFORMANCE.md"
    text = path.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += (
            "\n## Audit trail append (`bench/audit_append.py`)\n\n" + block + "\n\n"
            "Reading the table: an append is one more UPDATE (the head row, which also "
            "serialises appends), a SHA-256 of the salted event, a few for the chain and the "
            "Merkle frontier, and the insert. The frontier keeps one hash per set bit of the "
            "size, so the cost stays flat as the trail grows.\n"
        )
    path.write_text(text, encoding="utf-8")


def _writers(
    db: Database, writers: int, seconds: float, step: Callable[[int], None]
) -> dict[str, float]:
    """``writers`` threads calling ``step`` (one transaction each) for ``seconds``:
    operations per second, p50 and p99 in ms, errors."""
    times: list[float] = []
    errors: list[BaseException] = []
    deadline = time.perf_counter() + seconds
    gate = threading.Barrier(writers)

    def writer(index: int) -> None:
        gate.wait()
        i = index * 1_000_000
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                step(i)
            except Exception as failure:  # noqa: BLE001 - counted and shown, never hidden
                errors.append(failure)
                continue
            times.append(time.perf_counter() - start)
            i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"  {len(errors)} errors, the first: {errors[0]!r}")
    return {
        "per_second": len(times) / elapsed,
        "p50": percentile(times, 0.5) * 1e3 if times else float("nan"),
        "p99": percentile(times, 0.99) * 1e3 if times else float("nan"),
        "errors": float(len(errors)),
    }


def ceiling(
    url: str, writers: list[int], seconds: float, trail_size: int
) -> list[dict[str, float]]:
    """Appends and raw inserts per second at each number of writers, on ``url``
    (PostgreSQL), after growing the trail to ``trail_size`` entries."""
    migrate.upgrade(url)
    engine = create_engine(url, pool_size=max(writers) + 2, max_overflow=0, hide_parameters=True)
    db = Database(engine)
    _raw.create_all(engine)
    clock = SystemClock()
    try:
        _grow(db, trail_size, clock)

        def raw(i: int) -> None:
            with db.unit_of_work() as session:
                session.execute(
                    insert(RAW).values(action="grant.pull", body=BODY, leaf_hash=bytes(32))
                )

        def append(i: int) -> None:
            with db.unit_of_work() as session:
                trail.append(session, _entry(i), clock.now())

        rows = []
        for n in writers:
            raw_figures = _writers(db, n, seconds, raw)
            append_figures = _writers(db, n, seconds, append)
            row = {"writers": float(n), "load": os.getloadavg()[0]}
            row |= {f"raw_{k}": v for k, v in raw_figures.items()}
            row |= {f"append_{k}": v for k, v in append_figures.items()}
            rows.append(row)
            print(
                f"{n:>3} writers: raw {row['raw_per_second']:.0f}/s "
                f"(p99 {row['raw_p99']:.1f} ms), append {row['append_per_second']:.0f}/s "
                f"(p50 {row['append_p50']:.1f}, p99 {row['append_p99']:.1f} ms), "
                f"errors {int(row['raw_errors'] + row['append_errors'])}, "
                f"load {row['load']:.1f}"
            )
        return rows
    finally:
        db.dispose()


def write_ceiling(
    rows: list[dict[str, float]],
    seconds: float,
    trail_size: int,
    note: str = "",
    path: Path = report.PERFORMANCE,
) -> None:
    from bench.load import cores

    count = f"{trail_size:,}".replace(",", " ")
    lines = [
        f"Measured with `python -m bench.audit_append --ceiling --seconds {seconds:g}` on "
        f"{cores()}, Python {platform.python_version()}, PostgreSQL 15 on 127.0.0.1 "
        f"(fsync off, as the tests run it), a trail of {count} entries; the writers "
        f"are threads of one Python process, each operation a transaction of its own, "
        f"{seconds:g} s per row. {note}",
        "",
        "| writers | raw inserts/s | raw p99 (ms) | appends/s | append p50 (ms) "
        "| append p99 (ms) | appends / raw | errors | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {int(r['writers'])} | {r['raw_per_second']:.0f} | {r['raw_p99']:.1f} "
            f"| {r['append_per_second']:.0f} | {r['append_p50']:.1f} | {r['append_p99']:.1f} "
            f"| {r['append_per_second'] / r['raw_per_second']:.2f}× "
            f"| {int(r['raw_errors'] + r['append_errors'])} | {r['load']:.1f} |"
        )
    report.write_section(
        "audit-ceiling",
        "Audit append ceiling at 64 writers (`bench/audit_append.py --ceiling`)",
        lines,
        path=path,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--ceiling", action="store_true", help="PostgreSQL, many writers")
    parser.add_argument("--writers", default="1,8,64")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--trail", type=int, default=100_000)
    parser.add_argument("--note", default="", help="a sentence for the report (the machine)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.ceiling:
        from tests.servers.postgres import start_postgres

        with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
            server = start_postgres(Path(tmp) / "pg")
            try:
                writers = [int(w) for w in args.writers.split(",")]
                url = server.create_database("ceiling")
                found = ceiling(url, writers, args.seconds, args.trail)
            finally:
                server.close()
        if not args.no_write:
            write_ceiling(found, args.seconds, args.trail, args.note)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.samples)
    if not args.no_write:
        write_table(rows, args.samples)


if __name__ == "__main__":
    main()
