"""The référent's view benchmark runs (bench/referent_view.py), tiny: a territory of a
few hundred rows on SQLite, a few calls over HTTP, plans that name the indexes. The
figures themselves are measured by the bench, never here."""

from __future__ import annotations

from pathlib import Path

from bench.referent_view import measure


def test_the_referent_view_bench_runs_and_its_plans_use_the_indexes(tmp_path: Path) -> None:
    figures = measure(f"sqlite:///{tmp_path}/bench.sqlite3", 300, 3, followed=20)
    assert figures["list_p95"] > 0 and figures["detail_p95"] > 0
    plans = "\n".join(figures["plans"])
    assert "ix_referent_links_followed" in plans
    assert "ix_grants_professional_person" in plans
    assert "SCAN grants" not in plans and "SCAN documents" not in plans
