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
Never run as a test.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, insert

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.samples)
    write_table(rows, args.samples)


if __name__ == "__main__":
    main()
