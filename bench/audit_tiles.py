"""Benchmark: serving the audit log as tiles and proofs (coffre/audit/served.py) as it grows.

Run: ``.venv/bin/python -m bench.audit_tiles [--sizes 1000,20000,70000]``. On a fresh
SQLite database (temporary folder), for each size it grows the trail, signs a checkpoint
(which fills the cache of upper tile hashes) and times, median of a few calls:

- ``fill``: the cache filled after the checkpoint (only the new hashes);
- ``tile 0``: a full level-0 tile (256 leaf hashes read);
- ``tile 1``: the rightmost level-1 tile (cached hashes, no leaf read);
- ``bundle``: a full entry bundle;
- ``inclusion`` and ``consistency``: a proof at the signed size.

The claim to check: no answer costs more with the size of the log than a few
indexed reads (the tree's upper levels come from ``audit_tree_nodes``). Prints the
figures; never run as a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete

from auditlog.tiles import TILE_WIDTH, tile_width
from bench.audit_append import _grow, trail_size
from coffre.audit.models import AuditTreeNode
from coffre.audit.served import ServedLog, fill_nodes
from coffre.clock import SystemClock
from coffre.db import migrate
from coffre.db.engine import Database, make_engine


def _median(step: Callable[[], object], samples: int = 5) -> float:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sign(db: Database, size: int) -> None:
    """A checkpoint row of ``size`` (what ``AuditLog.checkpoint`` stores; the signature
    itself is not what is measured here)."""
    from coffre.audit.models import AuditCheckpoint

    with db.unit_of_work() as session:
        session.add(
            AuditCheckpoint(
                size=size, root=bytes(32), note="bench\n", created_at=SystemClock().now()
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,20000,70000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        db = Database(make_engine(url))
        served = ServedLog(db)
        print("size     fill(all)  fill(new)  tile0   tile1   bundle  inclusion consistency (ms)")
        for size in sizes:
            _grow(db, size, clock)
            assert trail_size(db) == size
            _sign(db, size)
            print(_measure(db, served, size))


def _measure(db: Database, served: ServedLog, size: int) -> str:
    with db.unit_of_work() as session:
        session.execute(delete(AuditTreeNode))
    start = time.perf_counter()
    _fill(db, size)
    fill_all = time.perf_counter() - start
    fill_new = _median(lambda: _fill(db, size))
    top = (size // TILE_WIDTH) // TILE_WIDTH
    width1 = tile_width(1, top, size)
    path1 = f"tile/1/{top:03d}" + (f".p/{width1}" if width1 < TILE_WIDTH else "")
    tile0 = _median(lambda: served.tile("tile/0/000"))
    tile1 = _median(lambda: served.tile(path1)) if width1 else float("nan")
    bundle = _median(lambda: served.tile("tile/entries/000"))
    inclusion = _median(lambda: served.inclusion(size // 3, size))
    consistency = _median(lambda: served.consistency(size // 3, size))
    return (
        f"{size:<8} {fill_all * 1000:9.0f} {fill_new * 1000:9.1f} {tile0 * 1000:7.1f} "
        f"{tile1 * 1000:7.1f} {bundle * 1000:7.1f} {inclusion * 1000:9.1f} "
        f"{consistency * 1000:9.1f}"
    )


def _fill(db: Database, size: int) -> None:
    with db.unit_of_work() as session:
        fill_nodes(session, size)


if __name__ == "__main__":
    main()
