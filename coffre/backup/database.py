"""The database's part of a backup: one consistent snapshot, and its restore.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot
(``pg_export_snapshot()``); the list of the objects to copy is read in that snapshot and
``pg_dump --format=custom --snapshot=…`` dumps exactly the same state, streamed from its
standard output. The restore is ``pg_restore --single-transaction --exit-on-error``
(all or nothing) into an empty database. pg_dump and pg_restore are those of the
PostgreSQL 15 client (postgresql-client-15 in the image): found on PATH, else in
/usr/lib/postgresql/<major>/bin. The password goes through PGPASSWORD, never on a
command line (other users of the machine see command lines).

SQLite: sqlite3's online backup API copies the live database page by page into a
private temporary file (readers and writers keep going); the object list is read from
that copy. The restore writes the checked file next to the target and renames it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from coffre.backup.errors import BackupDatabaseFailed, BackupToolMissing, RestoreTargetNotEmpty
from coffre.backup.streams import CHUNK
from coffre.db.engine import DatabaseUnavailable

POSTGRESQL = "postgresql"
SQLITE = "sqlite"

# The objects a backup copies: live documents' (a deleted document is crypto-shredded:
# its keys are gone, and its ciphertext must not outlive it in backups).
_OBJECTS = (
    "SELECT id, object_key, ciphertext_sha256, ciphertext_size FROM documents "
    "WHERE object_key IS NOT NULL AND deleted_at IS NULL ORDER BY object_key"
)


@dataclass(frozen=True)
class ObjectRow:
    document_id: str
    key: str
    sha256: str
    size: int


@dataclass
class Snapshot:
    kind: str  # POSTGRESQL | SQLITE
    alembic_head: str | None
    objects: list[ObjectRow]
    chunks: Iterator[bytes]  # the dump (custom format) or the SQLite file


def kind_of(database_url: str) -> str:
    return SQLITE if database_url.startswith("sqlite") else POSTGRESQL


@contextlib.contextmanager
def snapshot(database_url: str) -> Iterator[Snapshot]:
    """One consistent state of the database: its dump and the objects it references."""
    if kind_of(database_url) == SQLITE:
        with _sqlite_snapshot(_sqlite_path(database_url)) as taken:
            yield taken
    else:
        with _postgres_snapshot(database_url) as taken:
            yield taken


def _rows(result: Iterable[tuple[object, ...]]) -> list[ObjectRow]:
    return [ObjectRow(str(r[0]), str(r[1]), str(r[2]), int(str(r[3]))) for r in result]


# -- SQLite ---------------------------------------------------------------------------
def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupDatabaseFailed(detail="(base SQLite en mémoire : rien à sauvegarder)")
    return Path(database)


@contextlib.contextmanager
def _sqlite_snapshot(path: Path) -> Iterator[Snapshot]:
    if not path.is_file():
        raise BackupDatabaseFailed(detail=f"(base SQLite introuvable : {path})")
    workdir = Path(tempfile.mkdtemp(prefix="coffre-backup-"))  # mode 0700
    copy = workdir / "database.sqlite3"
    try:
        try:
            source = sqlite3.connect(path)  # only read (a read-only URI trips on WAL files)
            try:
                target = sqlite3.connect(copy)
                try:
                    # One step (pages=-1): one read transaction, so a consistent snapshot
                    # under WAL while the app keeps writing; in small steps, every write
                    # of another connection would restart the copy.
                    source.backup(target)
                    head = _sqlite_head(target)
                    objects = _rows(target.execute(_OBJECTS).fetchall())
                finally:
                    target.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise BackupDatabaseFailed(detail=f"({exc})") from exc
        yield Snapshot(SQLITE, head, objects, _file_chunks(copy))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _sqlite_head(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


# -- PostgreSQL -----------------------------------------------------------------------
def find_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest /usr/lib/postgresql/*/bin/."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise BackupToolMissing()


def libpq_environment(database_url: str) -> dict[str, str]:
    """The connection as libpq environment variables (the password never in argv)."""
    url: URL = make_url(database_url)
    env = dict(os.environ)
    pairs: tuple[tuple[str, str | None], ...] = (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    )
    for variable, value in pairs:
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    sslmode = url.query.get("sslmode")  # sslmode=require and such
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    return env


@contextlib.contextmanager
def _postgres_snapshot(database_url: str) -> Iterator[Snapshot]:
    engine = create_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            # The first statement fixes the transaction's snapshot: export it, then read
            # the object list in it; pg_dump dumps that same snapshot.
            snapshot_id = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            objects = _rows(conn.execute(text(_OBJECTS)).all())
            # stderr to a file: a pipe nobody reads until the end could fill and stall it.
            with tempfile.TemporaryFile() as errors:
                process = subprocess.Popen(  # noqa: S603 - a fixed tool, our own arguments
                    [find_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}"],
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env=libpq_environment(database_url),
                )
                try:
                    yield Snapshot(
                        POSTGRESQL,
                        str(head) if head else None,
                        objects,
                        _dump_chunks(process, errors),
                    )
                finally:
                    if process.poll() is None:
                        process.kill()
                    process.wait()
                    if process.stdout is not None:
                        process.stdout.close()
            conn.rollback()
    except OperationalError as exc:
        raise DatabaseUnavailable() from exc
    finally:
        engine.dispose()


def _dump_chunks(process: subprocess.Popen[bytes], errors: IO[bytes]) -> Iterator[bytes]:
    assert process.stdout is not None
    while chunk := process.stdout.read(CHUNK):
        yield chunk
    if process.wait() != 0:
        errors.seek(0)
        raise BackupDatabaseFailed(detail=_last_line(errors.read().decode(errors="replace")))


def _last_line(errors: str) -> str:
    lines = [line for line in errors.splitlines() if line.strip()]
    return f"({lines[-1][:300]})" if lines else ""


# -- restore --------------------------------------------------------------------------
def ensure_empty(database_url: str) -> None:
    """RestoreTargetNotEmpty unless the database has no table at all."""
    if kind_of(database_url) == SQLITE:
        path = _sqlite_path(database_url)
        if not path.exists():
            return
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                (tables,) = conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise RestoreTargetNotEmpty(str(path)) from exc
        if tables:
            raise RestoreTargetNotEmpty(str(path))
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as pg:
            tables = pg.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema "
                    "NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
    except OperationalError as exc:
        raise DatabaseUnavailable() from exc
    finally:
        engine.dispose()
    if tables:
        raise RestoreTargetNotEmpty(make_url(database_url).database)


def staging_dir(database_url: str) -> Path:
    """Where the checked database file waits before it is loaded: next to an SQLite
    target (so that the final rename stays on one file system), else a private
    temporary directory."""
    if kind_of(database_url) == SQLITE:
        path = _sqlite_path(database_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".coffre-restore-", dir=path.parent))
    return Path(tempfile.mkdtemp(prefix="coffre-restore-"))


def load(database_url: str, staged: Path) -> None:
    """Load a checked dump (or SQLite file) into the empty target, all or nothing."""
    if kind_of(database_url) == SQLITE:
        _load_sqlite(_sqlite_path(database_url), staged)
        return
    result = subprocess.run(  # noqa: S603 - a fixed tool, our own arguments
        [
            find_tool("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={make_url(database_url).database}",
            str(staged),
        ],
        capture_output=True,
        env=libpq_environment(database_url),
        check=False,
    )
    if result.returncode != 0:
        raise BackupDatabaseFailed(detail=_last_line(result.stderr.decode(errors="replace")))


def _load_sqlite(path: Path, staged: Path) -> None:
    try:
        conn = sqlite3.connect(staged)
        try:
            (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupDatabaseFailed(detail=f"({exc})") from exc
    if verdict != "ok":
        raise BackupDatabaseFailed(detail=f"({verdict})")
    ensure_empty(f"sqlite:///{path}")  # nobody made it meanwhile
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, path)
