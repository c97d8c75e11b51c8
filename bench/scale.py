"""Benchmark: the reads of a territory at 10^4, 10^5 and 10^6 rows on PostgreSQL, with plans.

Run: ``.venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--calls 30]
[--directory-sizes 10000,100000]``.

For each size S it starts from an empty database (PostgreSQL 15 on loopback, as the
tests start it) and bulk-inserts by SQL, not through sign-ups: S persons, S documents,
S grants (each naming one document), S requests and a référent following 500 persons
(bench/referent_view.py ``fill``; professionals grow with the territory, S/100 of them,
so that what one professional holds stays about the same at every size), then S audit
entries, a year of the same territory's activity (bench/console_views.py's generator).
After ANALYZE it times, through the services (the layer under the routes, no HTTP), the
median and the 95th percentile of ``--calls`` calls on targets drawn at random:

- the person's documents (``VaultService.list``);
- shared with me (``GrantService.shared_with_me``, a professional's grants in force);
- a pull (``GrantService.pull``: its lookups, the pull counted, the audit append and
  the person's notification; a few bytes in a local store stand for the object);
- the officer's flags over 30 days, and two filters (refused pulls; one person);
- the référent's view (a page of 50 followed persons, then one person);
- directory search (``Directory.search``), at ``--directory-sizes`` services imported
  through the real import (10^6 would take the import alone some twenty minutes).

For one call of each it captures the SELECTs the call ran and prints their
``EXPLAIN (ANALYZE)``; a sequential scan of a table that grows with S is named in the
report. Flat means the 10^6 figure stays within a small factor of the 10^4 one. It
rewrites its section of docs/PERFORMANCE.md. Never run as a test
(tests/bench/test_bench_smoke.py runs it once, tiny, with no figure checked).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text, update

from bench import console_views, directory_search, referent_view, report
from bench.report import percentile
from coffre.audit.console import Filters
from coffre.audit.models import AuditEntry, AuditHead
from coffre.audit.trail import HEAD_ID
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.db import migrate
from coffre.policy import Actor, Role
from coffre.settings import Settings
from coffre.storage import new_object_key

NOW = referent_view.NOW
# Tables that grow with S: a sequential scan of one of them is not flat.
GROWING = (
    "accounts",
    "documents",
    "grants",
    "grant_documents",
    "access_requests",
    "audit_entries",
    "pulls",
    "notifications",
    "directory_search",
    "directory_services",
)
_SEQ = re.compile(r"Seq Scan on (\w+)")
_PAGES = re.compile(r"(?:hit|read)=(\d+)")
VIEWS = (
    ("documents", "the person's documents"),
    ("shared", "shared with me"),
    ("pull", "a pull"),
    ("flags", "officer: flags, 30 days"),
    ("refused", "officer: refused pulls"),
    ("by_person", "officer: one person"),
    ("referent_page", "référent: a page of 50"),
    ("referent_person", "référent: one person"),
    ("directory", "directory search"),
)


def _id() -> str:
    return secrets.token_hex(16)


def fill(coffre: Coffre, size: int, factor: int = 1) -> dict[str, Any]:
    """The territory of ``size`` rows per table, times ``factor`` (``multiply``);
    returns who the calls act as (drawn from the first copy)."""
    db = coffre.db
    referent_view.PROFESSIONALS = max(200, size // 100)
    referent, followed = referent_view.fill(db, size)
    with db.unit_of_work() as session:
        have = session.scalar(text("SELECT count(*) FROM accounts WHERE kind = 'person'")) or 0
        # More persons, by SQL: the fill makes S/10; a territory of S persons has S.
        session.execute(
            text(
                "INSERT INTO accounts (id, kind, login, kdf_alg, kdf_salt, kdf_opslimit, "
                "kdf_memlimit, auth_verifier, recovery_verifier, wrapped_master_passphrase, "
                "wrapped_master_recovery, wrapped_keyring, box_public_key, sign_public_key, "
                "created_at) SELECT md5('bench-person-' || n), 'person', 'bench-personne-' || n, "
                "'argon2id13', '\\x00'::bytea, 3, 67108864, '\\x00'::bytea, '\\x00'::bytea, "
                "'\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea, "
                "'\\x00'::bytea, :at FROM generate_series(1, :count) AS n"
            ),
            {"count": max(0, size - int(have)), "at": NOW},
        )
        # Each document's key sealed to its owner (the person's list joins them).
        session.execute(
            text(
                "INSERT INTO sealed_keys (id, document_id, recipient_id, sealed_key, created_at) "
                "SELECT md5(id || '-key'), id, owner_id, '\\x00'::bytea, created_at FROM documents"
            )
        )
        persons = list(
            session.scalars(
                text("SELECT DISTINCT owner_id FROM documents ORDER BY owner_id LIMIT 2000")
            )
        )
        structures = list(session.scalars(text("SELECT id FROM structures ORDER BY id")))
        professionals = [
            (str(a), str(s))
            for a, s in session.execute(
                text("SELECT account_id, structure_id FROM memberships ORDER BY account_id")
            )
        ]
        # Pulls that the gate lets through: in force, not revoked, a category the
        # charter's purposes allow, a professional other than the référent.
        pullable = [
            (str(g), str(d), str(p))
            for g, d, p in session.execute(
                text(
                    "SELECT g.id, d.id, g.professional_id FROM grants g "
                    "JOIN grant_documents gd ON gd.grant_id = g.id "
                    "JOIN documents d ON d.id = gd.document_id "
                    "WHERE g.revoked_at IS NULL AND g.not_after > :now "
                    "AND gd.sealed_key IS NOT NULL AND d.category IN ('identite', 'domicile') "
                    "AND g.professional_id <> :referent ORDER BY g.id LIMIT 200"
                ),
                {"now": NOW, "referent": referent},
            )
        ]
    # The objects of those documents: a few bytes each in the (local) store.
    with db.unit_of_work() as session:
        for grant, document, _ in pullable:
            key = new_object_key()
            coffre.store.put_stream(key, iter([b"ciphertext"]))
            session.execute(
                text("UPDATE documents SET object_key = :key WHERE id = :id"),
                {"key": key, "id": document},
            )
            # The fill's grants start 100 days back; the charter caps a grant at 90.
            session.execute(
                text("UPDATE grants SET not_before = :start, not_after = :end WHERE id = :id"),
                {"start": NOW - timedelta(days=1), "end": NOW + timedelta(days=29), "id": grant},
            )
    person = audit_entries(coffre, size, structures, professionals, persons)
    if factor > 1:
        multiply(coffre, factor)
    return {
        "referent": referent,
        "followed": followed,
        "persons": persons,
        "professionals": sorted({p for p, _ in professionals} - {referent}),
        "pullable": pullable,
        "audited_person": person,
    }


# What ``multiply`` maps in each table: ids to new ids (md5 of the id and the copy's
# number, consistent across tables), unique texts suffixed, unique keys left empty.
# The référent's links and the structures stay as they are: one référent, 20 structures.
_COPIED = {
    "accounts": ({"id"}, {"login"}, set(), "kind IN ('person', 'professional')"),
    "professional_profiles": ({"account_id"}, set(), set(), "true"),
    "memberships": ({"id", "account_id"}, set(), set(), "true"),
    "documents": ({"id", "owner_id"}, set(), {"object_key"}, "true"),
    "sealed_keys": ({"id", "document_id", "recipient_id"}, set(), set(), "true"),
    "grants": ({"id", "person_id", "professional_id"}, set(), set(), "true"),
    "grant_documents": ({"grant_id", "document_id"}, set(), set(), "true"),
    "access_requests": ({"id", "person_id", "professional_id"}, set(), set(), "true"),
    "audit_entries": ({"actor_id", "person_id", "object_id"}, set(), set(), "true"),
}


def multiply(coffre: Coffre, factor: int) -> None:
    """The territory ``factor`` times over, by SQL inside PostgreSQL (one INSERT ... SELECT
    per table): copy k of a row has its ids mapped to md5(id || ':k'), so that every
    copy is a territory of its own with the same shape (persons, their documents and
    keys, grants, requests, professionals and their audit entries); audit entries take
    the sequence numbers after the trail's. Used for 10^6 rows, which batched inserts
    from Python take too long to write on a shared machine."""
    with coffre.db.unit_of_work() as session:
        size = int(session.get_one(AuditHead, HEAD_ID).size)
        for table, (ids, unique, emptied, where) in _COPIED.items():
            columns = list(
                session.scalars(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = :t ORDER BY ordinal_position"
                    ),
                    {"t": table},
                )
            )
            values = []
            for column in columns:
                if column in ids:
                    values.append(f"md5({column} || ':' || k)")
                elif column in unique:
                    values.append(f"{column} || '-' || k")
                elif column in emptied:
                    values.append("NULL")
                elif table == "audit_entries" and column == "seq":
                    values.append(f"seq + k * {size}")
                else:
                    values.append(column)
            session.execute(
                text(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608 - names from the catalogue
                    f"FROM {table} CROSS JOIN generate_series(1, :copies) AS k WHERE {where}"
                ),
                {"copies": factor - 1},
            )
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=size * factor))


def audit_entries(
    coffre: Coffre,
    size: int,
    structures: list[str],
    professionals: list[tuple[str, str]],
    persons: list[str],
) -> str:
    """``size`` entries of a year of the same territory (bench/console_views.py), written
    by bulk inserts after the head; returns a person who pulled."""
    world = console_views.Territory(size, random.Random(7))
    world.structures = structures
    world.professionals = professionals
    world.persons = persons
    person = ""
    with coffre.db.unit_of_work() as session:
        start = session.get_one(AuditHead, HEAD_ID).size
        batch: list[dict[str, Any]] = []
        for row in console_views._entries(size, start, world):
            if row["action"] == "grant.pull" and not person:
                person = row["person_id"]
            batch.append(row)
            if len(batch) == 5000:
                session.execute(insert(AuditEntry), batch)
                batch = []
        if batch:
            session.execute(insert(AuditEntry), batch)
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=start + size))
    return person


@contextmanager
def captured(coffre: Coffre) -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs run meanwhile, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "pg_advisory" not in statement:
            statements.append((statement, params))

    event.listen(coffre.db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(coffre.db.engine, "before_cursor_execute", capture)


def explain(coffre: Coffre, statements: list[tuple[str, Any]]) -> tuple[list[str], int]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of each statement, in a transaction rolled back;
    with the pages the statements touched (their top nodes' shared buffers, hit or
    read): unlike a time, a count the machine's load does not change."""
    found = []
    pages = 0
    with coffre.db.engine.connect() as connection:
        for statement, params in statements:
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
            ).all()
            lines = [str(r[0]) for r in rows]
            top = next((line for line in lines if "Buffers: shared" in line), "")
            pages += sum(int(n) for n in _PAGES.findall(top))
            plan = [referent_view._short(line) for line in lines if "Buffers:" not in line]
            first = " ".join(statement.split())[:100]
            found.append(first + "\n    " + "\n    ".join(plan))
        connection.rollback()
    return found, pages


def distinct(plans: list[str]) -> list[str]:
    """Each statement's plan once, with how many times the call ran it (shared with me
    runs the same few statements for every grant it shows)."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for plan in plans:
        head = plan.split("\n", 1)[0]
        counts[head] = counts.get(head, 0) + 1
        first.setdefault(head, plan)
    return [
        plan if counts[head] == 1 else plan.replace("\n", f"\n    (run {counts[head]} times)\n", 1)
        for head, plan in first.items()
    ]


def growing_scans(plans: list[str]) -> list[str]:
    return sorted({t for plan in plans for t in _SEQ.findall(plan) if t in GROWING})


def _timed(calls: int, call: Callable[[int], object]) -> tuple[float, float]:
    times = []
    for i in range(calls):
        started = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times), percentile(times, 0.95)


def _drain(pulled: Any) -> None:
    for _ in pulled.content:
        pass
    close = getattr(pulled.content, "close", None)
    if close is not None:
        close()


def measure(
    url: str,
    size: int,
    calls: int,
    directory_size: int | None,
    workdir: Path,
    factor: int = 1,
) -> dict[str, Any]:
    migrate.upgrade(url)
    settings = Settings(
        environment="test",
        secret_key=secrets.token_urlsafe(40),
        database_url=url,
        storage_dir=workdir / "objects",
        audit_key_file=workdir / "audit.key",
        push_vapid_key_file=workdir / "vapid.pem",
    )
    coffre = Coffre.build(settings, clock=FrozenClock(NOW))
    try:
        started = time.perf_counter()
        who = fill(coffre, size // factor, factor)
        if directory_size:
            for raw in directory_search.generate(directory_size):
                coffre.directory.import_file(None, raw)
        filled = time.perf_counter() - started
        with coffre.db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        rng = random.Random(3)
        persons = [Actor(account_id=p, role=Role.PERSON, session_id=_id()) for p in who["persons"]]
        pros = [
            Actor(account_id=p, role=Role.PROFESSIONAL, session_id=_id())
            for p in who["professionals"]
        ]
        officer = Actor(account_id=_id(), role=Role.CHARTER_OFFICER, session_id=_id())
        reference = coffre.console.pseudonym(who["audited_person"])
        referent = who["referent"]
        pulls = who["pullable"]

        referent_actor = Actor(account_id=referent, role=Role.PROFESSIONAL, session_id=_id())

        def page(_: int) -> None:
            coffre.referents.followed(referent_actor, None, 50)

        def one_followed(_: int) -> None:
            coffre.referents.followed_person(referent_actor, rng.choice(who["followed"]))

        def pull(i: int) -> None:
            grant, document, professional = pulls[i % len(pulls)]
            actor = Actor(account_id=professional, role=Role.PROFESSIONAL, session_id=_id())
            _drain(coffre.grants.pull(actor, grant, document, None))

        calls_of: dict[str, Callable[[int], object]] = {
            "documents": lambda _: coffre.vault.list(rng.choice(persons)),
            "shared": lambda _: coffre.grants.shared_with_me(rng.choice(pros)),
            "pull": pull,
            "flags": lambda _: coffre.console.flags(officer),
            "refused": lambda _: coffre.console.search(
                officer, Filters(action="grant.pull", outcome="refused", limit=50)
            ),
            "by_person": lambda _: coffre.console.search(
                officer, Filters(person=reference, limit=50)
            ),
            "referent_page": page,
            "referent_person": one_followed,
        }
        if directory_size:
            queries = directory_search.QUERIES
            calls_of["directory"] = lambda i: coffre.directory.search(
                None, queries[i % len(queries)]
            )
        figures: dict[str, Any] = {"fill": filled, "plans": {}, "scans": {}, "pages": {}}
        for name, call in calls_of.items():
            call(0)  # warm the pool and the caches
            figures[name] = _timed(calls, call)
            with captured(coffre) as statements:
                call(1)
            plans, pages = explain(coffre, statements)
            figures["plans"][name] = plans
            figures["pages"][name] = pages
            figures["scans"][name] = growing_scans(plans)
        figures["load"] = os.getloadavg()[0]
        print(
            f"S = {size:>8} (filled in {filled:.0f} s, load {figures['load']:.1f}): "
            + ", ".join(
                f"{name} {figures[name][0] * 1e3:.1f}/{figures[name][1] * 1e3:.1f} ms"
                for name in calls_of
            )
        )
        for name in calls_of:
            if figures["scans"][name]:
                print(f"  {name}: sequential scan of {', '.join(figures['scans'][name])}")
        return figures
    finally:
        coffre.close()


def write_section(
    rows: list[tuple[int, int | None, dict[str, Any]]],
    calls: int,
    note: str,
    path: Path = report.PERFORMANCE,
) -> None:
    from bench.load import cores

    lines = [
        f"Measured with `python -m bench.scale` on {cores()}, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}, PostgreSQL 15 on "
        f"127.0.0.1: S rows in each of persons, documents, grants, requests and audit "
        f"entries, bulk-inserted; median / 95th percentile of {calls} calls through the "
        f"services (no HTTP), in milliseconds. {note}",
        "",
        "| S | " + " | ".join(label for _, label in VIEWS) + " | load |",
        "|---|" + "---|" * (len(VIEWS) + 1),
    ]
    for size, _, f in rows:
        cells = []
        for name, _ in VIEWS:
            if name in f:
                cells.append(f"{f[name][0] * 1e3:.1f} / {f[name][1] * 1e3:.1f}")
            else:
                cells.append("–")
        count = f"{size:,}".replace(",", " ")
        lines.append(f"| {count} | " + " | ".join(cells) + f" | {f['load']:.1f} |")
    directory = [(s, d) for s, d, _ in rows if d]
    if directory:
        lines += [
            "",
            "Directory search: "
            + ", ".join(f"{d:,} services at S = {s:,}".replace(",", " ") for s, d in directory)
            + "; none at the sizes marked –.",
        ]
    lines += [
        "",
        "Pages (8 KiB, shared buffers hit or read) that one call's SELECTs touched, from "
        "`EXPLAIN (ANALYZE, BUFFERS)`: a count the machine's load does not change.",
        "",
        "| S | " + " | ".join(label for _, label in VIEWS) + " |",
        "|---|" + "---|" * len(VIEWS),
    ]
    for size, _, f in rows:
        pages = [str(f["pages"][name]) if name in f["pages"] else "–" for name, _ in VIEWS]
        lines.append(f"| {size:,} | ".replace(",", " ") + " | ".join(pages) + " |")
    smallest, largest = rows[0], rows[-1]
    lines += [
        "",
        f"From S = {smallest[0]:,} to S = {largest[0]:,} (median time; pages):".replace(",", " "),
        "",
    ]
    for name, label in VIEWS:
        if name in smallest[2] and name in largest[2]:
            ratio = largest[2][name][0] / smallest[2][name][0]
            grown = largest[2]["pages"][name] / max(1, smallest[2]["pages"][name])
            scans = largest[2]["scans"][name]
            seq = f"; sequential scan of {', '.join(scans)}" if scans else ""
            lines.append(f"- {label}: {ratio:.1f}× the time, {grown:.1f}× the pages{seq}")
    size, _, f = largest
    lines += [
        "",
        f"Plans at S = {size:,}".replace(",", " ")
        + ", `EXPLAIN (ANALYZE)` of one call's SELECTs (buffers left out):",
        "",
    ]
    lines.append("```")
    for name, label in VIEWS:
        if name in f["plans"]:
            lines.append(f"-- {label}")
            lines += distinct(f["plans"][name])
    lines.append("```")
    report.write_section(
        "scale", "Scale: 10^4 to 10^6 rows on PostgreSQL (`bench/scale.py`)", lines, path=path
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--directory-sizes", default="10000,100000")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument(
        "--copied-above",
        type=int,
        default=100_000,
        help="sizes above this are a tenth written from Python, then copied by SQL (multiply)",
    )
    parser.add_argument("--note", default="", help="a sentence for the report (the machine)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    directory_sizes = [int(s) for s in args.directory_sizes.split(",") if s]
    from tests.servers.postgres import start_postgres

    rows = []
    with tempfile.TemporaryDirectory(prefix="coffre-bench-scale-") as name:
        tmp = Path(name)
        server = start_postgres(tmp / "pg")
        try:
            for i, size in enumerate(sizes):
                url = server.create_database(f"scale{size}")
                directory_size = directory_sizes[i] if i < len(directory_sizes) else None
                work = tmp / f"s{size}"
                work.mkdir()
                factor = 10 if size > args.copied_above else 1
                figures = measure(url, size, args.calls, directory_size, work, factor)
                rows.append((size, directory_size, figures))
                server.drop_database(f"scale{size}")
                if not args.no_write:  # after each size: a stopped run keeps what it measured
                    write_section(rows, args.calls, args.note)
        finally:
            server.close()


if __name__ == "__main__":
    main()
