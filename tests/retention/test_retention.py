"""The retention job (issue 21, "Retention"; CNIL délibération 2021-122): one run
removes what every kind of data kept long enough, records it in the audit trail, and
the trail and every checkpoint still verify; runs at the same time make one effective
run; ``coffre audit verify`` names every body removed outside a recorded run. Both
backends."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pydantic import ValidationError
from sqlalchemy import update
from typer.testing import CliRunner

from cli.main import app
from coffre.audit import retention as audit_retention
from coffre.audit import trail
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.retention.service import ACTION, Retention
from coffre.settings import Settings
from tests.concurrency import PARALLEL, burst
from tests.retention.world import OLD_AUDIT, build, counts, entries, ids


@pytest.fixture
def coffre(settings: Settings, clock: FrozenClock) -> Iterator[Coffre]:
    built = Coffre.build(settings, clock=clock)
    try:
        yield built
    finally:
        built.close()


def job(coffre: Coffre) -> Retention:
    return Retention(coffre.db, coffre.settings, coffre.clock, coffre.audit)


def test_a_run_removes_what_each_kind_kept_long_enough_records_it_and_the_trail_verifies(
    coffre: Coffre, clock: FrozenClock
) -> None:
    expected = build(coffre, clock)
    before = counts(coffre)
    run = job(coffre).run()
    assert run.removed == expected.removed
    assert run.audit.entries == OLD_AUDIT and len(run.audit.records) == 1
    assert len(run.records) == 1
    after = counts(coffre)
    assert before["login_failures"] - after["login_failures"] == 2
    assert after["login_failures"] == 1  # inside the throttling window
    remaining = ids(coffre)
    for table, kept in expected.kept.items():
        if table in remaining:
            assert remaining[table] == kept, table
    # The record: how many of each kind went, under which rule (no id, no name).
    (record,) = entries(coffre, ACTION)
    assert record.seq == run.records[0] and record.body is not None
    details = json.loads(record.body)["details"]
    assert details["removed"] == expected.removed
    assert details["rules"]["sessions"]["days"] == 30
    assert record.actor_id is None and record.person_id is None
    # The purged bodies: gone, leaves kept; the trail and every checkpoint verify.
    purged = entries(coffre, "account.login")[:OLD_AUDIT]
    assert all(row.body is None and row.salt is None and row.leaf_hash for row in purged)
    coffre.audit.checkpoint()
    report = coffre.audit.verify()
    assert report.ok, report.problem
    assert report.purged == OLD_AUDIT and report.checkpoints >= 3
    # The same day, the next run (the hourly job) finds nothing and writes nothing.
    size = coffre.audit.size()
    again = job(coffre).run()
    assert again.total == 0 and again.audit.entries == 0 and again.records == ()
    assert coffre.audit.size() == size


def test_a_run_in_small_batches_removes_the_same_and_records_each_batch(
    coffre: Coffre, clock: FrozenClock
) -> None:
    expected = build(coffre, clock)
    run = Retention(coffre.db, coffre.settings, clock, coffre.audit, batch=1).run()
    assert run.removed == expected.removed
    assert run.audit.entries == OLD_AUDIT and len(run.audit.records) == OLD_AUDIT
    # One record per batch that removed something: at least as many as the largest kind.
    assert len(run.records) == len(entries(coffre, ACTION)) >= 2
    assert (
        sum(
            json.loads(r.body or "{}")["details"]["removed"].get("sessions", 0)
            for r in entries(coffre, ACTION)
        )
        == 1
    )
    coffre.audit.checkpoint()
    report = coffre.audit.verify()
    assert report.ok, report.problem


def test_twenty_parallel_runs_make_one_effective_run(
    coffre: Coffre, settings: Settings, clock: FrozenClock
) -> None:
    expected = build(coffre, clock)
    # As many processes: each its own engine, audit log and job.
    others = [Coffre.build(settings, clock=clock) for _ in range(PARALLEL)]
    try:
        runs = burst(PARALLEL, lambda i: job(others[i]).run())
    finally:
        for other in others:
            other.close()
    effective = [run for run in runs if run.total or run.audit.entries]
    assert len(effective) == 1, [(r.total, r.audit.entries) for r in runs]
    assert effective[0].removed == expected.removed
    assert effective[0].audit.entries == OLD_AUDIT
    assert len(entries(coffre, ACTION)) == 1
    assert len(entries(coffre, audit_retention.ACTION)) == 1
    coffre.audit.checkpoint()
    report = coffre.audit.verify()
    assert report.ok, report.problem


def test_verify_names_every_body_removed_outside_a_recorded_run(
    coffre: Coffre, clock: FrozenClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(coffre, clock)
    job(coffre).run()
    with coffre.db.unit_of_work() as db:
        for _ in range(3):
            trail.append(db, trail.Entry(action="account.logout"), clock.now())
    coffre.audit.checkpoint()
    assert coffre.audit.verify().ok
    # Someone with the database deletes three recent bodies by hand (no run): a login
    # after the purged ones, the run's own record of the other data, a later entry.
    recent = [row.seq for row in entries(coffre, "account.login")[OLD_AUDIT:]]
    record = entries(coffre, ACTION)[0].seq
    later = entries(coffre, "account.logout")[1].seq
    by_hand = sorted([recent[0], record, later])
    with coffre.db.unit_of_work() as db:
        db.execute(
            update(AuditEntry).where(AuditEntry.seq.in_(by_hand)).values(body=None, salt=None)
        )
    report = coffre.audit.verify()
    assert not report.ok and report.problem_seq == by_hand[0]
    problem = report.problem or ""
    assert f"l'entrée {by_hand[0]} n'a plus de contenu" in problem
    assert "aucune opération de conservation" in problem
    assert f"de même : entrées {by_hand[1]}, {by_hand[2]} (3 en tout)" in problem
    # The command says it too, and fails.
    for name, value in settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"COFFRE_{name.upper()}", str(value))
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"de même : entrées {by_hand[1]}, {by_hand[2]}" in result.output


def test_the_command_runs_the_job_and_says_what_went(
    coffre: Coffre, clock: FrozenClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(coffre, clock)
    for name, value in settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"COFFRE_{name.upper()}", str(value))
    runner = CliRunner()
    first = runner.invoke(app, ["jobs", "retention"])
    assert first.exit_code == 0, first.output
    assert f"Journal d'audit : {OLD_AUDIT} entrée(s) de plus de 365 jours" in first.output
    assert "Sessions expirées : 1 supprimé(s)." in first.output
    assert "Opération enregistrée dans le journal d'audit" in first.output
    second = runner.invoke(app, ["jobs", "retention"])
    assert second.exit_code == 0, second.output
    assert "rien n'a été enregistré" in second.output


@pytest.mark.parametrize("days", [0, 182, 366, 730])
def test_the_audit_period_is_refused_outside_six_to_twelve_months(days: int) -> None:
    with pytest.raises(ValidationError, match="audit_retention_days"):
        Settings(audit_retention_days=days)


@pytest.mark.parametrize("days", [183, 365])
def test_the_audit_period_is_taken_within_six_to_twelve_months(days: int) -> None:
    assert Settings(audit_retention_days=days).audit_retention_days == days
