"""Benchmark: the charter officer's console views as the trail grows, as ratios.

Run: ``.venv/bin/python -m bench.console_views [--sizes 10000,100000,1000000]
[--backends sqlite,postgres] [--repeat 5]``.

For each backend (SQLite in a temporary folder; PostgreSQL 15 started on loopback in a
temporary folder, as the tests do) and each trail size, it fills ``audit_entries``
with a year of activity of a territory (sign-ups, uploads, grants, pulls of which a
few refused, declined requests, console reads; entries spread evenly over 365 days,
the last 30 days read by the flags), then times, median of ``--repeat`` calls:

- raw page: the newest 50 entries by sequence number (the cheapest indexed read);
- flags: ``AuditConsole.flags`` over its default period (30 days);
- refused pulls: the first page of ``search(action="grant.pull", outcome="refused")``;
- by person: the first page of ``search(person=<pseudonymous reference>)``.

The rows are written with bulk inserts, not through ``coffre.audit.trail.append``:
the console reads the columns and the event body, never the hashes, and appending a
million entries one by one would take the whole run (``bench/audit_append.py``
measures appends). It prints the figures and rewrites the table in
docs/PERFORMANCE.md. The claim to check: each view grows with what it shows (the
period's entries, one page), not with the whole trail. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update

from bench import report
from bench.report import database
from coffre.accounts.models import Account
from coffre.audit.console import AuditConsole, Filters
from coffre.audit.models import AuditEntry, AuditHead
from coffre.audit.trail import HEAD_ID
from coffre.clock import FrozenClock
from coffre.consent.models import PublishedCharter
from coffre.consent.service import CharterService
from coffre.db import migrate
from coffre.db.engine import Database, make_engine
from coffre.policy import Actor, Role
from coffre.settings import Settings

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
PURPOSES = ("ouverture-droits-rsa", "demande-logement-siao", "dossier-mdph", "domiciliation")
OTHER_ACTIONS = ("document.upload", "session.login", "document.download", "console.read")


def _id() -> str:
    return secrets.token_hex(16)


class Territory:
    """Who acts in the generated trail: sizes scale with the trail."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        self.persons = [_id() for _ in range(max(20, size // 40))]
        self.structures = [_id() for _ in range(20)]
        self.professionals = [(_id(), self.structures[i % 20]) for i in range(max(40, size // 400))]
        self.grants: list[tuple[str, str, str, str, str, datetime]] = []


def charter_text(structures: list[str], version: int) -> str:
    """The territory's charter: the four purposes, every structure adhering all year
    (so that, as in a real territory, flags are the exception, not every pull)."""
    purposes = "".join(
        f"""
[[finalites]]
code = "{code}"
libelle = "{code}"
description = "Finalité {code}."
categories = ["identite", "domicile"]
professions = ["assistant-service-social"]
duree_max_jours = 90
motif_obligatoire = false
"""
        for code in PURPOSES
    )
    members = "".join(
        f"""
[[structures]]
identifiant = "{sid}"
nom = "Structure {i}"
adhesion = 2025-01-01
"""
        for i, sid in enumerate(structures)
    )
    head = f'version = {version}\nterritoire = "63"\ntitre = "Charte"\nen_vigueur_le = 2025-01-01\n'
    return head + purposes + members


def _entries(size: int, start: int, world: Territory) -> Iterator[dict[str, Any]]:
    """``size`` entries in ``seq`` order from ``start``, as the console reads them."""
    rng = world.rng
    step = YEAR / size
    for seq in range(start, start + size):
        at = NOW - YEAR + step * (seq - start + 1)
        roll = rng.random()
        row: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "outcome": "ok",
            "actor_role": "professional",
            "leaf_hash": bytes(32),
            "chain": bytes(32),
            "salt": bytes(32),
            "reason": None,
        }
        details: dict[str, Any] = {}
        if roll < 0.10 or not world.grants:
            professional, structure = rng.choice(world.professionals)
            grant = _id()
            person = rng.choice(world.persons)
            purpose = rng.choice(PURPOSES)
            world.grants.append((grant, person, professional, structure, purpose, at))
            if len(world.grants) > 2000:
                world.grants.pop(0)
            row |= {
                "action": "grant.create",
                "actor_id": person,
                "actor_role": "person",
                "person_id": person,
                "structure_id": structure,
                "object_type": "grant",
                "object_id": grant,
                "purpose": purpose,
            }
            details = {"professional": professional, "not_after": (at + timedelta(days=30))}
        elif roll < 0.55:
            grant, person, professional, structure, purpose, made = rng.choice(world.grants)
            refused = rng.random() < 0.05
            row |= {
                "action": "grant.pull",
                "outcome": "refused" if refused else "ok",
                "actor_id": professional,
                "person_id": person,
                "structure_id": structure,
                "object_type": "document",
                "object_id": _id(),
                "purpose": purpose,
            }
            details = {"grant": grant, "not_after": made + timedelta(days=30)}
        elif roll < 0.57:
            professional, structure = rng.choice(world.professionals)
            person = rng.choice(world.persons)
            row |= {
                "action": "request.decline",
                "actor_id": person,
                "actor_role": "person",
                "person_id": person,
                "structure_id": structure,
                "object_type": "request",
                "object_id": _id(),
                "purpose": rng.choice(PURPOSES),
            }
            details = {"professional": professional}
        else:
            person = rng.choice(world.persons)
            row |= {
                "action": rng.choice(OTHER_ACTIONS),
                "actor_id": person,
                "actor_role": "person",
                "person_id": person,
                "structure_id": None,
                "object_type": "document",
                "object_id": _id(),
                "purpose": None,
            }
        event = {
            "v": 1,
            "seq": seq,
            "at": at.isoformat().replace("+00:00", "Z"),
            "action": row["action"],
            "outcome": row["outcome"],
            "details": {
                k: (v.isoformat().replace("+00:00", "Z") if isinstance(v, datetime) else v)
                for k, v in details.items()
            },
        }
        row["body"] = json.dumps(event, separators=(",", ":"), sort_keys=True)
        yield row


def fill(db: Database, size: int, clock: FrozenClock) -> str:
    """Publish the charter, then write ``size`` entries; returns one person's id."""
    world = Territory(size, random.Random(7))
    admin = Actor(account_id=_id(), role=Role.TERRITORY_ADMIN, session_id=_id())
    with db.unit_of_work() as session:  # the publisher's account row (keys unused here)
        blank = bytes(32)
        session.add(
            Account(
                id=admin.account_id,
                kind="territory_admin",
                login="bench-admin-" + admin.account_id[:8],
                kdf_alg="argon2id13",
                kdf_salt=bytes(16),
                kdf_opslimit=3,
                kdf_memlimit=64 * 1024 * 1024,
                auth_verifier=blank,
                recovery_verifier=blank,
                wrapped_master_passphrase=bytes(72),
                wrapped_master_recovery=bytes(72),
                wrapped_keyring=bytes(120),
                box_public_key=blank,
                sign_public_key=blank,
                created_at=clock.now(),
            )
        )
    with db.unit_of_work() as session:
        latest = session.scalar(select(func.max(PublishedCharter.version))) or 0
    CharterService(db, clock).publish(admin, charter_text(world.structures, latest + 1))
    with db.unit_of_work() as session:
        start = session.get_one(AuditHead, HEAD_ID).size
    batch: list[dict[str, Any]] = []
    person = ""
    with db.unit_of_work() as session:
        for row in _entries(size, start, world):
            if row["action"] == "grant.pull" and not person:
                person = row["person_id"]
            batch.append(row)
            if len(batch) == 5000:
                session.execute(insert(AuditEntry), batch)
                batch = []
        if batch:
            session.execute(insert(AuditEntry), batch)
        # The console appends its own reads after the generated ones.
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=start + size))
    return person


def _median(repeat: int, call: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(url: str, size: int, repeat: int) -> dict[str, float]:
    migrate.upgrade(url)
    db = Database(make_engine(url))
    try:
        clock = FrozenClock(NOW - YEAR)
        person = fill(db, size, clock)
        if url.startswith("postgresql"):
            with db.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        settings = Settings(
            environment="test", secret_key=secrets.token_urlsafe(40), database_url=url
        )
        console = AuditConsole(db, settings, FrozenClock(NOW))
        officer = Actor(account_id=_id(), role=Role.CHARTER_OFFICER, session_id=_id())
        reference = console.pseudonym(person)

        def raw() -> None:
            with db.unit_of_work() as session:
                session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(50)).all()

        figures = {
            "raw": _median(repeat, raw),
            "flags": _median(repeat, lambda: console.flags(officer)),
            "refused": _median(
                repeat,
                lambda: console.search(
                    officer, Filters(action="grant.pull", outcome="refused", limit=50)
                ),
            ),
            "person": _median(
                repeat, lambda: console.search(officer, Filters(person=reference, limit=50))
            ),
        }
        print(
            f"{url.split(':', 1)[0]:>10} {size:>8}: "
            + ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in figures.items())
        )
        return figures
    finally:
        db.dispose()


def write_table(rows: list[tuple[str, int, dict[str, float]]], repeat: int) -> None:
    lines = [
        f"Measured with `python -m bench.console_views` on {platform.machine()}, Python "
        f"{platform.python_version()}, median of {repeat} calls; a year of activity, the "
        "flags read the last 30 days.",
        "",
        "| backend | trail size | raw page (ms) | flags (ms) | refused pulls (ms) "
        "| by person (ms) | flags / raw | refused / raw | person / raw |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, size, f in rows:
        count = f"{size:,}".replace(",", " ")
        lines.append(
            f"| {backend} | {count} | {f['raw'] * 1e3:.1f} | {f['flags'] * 1e3:.1f} "
            f"| {f['refused'] * 1e3:.1f} | {f['person'] * 1e3:.1f} "
            f"| {f['flags'] / f['raw']:.0f}× | {f['refused'] / f['raw']:.1f}× "
            f"| {f['person'] / f['raw']:.1f}× |"
        )
    report.write_section("console-views", "The officer's console (`bench/console_views.py`)", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
        for backend in args.backends.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                with database(backend, Path(tmp), f"b{size}") as url:
                    rows.append((backend, size, measure(url, size, args.repeat)))
    if not args.no_write:
        write_table(rows, args.repeat)


if __name__ == "__main__":
    main()
