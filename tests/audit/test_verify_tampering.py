"""``coffre audit verify`` against someone who can write to the database but does not
hold the checkpoint key (issue 14, item 4): each kind of tampering found on a trail of a
few hundred entries, on both backends; the honest cases (a quiet log, a young log,
retention) still verify; the command says what it checked and what it cannot see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from cli.main import app
from coffre.audit import trail
from coffre.audit.checkpoint import (
    Checkpoint,
    Signer,
    sign_checkpoint,
)
from coffre.audit.events import event_commitment, event_leaf_hash
from coffre.audit.merkle import CompactRange
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.audit.retention import CLEARED_COLUMNS
from coffre.audit.verification import Report
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings

N = 300
EVERY = 10  # seconds between entries
SIGN_EVERY = 30  # entries between checkpoints: one per 300 s, as the server's job
TAIL = 5  # entries after the last checkpoint (within the interval: honest)
PERSONS = [f"p{i:031d}" for i in range(12)]
PROS = [f"x{i:031d}" for i in range(4)]


@pytest.fixture
def coffre(settings: Settings, clock: FrozenClock) -> Iterator[Coffre]:
    built = Coffre.build(settings, clock=clock)
    try:
        yield built
    finally:
        built.close()


def _entry(i: int) -> trail.Entry:
    person, pro = PERSONS[i % len(PERSONS)], PROS[i % len(PROS)]
    if i % 3 == 0:
        return trail.Entry(
            action="grant.pull",
            actor_id=pro,
            actor_role="professional",
            person_id=person,
            structure_id="s" + "0" * 31,
            object_type="document",
            object_id=f"d{i:031d}",
            purpose="ouverture-droits-rsa",
            reason="instruction du dossier",
            details={"grant": f"g{i:031d}", "category": "identite"},
        )
    if i % 3 == 1:
        return trail.Entry(
            action="document.upload",
            actor_id=person,
            actor_role="person",
            person_id=person,
            object_type="document",
            object_id=f"d{i:031d}",
            details={"category": "domicile"},
        )
    return trail.Entry(
        action="account.login", actor_id=person, actor_role="person", person_id=person
    )


def grow(coffre: Coffre, clock: FrozenClock, count: int, *, start: int = 0) -> None:
    """``count`` entries, one every EVERY seconds, signed every SIGN_EVERY entries."""
    i, end = start, start + count
    while i < end:
        with coffre.db.unit_of_work() as db:  # one commit per checkpoint interval
            while i < end:
                clock.advance(seconds=EVERY)
                trail.append(db, _entry(i), clock.now())
                i += 1
                if i % SIGN_EVERY == 0:
                    break
        if i % SIGN_EVERY == 0:
            coffre.audit.checkpoint()


@pytest.fixture
def built(coffre: Coffre, clock: FrozenClock) -> Coffre:
    """N entries over 50 minutes, signed every 5 minutes, then TAIL unsigned ones."""
    grow(coffre, clock, N)
    grow(coffre, clock, TAIL, start=N)
    report = coffre.audit.verify()
    assert report.ok, report.problem
    assert report.entries == N + TAIL and report.unsigned_tail == TAIL
    return coffre


def rows(coffre: Coffre) -> list[AuditEntry]:
    with coffre.db.unit_of_work() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all())


def tamper(coffre: Coffre, seq: int, **values: Any) -> None:
    with coffre.db.unit_of_work() as db:
        db.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(**values))


def fix_head(coffre: Coffre) -> None:
    """What an attacker does after changing entries: the head agrees with them again."""
    entries = rows(coffre)
    frontier = CompactRange()
    for row in entries:
        frontier.append(row.leaf_hash)
    with coffre.db.unit_of_work() as db:
        db.execute(
            update(AuditHead)
            .where(AuditHead.id == trail.HEAD_ID)
            .values(
                size=len(entries),
                chain=entries[-1].chain if entries else trail.GENESIS,
                frontier=frontier.encode(),
            )
        )


def rewrite(coffre: Coffre, seq: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Change entry ``seq``'s event and recompute every hash after it (no key needed)."""
    chain = trail.GENESIS
    with coffre.db.unit_of_work() as db:
        for row in db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all():
            if row.seq >= seq:
                assert row.body is not None and row.salt is not None
                event = json.loads(row.body)
                if row.seq == seq:
                    change(event)
                row.body = json.dumps(event, ensure_ascii=False, sort_keys=True)
                row.outcome = event["outcome"]
                row.commitment = event_commitment(event, row.salt)
                row.leaf_hash = event_leaf_hash(event, row.salt)
                row.chain = trail.chain_next(chain, row.leaf_hash)
            chain = row.chain
    fix_head(coffre)


def broken(report: Report, seq: int | None = None, words: str = "") -> None:
    assert not report.ok, "verify said intact"
    if seq is not None:
        assert report.problem_seq == seq, report.problem
    assert words in (report.problem or ""), report.problem


# -- columns -----------------------------------------------------------------------


def test_an_edited_at_column_is_found(built: Coffre) -> None:
    row = rows(built)[150]
    tamper(built, 150, at=row.at - timedelta(days=3))
    broken(built.audit.verify(), 150, "colonne at")


def test_an_edited_object_type_column_is_found(built: Coffre) -> None:
    assert rows(built)[150].object_type == "document"
    tamper(built, 150, object_type="grant")
    broken(built.audit.verify(), 150, "colonne object_type")


def test_every_column_is_compared_with_the_signed_event(built: Coffre) -> None:
    row = rows(built)[99]
    tamper(built, 99, at=row.at + timedelta(microseconds=1))
    broken(built.audit.verify(), 99, "colonne at")
    tamper(built, 99, at=row.at)
    for column in (
        "object_type",
        "action",
        "outcome",
        "actor_id",
        "actor_role",
        "person_id",
        "structure_id",
    ):
        tamper(built, 99, **{column: "z" * 10})
        broken(built.audit.verify(), 99, f"colonne {column}")
        tamper(built, 99, **{column: getattr(row, column)})
    for column in ("purpose", "reason", "object_id"):
        tamper(built, 99, **{column: None})
        broken(built.audit.verify(), 99, f"colonne {column}")
        tamper(built, 99, **{column: getattr(row, column)})
    assert built.audit.verify().ok


def test_an_entry_naming_an_object_without_its_type_is_refused_at_once(coffre: Coffre) -> None:
    with coffre.db.unit_of_work() as db, pytest.raises(ValueError, match="object type"):
        trail.append(db, trail.Entry(action="document.upload", object_id="d1"), coffre.clock.now())


# -- bodies --------------------------------------------------------------------------


@pytest.mark.parametrize("then_edit", [False, True], ids=["body-gone", "body-gone-then-edit"])
def test_a_body_removed_without_a_retention_record_is_found(built: Coffre, then_edit: bool) -> None:
    tamper(built, 150, body=None, salt=None)
    if then_edit:
        tamper(built, 150, actor_id=PROS[3], reason="autre motif")
    broken(built.audit.verify(), 150, "aucune opération de conservation")


def test_the_oldest_bodies_removed_as_a_purge_would_but_unrecorded_are_found(
    built: Coffre,
) -> None:
    cleared = dict.fromkeys(CLEARED_COLUMNS)
    with built.db.unit_of_work() as db:
        db.execute(
            update(AuditEntry).where(AuditEntry.seq < 60).values(body=None, salt=None, **cleared)
        )
    broken(built.audit.verify(), 0, "aucune opération de conservation")


@pytest.mark.parametrize("redate", [False, True], ids=["dates-kept", "dates-moved-back"])
def test_recent_bodies_removed_under_a_forged_retention_record_are_found(
    built: Coffre, clock: FrozenClock, redate: bool
) -> None:
    """Someone with the database forges the record itself, digest and all."""
    from coffre.audit import retention

    built.audit.checkpoint()
    digest, long_ago = retention.GENESIS, clock.now() - timedelta(days=800)
    with built.db.unit_of_work() as db:
        purged = select(AuditEntry).where(AuditEntry.seq < 60).order_by(AuditEntry.seq)
        for row in db.scalars(purged).all():
            if redate:
                row.at = long_ago + timedelta(seconds=row.seq)
            digest = retention.kept_digest_next(
                digest, row.seq, trail.at_text(row.at), row.action, row.outcome
            )
            row.body = row.salt = None
            for column in CLEARED_COLUMNS:
                setattr(row, column, None)
        cutoff = clock.now() - timedelta(days=183)
        details = retention.record_details(0, 60, cutoff, 183, digest)
        trail.append(db, trail.Entry(action=retention.ACTION, details=details), clock.now())
    report = built.audit.verify()
    broken(report)
    if redate:
        assert "antidatée" in (report.problem or ""), report.problem
    else:
        assert "avant la fin de sa durée de conservation" in (report.problem or "")


# -- checkpoints ---------------------------------------------------------------------


def test_rewritten_entries_with_recomputed_hashes_and_no_checkpoint_left_are_found(
    built: Coffre,
) -> None:
    rewrite(built, 40, lambda event: event.update(outcome="refused"))
    with built.db.unit_of_work() as db:
        db.execute(delete(AuditCheckpoint))
    broken(built.audit.verify(), None, "n'est couverte par aucun point de contrôle signé")


def test_deleting_every_checkpoint_is_found(built: Coffre) -> None:
    with built.db.unit_of_work() as db:
        db.execute(delete(AuditCheckpoint))
    broken(built.audit.verify(), 0, "aucun point de contrôle signé")


def test_a_checkpoint_row_whose_columns_were_edited_is_found(built: Coffre) -> None:
    with built.db.unit_of_work() as db:
        row = db.get_one(AuditCheckpoint, 90)
        row.created_at = row.created_at - timedelta(hours=1)
    broken(built.audit.verify(), 89, "point de contrôle de taille 90 a été modifié")


def test_a_head_that_disagrees_with_the_entries_is_found(built: Coffre) -> None:
    with built.db.unit_of_work() as db:
        db.execute(update(AuditHead).values(chain=bytes(32)))
    broken(built.audit.verify(), N + TAIL, "tête du journal")


def test_a_tail_rolled_back_with_its_checkpoints_is_found_against_a_kept_checkpoint(
    built: Coffre,
) -> None:
    kept = built.audit.latest_checkpoint()  # what the officer saved: size N
    assert kept.size == N
    back = 8 * SIGN_EVERY  # a checkpoint boundary: nothing unsigned is left dangling
    with built.db.unit_of_work() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.seq >= back))
        db.execute(delete(AuditCheckpoint).where(AuditCheckpoint.size > back))
    fix_head(built)
    # From the database alone it looks like a server that stopped: the report says it
    # cannot see a rollback without a kept checkpoint…
    alone = built.audit.verify()
    assert alone.ok and alone.kept is None and alone.entries == back
    # …and the kept checkpoint shows it.
    report = built.audit.verify(kept.note)
    broken(report, back, f"le point de contrôle que vous avez gardé en compte {N}")
    assert "retour en arrière" in (report.problem or "")


def test_a_history_rewritten_under_a_kept_checkpoint_is_found(built: Coffre) -> None:
    kept = built.audit.latest_checkpoint()
    with built.db.unit_of_work() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.seq >= 120))
        db.execute(delete(AuditCheckpoint).where(AuditCheckpoint.size > 120))
    fix_head(built)
    clock = built.clock
    assert isinstance(clock, FrozenClock)
    grow(built, clock, N + TAIL - 120, start=1000)  # another history, as long
    broken(built.audit.verify(kept.note), N - 1, "a été réécrit")


def test_a_kept_checkpoint_is_read_from_a_note_an_export_or_a_manifest(
    built: Coffre, settings: Settings
) -> None:
    from coffre.audit.errors import KeptCheckpointInvalid
    from coffre.audit.log import read_kept_checkpoint, verify_export

    export = "".join(built.audit.export_lines())  # signs the head first: N + TAIL
    note = built.audit.latest_checkpoint().note
    manifest = json.dumps({"format": "coffre-export", "audit": {"checkpoint": note}})
    verifier, origin = built.audit.verifier, settings.audit_origin
    for text in (note, note.replace("\n", "\r\n"), export, manifest):
        assert read_kept_checkpoint(text, verifier, origin).size == N + TAIL
    for text in ("", "pas un point de contrôle\n", note.replace(origin, "autre.example/log")):
        with pytest.raises(KeptCheckpointInvalid):
            read_kept_checkpoint(text, verifier, origin)
    # An export checked against a checkpoint kept from a longer history: a rollback.
    lines = export.splitlines(keepends=True)
    assert verify_export(lines, built.audit.verifier_key, kept=export).ok
    clock = built.clock
    assert isinstance(clock, FrozenClock)
    grow(built, clock, 3, start=5000)
    longer = "".join(built.audit.export_lines())
    report = verify_export(lines, built.audit.verifier_key, kept=longer)
    broken(report, N + TAIL, "retour en arrière")


def test_a_forged_row_appended_with_chain_and_head_fixed_is_found_by_its_date(
    built: Coffre,
) -> None:
    built.audit.checkpoint()  # everything signed: the forged row is the only unsigned one
    when = rows(built)[150].at  # made to look like it happened among the others
    forged = trail.Entry(
        action="grant.pull",
        actor_id=PROS[2],
        actor_role="professional",
        person_id=PERSONS[5],
        structure_id="s" + "0" * 31,
        object_type="document",
        object_id="d" + "9" * 31,
        purpose="ouverture-droits-rsa",
        reason="instruction du dossier",
    )
    with built.db.unit_of_work() as db:
        trail.append(db, forged, when)  # what anyone with the database can compute
    broken(built.audit.verify(), N + TAIL, "ajoutée ou antidatée après coup")


def test_a_forged_row_dated_after_the_last_checkpoint_is_reported_as_unproven(
    built: Coffre, clock: FrozenClock
) -> None:
    """The honest limit: nothing in the database tells it from a real one."""
    built.audit.checkpoint()
    clock.advance(seconds=20)
    with built.db.unit_of_work() as db:
        trail.append(db, _entry(7), clock.now())
    report = built.audit.verify()
    assert report.ok and report.unsigned_tail == 1 and report.signed_size == N + TAIL


def test_twenty_signers_at_once_sign_one_checkpoint(coffre: Coffre, clock: FrozenClock) -> None:
    """Replicas starting together, the job and an export: one checkpoint, no error."""
    import threading

    def sign(barrier: threading.Barrier, sizes: list[int], errors: list[BaseException]) -> None:
        try:
            barrier.wait(timeout=30)
            sizes.append(coffre.audit.checkpoint().size)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    grow(coffre, clock, 7)
    for _ in range(3):
        with coffre.db.unit_of_work() as db:
            trail.append(db, _entry(1), clock.now())
        barrier = threading.Barrier(20)
        sizes: list[int] = []
        errors: list[BaseException] = []
        threads = [threading.Thread(target=sign, args=(barrier, sizes, errors)) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [] and len(set(sizes)) == 1 and len(sizes) == 20
    with coffre.db.unit_of_work() as db:
        assert len(db.scalars(select(AuditCheckpoint)).all()) == 3
    assert coffre.audit.verify().ok


# -- honest cases --------------------------------------------------------------------


def test_a_quiet_log_still_verifies(built: Coffre, clock: FrozenClock) -> None:
    built.audit.checkpoint()
    clock.advance(days=30)
    assert built.audit.verify().ok
    # Then a few new entries, not signed yet (within the interval): still intact.
    grow(built, clock, 3, start=2000)
    report = built.audit.verify()
    assert report.ok and report.unsigned_tail == 3


def test_a_young_log_without_any_checkpoint_verifies(coffre: Coffre, clock: FrozenClock) -> None:
    grow(coffre, clock, 20)  # 200 s: younger than the interval, never signed
    with coffre.db.unit_of_work() as db:
        db.execute(delete(AuditCheckpoint))
    report = coffre.audit.verify()
    assert report.ok and report.checkpoints == 0 and report.unsigned_tail == 20


def test_retention_removes_old_content_records_it_and_the_trail_still_verifies(
    built: Coffre, clock: FrozenClock
) -> None:
    built.audit.checkpoint()
    clock.advance(days=367)  # whole days (cutoff_of): past midnight whatever the hour
    grow(built, clock, 10, start=3000)
    purged = built.audit.purge_expired(limit=100)  # three records of 100, one of 5
    assert purged.entries == N + TAIL and len(purged.records) == 4
    after = rows(built)
    for row in after[: N + TAIL]:
        assert row.body is None and row.salt is None
        assert all(getattr(row, column) is None for column in CLEARED_COLUMNS)
        assert row.action and row.outcome and row.at
    assert all(row.body is not None for row in after[N + TAIL :])
    report = built.audit.verify()
    assert report.ok, report.problem
    assert report.purged == N + TAIL and report.retention is not None
    assert report.retention.retention_days == 365
    assert built.audit.purge_expired().entries == 0  # nothing more is old enough
    built.audit.checkpoint()  # the server's job, a few minutes later
    # A year later, the purge records themselves go; the newest covers them all.
    clock.advance(days=367)  # whole days (cutoff_of): past midnight whatever the hour
    grow(built, clock, 3, start=4000)
    again = built.audit.purge_expired()
    assert again.entries == 10 + len(purged.records)
    report = built.audit.verify()
    assert report.ok, report.problem
    assert report.purged == N + TAIL + 10 + len(purged.records)
    lines = list(built.audit.export_lines())
    from coffre.audit.log import verify_export

    assert verify_export(lines, built.audit.verifier_key).ok


def test_what_a_purged_entry_keeps_cannot_be_changed(built: Coffre, clock: FrozenClock) -> None:
    built.audit.checkpoint()
    clock.advance(days=367)  # whole days (cutoff_of): past midnight whatever the hour
    grow(built, clock, 3, start=3000)
    assert built.audit.purge_expired().entries == N + TAIL
    row = rows(built)[42]
    assert row.action == "grant.pull"
    changes: list[tuple[str, Any, str]] = [
        ("at", row.at - timedelta(minutes=1), "date, l'action ou le résultat"),
        ("action", "account.login", "date, l'action ou le résultat"),
        ("outcome", "refused", "date, l'action ou le résultat"),
        ("person_id", PERSONS[0], "garde la colonne person_id"),
        ("reason", "un motif ajouté", "garde la colonne reason"),
    ]
    for column, value, words in changes:
        tamper(built, 42, **{column: value})
        broken(built.audit.verify(), None, words)
        tamper(built, 42, **{column: getattr(row, column)})
    assert built.audit.verify().ok


def test_a_purge_refuses_to_remove_an_entry_that_does_not_verify(
    built: Coffre, clock: FrozenClock
) -> None:
    from coffre.audit.errors import AuditTrailAltered

    built.audit.checkpoint()
    clock.advance(days=367)  # whole days (cutoff_of): past midnight whatever the hour
    tamper(built, 10, person_id=PERSONS[1] if rows(built)[10].person_id != PERSONS[1] else None)
    with pytest.raises(AuditTrailAltered):
        built.audit.purge_expired()
    assert rows(built)[0].body is not None  # nothing removed


# -- the command ---------------------------------------------------------------------


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    for name, value in settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"COFFRE_{name.upper()}", str(value))


def test_the_command_says_what_it_checked_and_what_it_cannot_see(
    built: Coffre, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _env(monkeypatch, settings)
    runner = CliRunner()
    saved = tmp_path / "gardé.txt"
    ok = runner.invoke(app, ["audit", "verify", "--save-checkpoint", str(saved)])
    assert ok.exit_code == 0, ok.output
    assert "Journal intact" in ok.output and "Vérifié :" in ok.output
    assert "ne peut pas voir" in ok.output and f"les {TAIL} dernière(s) entrée(s)" in ok.output
    assert "sans point de contrôle gardé" in ok.output
    assert saved.read_text(encoding="utf-8").startswith(settings.audit_origin + "\n")
    with_kept = runner.invoke(app, ["audit", "verify", "--checkpoint", str(saved)])
    assert with_kept.exit_code == 0 and "que vous avez gardé" in with_kept.output
    # Roll the tail back: the kept checkpoint shows it, exit code 1.
    with built.db.unit_of_work() as db:
        db.execute(delete(AuditEntry).where(AuditEntry.seq >= 240))
        db.execute(delete(AuditCheckpoint).where(AuditCheckpoint.size > 240))
    fix_head(built)
    rolled = runner.invoke(app, ["audit", "verify", "--checkpoint", str(saved)])
    assert rolled.exit_code == 1 and "retour en arrière" in rolled.output
    # A "kept" checkpoint that is not this log's: cannot check, exit code 2.
    forged = tmp_path / "faux.txt"
    forged.write_text(
        sign_checkpoint(
            Checkpoint(settings.audit_origin, 1, bytes(32)),
            Signer(settings.audit_origin, bytes(32)),
        ),
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["audit", "verify", "--checkpoint", str(forged)])
    assert refused.exit_code == 2 and "audit_checkpoint_invalid" in refused.output


def test_the_retention_command_removes_old_content_and_records_it(
    coffre: Coffre,
    settings: Settings,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, settings)
    # The command runs on the system clock: this trail was written 400 days ago.
    clock.advance(days=-400)
    grow(coffre, clock, 2 * SIGN_EVERY)
    runner = CliRunner()
    purge = runner.invoke(app, ["audit", "retention"])
    assert purge.exit_code == 0, purge.output
    assert f"{2 * SIGN_EVERY} entrée(s) de plus de 365 jours" in purge.output
    assert "Opération enregistrée dans le journal" in purge.output
    assert rows(coffre)[0].body is None
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert f"{2 * SIGN_EVERY} entrée(s) anciennes n'ont plus de contenu" in verify.output
    again = runner.invoke(app, ["audit", "retention"])
    assert again.exit_code == 0 and "Aucune entrée de plus de 365 jours" in again.output
