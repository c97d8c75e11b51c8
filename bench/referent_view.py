"""Benchmark: the référent's view (``GET /followed``, ``GET /followed/{person_id}``) for a
référent following 500 persons, with 10^4 and 10^5 rows in each table around it.

Run: ``.venv/bin/python -m bench.referent_view [--sizes 10000,100000]
[--backends sqlite,postgres] [--calls 300]``.

For each backend (SQLite in a temporary folder; PostgreSQL started on loopback in a
temporary folder, as the tests do) and each size S, it writes a territory with bulk
inserts (not through the services: the view only reads, and making 10^5 grants with
real crypto would take the whole run): S/10 persons (at least 1 000), 200 certified
professionals in 20 structures, a published charter, S documents (a third with an
expiry date), S grants (a tenth revoked, a fifth expired, the rest in force, each
naming one document of its person), S requests (two fifths waiting), and 500 persons
following one référent (a third showing the expiry count). The référent holds three
grants from each followed person, at every size: what grows from 10^4 to 10^5 is the
territory (persons, their documents, grants and requests), not what one person shares,
so a flat view is one whose cost does not follow the size of the tables. Then it
serves the real app with uvicorn on 127.0.0.1 and times, over HTTP with a session of
the référent, ``--calls`` calls of ``GET /followed`` (pages of 50 walked with their
cursor) and of ``GET /followed/{person_id}`` (a followed person drawn at random), and
prints p50 and p95, and the plans of the view's queries (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
PostgreSQL) as they ran for one page. It rewrites its section of docs/PERFORMANCE.md.
Target: p95 under 50 ms on loopback, flat from 10^4 to 10^5 (issue 16, "Speed").
Never run as a test (tests/referents/test_bench_smoke.py runs it once, tiny).
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
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert, text

from bench import report
from bench.console_views import charter_text
from bench.report import database, percentile
from coffre.accounts.models import Account
from coffre.accounts.sessions import SessionKind, open_session
from coffre.clock import FrozenClock
from coffre.consent.models import AccessRequest, Grant, GrantDocument
from coffre.consent.service import CharterService
from coffre.container import Coffre
from coffre.db import migrate
from coffre.db.engine import Database, make_engine
from coffre.policy import Actor, Role
from coffre.referents import repository as referent_rows
from coffre.referents import view
from coffre.referents.models import ReferentLink
from coffre.settings import Settings
from coffre.structures.models import Membership, ProfessionalProfile, Structure
from coffre.vault.models import Document
from tests.servers.app_server import serving

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
FOLLOWED = 500
REFERENT_GRANTS_PER_PERSON = 3
PROFESSIONALS = 200
STRUCTURES = 20
BATCH = 5_000
PURPOSES = ("ouverture-droits-rsa", "demande-logement-siao", "dossier-mdph", "domiciliation")
CATEGORIES = ("identite", "domicile", "ressources", "titre-sejour", "sante")


def _id() -> str:
    return secrets.token_hex(16)


def _account(account_id: str, kind: str, login: str) -> dict[str, Any]:
    blank = bytes(32)
    return {
        "id": account_id,
        "kind": kind,
        "login": login,
        "kdf_alg": "argon2id13",
        "kdf_salt": bytes(16),
        "kdf_opslimit": 3,
        "kdf_memlimit": 64 * 1024 * 1024,
        "auth_verifier": blank,
        "recovery_verifier": blank,
        "wrapped_master_passphrase": bytes(72),
        "wrapped_master_recovery": bytes(72),
        "wrapped_keyring": bytes(120),
        "box_public_key": blank,
        "sign_public_key": blank,
        "created_at": NOW - timedelta(days=400),
    }


def _batches(db: Database, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    with db.unit_of_work() as session:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                session.execute(insert(model), batch)
                count += len(batch)
                batch = []
        if batch:
            session.execute(insert(model), batch)
            count += len(batch)
    return count


def fill(db: Database, size: int, followed: int = FOLLOWED) -> tuple[str, list[str]]:
    """Write the territory; returns the référent's id and the persons they follow."""
    rng = random.Random(7)
    admin = _id()
    persons = [_id() for _ in range(max(1_000, size // 10, followed * 2))]
    structures = [_id() for _ in range(STRUCTURES)]
    pros = [(_id(), structures[i % STRUCTURES]) for i in range(PROFESSIONALS)]
    referent, referent_structure = pros[0]
    _batches(db, Account, iter([_account(admin, "territory_admin", "bench-admin")]))
    CharterService(db, FrozenClock(NOW - timedelta(days=400))).publish(
        Actor(account_id=admin, role=Role.TERRITORY_ADMIN, session_id=_id()),
        charter_text(structures, 1),
    )
    _batches(
        db,
        Account,
        (_account(p, "person", f"personne-{i}") for i, p in enumerate(persons)),
    )
    _batches(
        db, Account, (_account(p, "professional", f"pro-{i}") for i, (p, _) in enumerate(pros))
    )
    _batches(
        db,
        Structure,
        (
            {
                "id": s,
                "name": f"Structure {i}",
                "kind": "ccas",
                "address": "1 rue Exemple, 63000 Clermont-Ferrand",
                "territory": "63",
                "admitted_at": NOW - timedelta(days=400),
                "admitted_by": admin,
            }
            for i, s in enumerate(structures)
        ),
    )
    _batches(
        db,
        ProfessionalProfile,
        (
            {"account_id": p, "display_name": f"Pro {i}", "profession": "assistant-service-social"}
            for i, (p, _) in enumerate(pros)
        ),
    )
    _batches(
        db,
        Membership,
        (
            {
                "id": _id(),
                "structure_id": s,
                "account_id": p,
                "role": "professional",
                "joined_at": NOW - timedelta(days=400),
                "certificate": "{}",
                "certified_by": admin,
                "certifier_fingerprint": "0" * 40,
                "certified_at": NOW - timedelta(days=399),
            }
            for p, s in pros
        ),
    )
    # Documents: every person has one, the rest drawn at random; a third expire.
    owners = persons + [rng.choice(persons) for _ in range(max(0, size - len(persons)))]
    documents: dict[str, list[str]] = {}
    document_rows = []
    for owner in owners[:size]:
        document_id = _id()
        documents.setdefault(owner, []).append(document_id)
        expires = TODAY + timedelta(days=rng.randint(-90, 400)) if rng.random() < 0.33 else None
        document_rows.append(
            {
                "id": document_id,
                "owner_id": owner,
                "category": rng.choice(CATEGORIES),
                "ciphertext_size": 1000,
                "ciphertext_sha256": "0" * 64,
                "expires_on": expires,
                "created_at": NOW - timedelta(days=200),
            }
        )
    _batches(db, Document, iter(document_rows))
    followed_persons = persons[:followed]
    grant_rows, grant_documents = [], []
    for i in range(size):
        # Three grants to the référent per followed person (as many at every size: a
        # person does not share more because the territory is bigger); the rest at random.
        if i < REFERENT_GRANTS_PER_PERSON * followed:
            person, (pro, structure) = (
                followed_persons[i % followed],
                (referent, referent_structure),
            )
        else:
            person, (pro, structure) = rng.choice(persons), rng.choice(pros)
        if person not in documents:
            continue
        draw = rng.random()
        not_after = NOW + timedelta(days=rng.randint(1, 90))
        if draw < 0.2:
            not_after = NOW - timedelta(days=rng.randint(1, 90))
        grant_id = _id()
        grant_rows.append(
            {
                "id": grant_id,
                "person_id": person,
                "professional_id": pro,
                "structure_id": structure,
                "purpose": rng.choice(PURPOSES),
                "charter_version": 1,
                "receipt": "{}",
                "not_before": NOW - timedelta(days=100),
                "not_after": not_after,
                "max_pulls": None,
                "pulls": 0,
                "created_at": NOW - timedelta(days=100),
                "revoked_at": NOW - timedelta(days=1) if 0.2 <= draw < 0.3 else None,
            }
        )
        grant_documents.append(
            {
                "grant_id": grant_id,
                "document_id": rng.choice(documents[person]),
                "ciphertext_sha256": "0" * 64,
                "sealed_key": bytes(80) if draw >= 0.2 else None,
            }
        )
    _batches(db, Grant, iter(grant_rows))
    _batches(db, GrantDocument, iter(grant_documents))
    _batches(
        db,
        AccessRequest,
        (
            {
                "id": _id(),
                "professional_id": pro,
                "structure_id": structure,
                "person_id": rng.choice(persons),
                "login_digest": "0" * 64,
                "purpose": rng.choice(PURPOSES),
                "category": rng.choice(CATEGORIES),
                "message": "Bonjour, merci de partager ce document.",
                "created_at": NOW - timedelta(days=5),
                "expires_at": NOW + timedelta(days=rng.randint(-20, 30)),
                "status": "pending" if rng.random() < 0.4 else "declined",
            }
            for pro, structure in (rng.choice(pros) for _ in range(size))
        ),
    )
    _batches(
        db,
        ReferentLink,
        (
            {
                "id": _id(),
                "person_id": person,
                "professional_id": referent,
                "structure_id": referent_structure,
                "status": "active",
                "proposed_by": "person",
                "show_expiry_count": i % 3 == 0,
                "created_at": NOW - timedelta(days=30),
                "started_at": NOW - timedelta(days=30),
            }
            for i, person in enumerate(followed_persons)
        ),
    )
    return referent, followed_persons


_ID_LIST = re.compile(r"'\{[0-9a-f,]{33,}\}'")


def _short(line: str) -> str:
    """A plan line with the page's ids elided (PostgreSQL prints the whole array)."""
    return _ID_LIST.sub(lambda m: f"'{{…{m.group(0).count(',') + 1} ids…}}'", line)


def plans(coffre: Coffre, referent: str, persons: list[str]) -> list[str]:
    """The plan of every query one page of the view runs (and one person's view)."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, params))

    engine = coffre.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with coffre.db.unit_of_work() as db:
            links = referent_rows.followed_links(db, referent, None, 50)
            view.summaries(db, referent, links, NOW)
            view.detail(db, referent, links[0][0], links[0][1], NOW)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    sqlite = engine.dialect.name == "sqlite"
    found = []
    with engine.connect() as conn:
        for statement, params in statements:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, params).all()
            plan = [_short(str(r[-1]) if sqlite else str(r[0])) for r in rows]
            first = " ".join(statement.split())[:90]
            found.append(first + "\n    " + "\n    ".join(plan))
    return found


def measure(url: str, size: int, calls: int, followed: int = FOLLOWED) -> dict[str, Any]:
    migrate.upgrade(url)
    db = Database(make_engine(url))
    try:
        started = time.perf_counter()
        referent, persons = fill(db, size, followed)
        filled = time.perf_counter() - started
        if url.startswith("postgresql"):
            with db.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        with db.unit_of_work() as session:
            token = open_session(
                session,
                account_id=referent,
                now=NOW,
                ttl_seconds=86400,
                kind=SessionKind.API,
                user_agent="bench",
            )
    finally:
        db.dispose()
    storage = Path(tempfile.mkdtemp(prefix="coffre-bench-objects-"))
    settings = Settings(
        environment="test",
        secret_key=secrets.token_urlsafe(40),
        database_url=url,
        storage_dir=storage,
    )
    rng = random.Random(11)
    headers = {"Authorization": f"Bearer {token}"}
    with (
        serving(settings, FrozenClock(NOW)) as base,
        httpx.Client(base_url=base, headers=headers) as http,
    ):
        for _ in range(10):  # warm the pool and the caches
            http.get("/api/v1/followed").raise_for_status()
            http.get(f"/api/v1/followed/{rng.choice(persons)}").raise_for_status()
        lists: list[float] = []
        cursor: str | None = None
        seen = 0
        for _ in range(calls):
            params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
            t0 = time.perf_counter()
            response = http.get("/api/v1/followed", params=params)
            lists.append(time.perf_counter() - t0)
            response.raise_for_status()
            body = response.json()
            seen += len(body["items"])
            cursor = body["next"]
        details: list[float] = []
        for _ in range(calls):
            person = rng.choice(persons)
            t0 = time.perf_counter()
            response = http.get(f"/api/v1/followed/{person}")
            details.append(time.perf_counter() - t0)
            response.raise_for_status()
        coffre = Coffre.build(settings, clock=FrozenClock(NOW))
        try:
            explained = plans(coffre, referent, persons)
        finally:
            coffre.close()
    figures = {
        "fill": filled,
        "list_p50": statistics.median(lists),
        "list_p95": percentile(lists, 0.95),
        "detail_p50": statistics.median(details),
        "detail_p95": percentile(details, 0.95),
        "load": os.getloadavg()[0],
        "plans": explained,
    }
    print(
        f"{url.split(':', 1)[0]:>10} {size:>8}: GET /followed p50 "
        f"{figures['list_p50'] * 1e3:.1f} ms p95 {figures['list_p95'] * 1e3:.1f} ms; "
        f"GET /followed/{{id}} p50 {figures['detail_p50'] * 1e3:.1f} ms p95 "
        f"{figures['detail_p95'] * 1e3:.1f} ms (load {figures['load']:.1f})"
    )
    return figures


def write_section(rows: list[tuple[str, int, dict[str, Any]]], calls: int) -> None:
    lines = [
        f"Measured with `python -m bench.referent_view` on {platform.machine()}, Python "
        f"{platform.python_version()}: {calls} calls of each over HTTP on 127.0.0.1 "
        f"(uvicorn, one client), a référent following {FOLLOWED} persons, pages of 50; "
        "S rows in each of `documents`, `grants`, `grant_documents`, `access_requests` "
        "(S/10 persons, about ten of each per person at every size; the référent holds "
        "three grants per followed person). The load average (1 min) is the machine's, "
        "shared with other work (2 cores).",
        "",
        "| backend | S | GET /followed p50 (ms) | p95 (ms) | GET /followed/{id} p50 (ms) "
        "| p95 (ms) | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, size, f in rows:
        count = f"{size:,}".replace(",", " ")
        lines.append(
            f"| {backend} | {count} | {f['list_p50'] * 1e3:.1f} | {f['list_p95'] * 1e3:.1f} "
            f"| {f['detail_p50'] * 1e3:.1f} | {f['detail_p95'] * 1e3:.1f} | {f['load']:.1f} |"
        )
    for backend, size, f in rows:
        if size == max(s for b, s, _ in rows if b == backend):
            lines += ["", f"Plans on {backend} at S = {size} (one page, then one person):", ""]
            lines += ["```"] + list(f["plans"]) + ["```"]
    report.write_section("referent-view", "The référent's view (`bench/referent_view.py`)", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
        for backend in args.backends.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                with database(backend, Path(tmp), f"r{size}") as url:
                    rows.append((backend, size, measure(url, size, args.calls)))
    if not args.no_write:
        write_section(rows, args.calls)


if __name__ == "__main__":
    main()
