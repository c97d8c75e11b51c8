"""Benchmark: searching the directory of services at 10^4 and 10^5 services.

Run: ``.venv/bin/python -m bench.directory_search [--sizes 10000,100000]
[--backends sqlite,postgres] [--searches 300]``.

For each backend (SQLite in a temporary folder; PostgreSQL 15 started on loopback in a
temporary folder, as the tests do) and each size, it imports a generated territory
through the real import (``Directory.import_file``: the data·inclusion models, the
rows, the full-text index), in files of 5 000 services: one structure for five
services, every thematic, public and reception mode of the schema, 400 communes in
12 départements, names and descriptions drawn from a few hundred French words.
Then it times ``Directory.search`` (the service layer: the query's words, the near
words of a misspelt one, the ranked ids, the rows) for a mix of queries: needs with
and without accents, plurals, typos, with a place or a public, and prints p50 and
p95 and the plan of one query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL),
then rewrites its table in docs/PERFORMANCE.md. Target: p95 under 50 ms on
loopback, flat from 10^4 to 10^5 (issue 16, "Speed"). Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import data_inclusion.schema.v1 as di

from bench import report
from bench.report import database, percentile
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.db import migrate
from coffre.directory.search import index_for, terms_for
from coffre.directory.service import SearchQuery
from coffre.settings import Settings

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CHUNK = 5_000
SOURCE = "bench"

DEPARTMENTS = ("03", "15", "42", "43", "63", "69", "01", "07", "26", "38", "73", "74")
SYLLABLES = "bel mont val roche fort saint pierre lac bois champ vic riom puy sur ville".split()
NOUNS = (
    "accueil accompagnement atelier permanence aide point espace maison service bureau "
    "centre relais antenne dispositif plateforme lieu"
).split()
WORDS = (
    "social solidaire jeunes familles seniors insertion écoute orientation droits "
    "démarches administratives numérique emploi formation santé soins hébergement "
    "logement urgence alimentation épicerie vêtements mobilité permis transport budget "
    "dettes surendettement parentalité enfance handicap autonomie addictions prévention "
    "violences juridique accès citoyenneté français langue lecture écriture culture sport "
    "loisirs vacances énergie factures eau chauffage domiciliation courrier banque "
    "retraite chômage allocations démarche rendez-vous entretien collectif individuel "
    "gratuit anonyme confidentiel bénévoles professionnels quartier commune rural"
).split()
QUERIES = (
    SearchQuery(need="hebergement"),
    SearchQuery(need="hébergement d'urgence"),
    SearchQuery(need="logemant"),
    SearchQuery(need="aides alimentaires"),
    SearchQuery(need="surendetement"),
    SearchQuery(need="emploi", place="63"),
    SearchQuery(need="logement", public="Familles"),
    SearchQuery(need="atelier numérique", place="riom"),
    SearchQuery(need="soins addictions"),
    SearchQuery(need="permis de conduire mobilité"),
    SearchQuery(place="63000"),
    SearchQuery(need="parentalite", public="Familles", place="69"),
)


def _town(rng: random.Random) -> str:
    return "-".join(rng.choice(SYLLABLES).capitalize() for _ in range(rng.randint(1, 3)))


def generate(size: int, seed: int = 7) -> Iterator[bytes]:
    """The territory as data·inclusion files of ``CHUNK`` services each."""
    rng = random.Random(seed)
    communes = []
    for i in range(400):
        department = DEPARTMENTS[i % len(DEPARTMENTS)]
        postal = f"{department}{rng.randint(0, 999):03d}"
        communes.append((_town(rng), postal, f"{department}{rng.randint(1, 499):03d}"))
    communes.append(("Clermont-Ferrand", "63000", "63113"))
    thematics = [t.value for t in di.Thematique]
    publics = [p.value for p in di.Public if p is not di.Public.TOUS_PUBLICS]
    modes = [m.value for m in di.ModeMobilisation]
    made = 0
    while made < size:
        count = min(CHUNK, size - made)
        structures: list[dict[str, Any]] = []
        services: list[dict[str, Any]] = []
        for n in range(made, made + count):
            town, postal, insee = communes[(n // 5) % len(communes)]
            if n % 5 == 0:
                structures.append(
                    {
                        "source": SOURCE,
                        "id": f"{SOURCE}--s{n // 5}",
                        "nom": f"{rng.choice(NOUNS).capitalize()} {rng.choice(WORDS)} de {town}",
                        "date_maj": "2026-06-01",
                        "commune": town,
                        "code_postal": postal,
                        "code_insee": insee,
                        "adresse": f"{rng.randint(1, 99)} rue {rng.choice(WORDS)}",
                        "telephone": f"+334{rng.randint(10000000, 99999999)}",
                    }
                )
            themes = rng.sample(thematics, rng.randint(1, 3))
            labels = [di.Thematique(t).label for t in themes]
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30)))
            services.append(
                {
                    "source": SOURCE,
                    "id": f"{SOURCE}--v{n}",
                    "structure_id": f"{SOURCE}--s{n // 5}",
                    "nom": f"{rng.choice(NOUNS).capitalize()} {labels[0].lower()}"[:150],
                    "description": f"{'. '.join(labels)}. {words.capitalize()}.",
                    "date_maj": "2026-06-01",
                    "thematiques": themes,
                    "publics": (
                        ["tous-publics"] if n % 4 == 0 else rng.sample(publics, rng.randint(1, 2))
                    ),
                    "modes_mobilisation": rng.sample(modes, rng.randint(1, 2)),
                    "zone_eligibilite": [postal[:2]],
                    "telephone": f"+334{rng.randint(10000000, 99999999)}",
                }
            )
        made += count
        yield json.dumps({"structures": structures, "services": services}).encode()


def measure(url: str, size: int, searches: int) -> dict[str, Any]:
    migrate.upgrade(url)
    # A random secret: the development one is refused outside COFFRE_ENVIRONMENT=development.
    settings = Settings(
        environment="test",
        secret_key=secrets.token_urlsafe(40),
        database_url=url,
        storage_dir=Path(url).parent,
    )
    coffre = Coffre.build(settings, clock=FrozenClock(NOW))
    try:
        started = time.perf_counter()
        for raw in generate(size):
            coffre.directory.import_file(None, raw)
        imported = time.perf_counter() - started
        if url.startswith("postgresql"):
            with coffre.db.unit_of_work() as db:
                db.connection().exec_driver_sql("ANALYZE")
        for query in QUERIES:  # warm the caches and the connection pool
            coffre.directory.search(None, query)
        times: list[float] = []
        found: list[int] = []
        for i in range(searches):
            query = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            results = coffre.directory.search(None, query)
            times.append(time.perf_counter() - t0)
            found.append(len(results))
        with coffre.db.unit_of_work() as db:
            engine = index_for(db)
            terms = terms_for(db, engine, "logemant", "63", "")
            plan = engine.explain(db, terms, 20)
        return {
            "import": imported,
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "max": max(times),
            "found": statistics.mean(found),
            "load": os.getloadavg()[0],
            "plan": plan,
        }
    finally:
        coffre.close()


def write_table(rows: list[tuple[str, int, dict[str, Any]]], searches: int) -> None:
    lines = [
        f"Measured with `python -m bench.directory_search` on {platform.machine()}, Python "
        f"{platform.python_version()}, {searches} searches of {len(QUERIES)} kinds (needs "
        "with and without accents, plurals, typos, with a place or a public), 20 results "
        "a page, through `Directory.search` (the service layer, without HTTP).",
        "",
        "| backend | services | import (s) | search p50 (ms) | search p95 (ms) | max (ms) "
        "| load average |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    for backend, size, f in rows:
        count = f"{size:,}".replace(",", " ")
        lines.append(
            f"| {names[backend]} | {count} | {f['import']:.0f} | {f['p50'] * 1e3:.1f} "
            f"| {f['p95'] * 1e3:.1f} | {f['max'] * 1e3:.1f} | {f.get('load', 0):.1f} |"
        )
    lines.append("")
    for backend, size, f in rows:
        if size == max(s for b, s, _ in rows if b == backend):
            lines.append(f"Plan of `logemant` in `63` on {names[backend]} at {size:,} services:")
            lines.append("")
            lines.append("```")
            lines.append(str(f["plan"]))
            lines.append("```")
            lines.append("")
    report.write_section(
        "directory-search",
        "Searching the directory of services (`bench/directory_search.py`)",
        lines,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
        for backend in args.backends.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                with database(backend, Path(tmp), f"d{size}") as url:
                    figures = measure(url, size, args.searches)
                    rows.append((backend, size, figures))
                    print(backend, size, {k: v for k, v in figures.items() if k != "plan"})
                    print(figures["plan"])
    if not args.no_write:
        write_table(rows, args.searches)


if __name__ == "__main__":
    main()
