"""The officer's console stays proportional to what it shows as the trail grows:
a person is found by their reference through stored pseudonyms (each person hashed
once, per key), names missing from the directory are looked up once per view, and
the console's reads go through their composite indexes (bench/console_views.py has
the figures)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from coffre.audit import trail as audit
from coffre.audit.console import AuditConsole, Filters
from coffre.audit.models import AuditPseudonym, AuditPseudonymScan
from coffre.clock import FrozenClock
from coffre.db import migrate
from coffre.db.engine import Database, make_engine
from coffre.policy import Actor, Role
from coffre.settings import Settings


def _id() -> str:
    return secrets.token_hex(16)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(make_engine(settings.database_url))
    try:
        yield db
    finally:
        db.dispose()


def _officer() -> Actor:
    return Actor(account_id=_id(), role=Role.CHARTER_OFFICER, session_id=_id())


def _upload(db: Database, clock: FrozenClock, person: str) -> None:
    with db.unit_of_work() as session:
        entry = audit.Entry(
            action="document.upload",
            actor_id=person,
            actor_role="person",
            person_id=person,
            object_type="document",
            object_id=_id(),
        )
        audit.append(session, entry, clock.now())


def _stored_references(db: Database) -> int:
    with db.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(AuditPseudonym)) or 0)


def test_a_person_is_found_by_reference_and_each_person_is_hashed_once(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    persons = [_id() for _ in range(3)]
    for person in persons:
        _upload(database, clock, person)
        _upload(database, clock, person)
    console = AuditConsole(database, settings, clock)
    officer = _officer()

    page = console.search(officer, Filters(person=console.pseudonym(persons[1])))
    assert [row.person for row in page.rows] == [console.pseudonym(persons[1])] * 2
    assert _stored_references(database) == 3

    # A person who appears later is found too: only the new entries are read.
    newcomer = _id()
    _upload(database, clock, newcomer)
    page = console.search(officer, Filters(person=console.pseudonym(newcomer)))
    assert [row.person for row in page.rows] == [console.pseudonym(newcomer)]
    assert _stored_references(database) == 4
    with database.unit_of_work() as session:
        scan = session.scalars(select(AuditPseudonymScan)).one()
        size = session.scalar(text("SELECT size FROM audit_head"))
    # Everything up to the newcomer's entry was read (the console's own reading
    # entries come after, and are read next time).
    assert 0 < scan.next_seq <= int(size)


def test_references_made_under_another_secret_match_nobody(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    person = _id()
    _upload(database, clock, person)
    first = AuditConsole(database, settings, clock)
    reference = first.pseudonym(person)
    assert first.search(_officer(), Filters(person=reference)).rows

    other = Settings(**{**settings.model_dump(), "secret_key": secrets.token_urlsafe(40)})
    second = AuditConsole(database, other, clock)
    assert second.search(_officer(), Filters(person=reference)).rows == []
    assert second.search(_officer(), Filters(person=second.pseudonym(person))).rows


def test_twenty_officers_searching_at_once_store_each_reference_once(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    persons = [_id() for _ in range(30)]
    for person in persons:
        _upload(database, clock, person)
    console = AuditConsole(database, settings, clock)
    wanted = persons[7]
    barrier = threading.Barrier(20)
    found: list[list[str | None]] = []
    errors: list[BaseException] = []

    def search() -> None:
        try:
            barrier.wait(timeout=30)
            page = console.search(_officer(), Filters(person=console.pseudonym(wanted)))
            found.append([row.person for row in page.rows])
        except BaseException as exc:  # collected, re-raised by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert found == [[console.pseudonym(wanted)]] * 20
    assert _stored_references(database) == 30


def test_names_missing_from_the_directory_are_looked_up_once_per_view(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    # A professional whose profile is gone (erased) opens documents of 10 persons
    # within the hour: one flag, whose rows all name that professional.
    professional, structure = _id(), _id()
    with database.unit_of_work() as session:
        for i in range(40):
            entry = audit.Entry(
                action="grant.pull",
                actor_id=professional,
                actor_role="professional",
                person_id=f"{i % 10:032x}",
                structure_id=structure,
                object_type="document",
                object_id=_id(),
                purpose="ouverture-droits-rsa",
                details={"grant": _id()},
            )
            audit.append(session, entry, clock.now() + timedelta(seconds=i))
    clock.advance(minutes=5)
    console = AuditConsole(database, settings, clock)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        report = console.flags(_officer())
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    burst = [flag for flag in report.flags if flag.code == "many_persons"]
    assert len(burst) == 1 and len(burst[0].rows) == 40
    lookups = [s for s in statements if "professional_profiles" in s or "FROM structures" in s]
    assert len(lookups) <= 4, lookups


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (
            "SELECT object_id, at FROM audit_entries WHERE action = 'grant.create' "
            "AND outcome = 'ok' AND object_id IN ('a', 'b')",
            "ix_audit_entries_action_object_id",
        ),
        (
            "SELECT * FROM audit_entries WHERE action = 'grant.pull' AND outcome = 'refused' "
            "ORDER BY seq DESC LIMIT 50",
            "ix_audit_entries_action_outcome_seq",
        ),
        (
            "SELECT * FROM audit_entries WHERE action IN ('grant.pull', 'request.decline') "
            "AND at >= '2026-01-01' AND at < '2026-02-01' ORDER BY seq",
            "ix_audit_entries_action_at",
        ),
    ],
)
def test_the_console_reads_go_through_their_indexes(
    sqlite_template: Path, tmp_path: Path, query: str, index: str
) -> None:
    url = f"sqlite:///{tmp_path / 'plan.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + query)
            )
    finally:
        engine.dispose()
    assert index in plan, plan


def test_a_cursor_beyond_what_the_trail_can_record_is_a_bad_filter_not_a_fault(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    from coffre.audit.console import InvalidConsoleFilter

    console = AuditConsole(database, settings, clock)
    # The filters go into the trail's canonical JSON, which holds integers < 2^53.
    for cursor in (2**53, 2**63, 2**70):
        with pytest.raises(InvalidConsoleFilter):
            console.search(_officer(), Filters(cursor=cursor))
    assert console.search(_officer(), Filters(cursor=2**53 - 1)).rows == []
