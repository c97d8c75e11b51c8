"""The issue-21 benches run, tiny, so that they cannot rot: the load driver against one
app process on PostgreSQL + SeaweedFS (bench/load.py), the scale curves' fill, calls and
plans (bench/scale.py), and the audit append ceiling's writers (bench/audit_append.py
--ceiling). No figure is checked (timings belong to the benches, never to tests): only
that every operation answered as it should, and that each report is written."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import audit_append, load, scale
from tests.own_thread import on_own_thread


def _performance(tmp_path: Path) -> Path:
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n", encoding="utf-8")
    return path


def test_the_load_bench_drives_every_operation_without_error(
    postgres_server: Any, s3_server: Any, tmp_path: Path
) -> None:
    name = "load_" + secrets.token_hex(4)
    url = postgres_server.create_database(name)
    bucket = "bench-" + secrets.token_hex(4)
    s3_server.client().make_bucket(bucket)
    try:
        from coffre.db import migrate

        migrate.upgrade(url)
        target = load.Target.make(tmp_path, url, s3_server, bucket)
        # The driver's asyncio loop on a thread of its own (tests/own_thread.py).
        rounds, size = on_own_thread(
            lambda: load.run(
                target,
                tmp_path,
                clients=[3],
                process_counts=[1],
                seconds=1,
                persons=2,
                size=32 * 1024,
                upload_size=4 * 1024,
            )
        )
    finally:
        s3_server.client().remove_bucket(bucket)
        postgres_server.drop_database(name)
    [done] = rounds
    assert size > 32 * 1024  # the ciphertext of the 32 KiB document
    assert done.pulls["count"] > 0 and done.pulls["errors"] == 0
    assert done.bare["count"] > 0 and done.bare["errors"] == 0
    assert done.mix and all(figures["errors"] == 0 for figures in done.mix.values())
    path = _performance(tmp_path)
    load.write_section(rounds, seconds=1, persons=2, size=size, upload_size=4096, path=path)
    assert "| 1 | 3 |" in path.read_text(encoding="utf-8")


def test_the_scale_bench_times_every_view_and_explains_its_queries(
    postgres_server: Any, tmp_path: Path
) -> None:
    name = "scale_" + secrets.token_hex(4)
    url = postgres_server.create_database(name)
    try:
        figures = scale.measure(url, 4000, 2, 40, tmp_path, factor=2)
        engine = create_engine(url)
        with engine.connect() as connection:
            counts = {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                for table in ("documents", "sealed_keys", "grants", "audit_entries")
            }
            size = connection.execute(text("SELECT size FROM audit_head")).scalar_one()
        engine.dispose()
    finally:
        postgres_server.drop_database(name)
    # Half written from Python, the other half copied by SQL (bench.scale.multiply).
    assert counts["documents"] == counts["sealed_keys"] == counts["grants"] == 4000
    assert counts["audit_entries"] == size >= 4000
    for view, _ in scale.VIEWS:
        assert figures[view][0] > 0, view
        assert figures["plans"][view], view
    assert any("Index Scan" in plan for plan in figures["plans"]["pull"])
    path = _performance(tmp_path)
    scale.write_section([(4000, 40, figures)], 2, "", path=path)
    assert "EXPLAIN (ANALYZE)" in path.read_text(encoding="utf-8")


def test_the_audit_ceiling_bench_appends_from_many_writers(
    postgres_server: Any, tmp_path: Path
) -> None:
    name = "ceiling_" + secrets.token_hex(4)
    url = postgres_server.create_database(name)
    try:
        [row] = audit_append.ceiling(url, [4], 0.5, 20)
    finally:
        postgres_server.drop_database(name)
    assert row["append_per_second"] > 0 and row["raw_per_second"] > 0
    assert row["append_errors"] == 0 and row["raw_errors"] == 0
    path = _performance(tmp_path)
    audit_append.write_ceiling([row], 0.5, 20, path=path)
    assert "| 4 |" in path.read_text(encoding="utf-8")
