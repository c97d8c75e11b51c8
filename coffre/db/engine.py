"""Engines and the unit of work, and how a limit is decided under concurrency.

One unit of work per request or job: it commits once, rolls back on error, and
turns a database that cannot be reached into the domain's ``Unavailable`` error.

A limit (pulls left, failed logins, requests per day, a single-use code) must be
decided by the database, never by Python after a read (issue 14; docs/RELIABILITY.md,
"Limits under concurrency"). Either one conditional statement decides
(``UPDATE … SET n = n + 1 WHERE n < max``, which must change one row), or the
unit of work is opened with ``write=True`` and takes ``hold(db, key)`` before it
reads what it counts:

- SQLite: a ``write=True`` unit of work starts with ``BEGIN IMMEDIATE``, so it
  holds the database's write lock before its first read and no other writer can
  commit between its reads and its writes (a deferred transaction that reads then
  writes under WAL fails with SQLITE_BUSY_SNAPSHOT whatever the busy timeout).
  Other units of work keep pysqlite's default: ``BEGIN`` is sent just before the
  first write, the reads before it see the latest commit.
- PostgreSQL: ``hold`` takes a transaction-scoped advisory lock on the key; a
  conditional UPDATE waits for the row lock and re-checks its WHERE clause.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from coffre.errors import Unavailable


class DatabaseUnavailable(Unavailable):
    code = "database_unavailable"
    message_fr = (
        "Le service est momentanément indisponible. Rien n'a été modifié : "
        "réessayez dans quelques minutes."
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers run during a write.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# The execution option that marks a ``write=True`` unit of work's connection.
_IMMEDIATE = "coffre_begin_immediate"


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite would send a deferred BEGIN before the first write; sending ours first
    # takes the write lock now (it then sees a transaction open and sends none).
    if conn.get_execution_options().get(_IMMEDIATE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine for SQLite (embedded default) or PostgreSQL."""
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False},
            # An SQL error's message (logged with its traceback) names no value: a login,
            # an id or a key would otherwise reach the log (coffre/logs.py).
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        hide_parameters=True,  # as above: no value in a logged SQL error
        connect_args={"connect_timeout": 5} if url.startswith("postgresql") else {},
    )


class Database:
    """The session factory and the unit of work over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )

    @contextmanager
    def unit_of_work(self, *, write: bool = False) -> Iterator[Session]:
        """Yield a session; commit once at the end, roll back on any error.

        ``write=True`` for a unit of work that decides a limit from what it reads
        (see the module's docstring): ``BEGIN IMMEDIATE`` on SQLite.
        """
        session = (self._write_sessions if write else self._sessions)()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise DatabaseUnavailable() from exc
        except DBAPIError as exc:
            session.rollback()
            if exc.connection_invalidated:
                raise DatabaseUnavailable() from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def hold(db: Session, *key: str | bytes) -> None:
    """Serialise the units of work that decide the limit named by ``key``, until commit.

    Call it before reading what the limit counts. PostgreSQL: a transaction-scoped
    advisory lock on a 64-bit digest of the key (take several in sorted order, the
    same in every caller, so two of them cannot deadlock). SQLite: the unit of work
    must have been opened with ``write=True``, whose ``BEGIN IMMEDIATE`` already
    holds the one write lock; anything else is a programming error, refused loudly.
    """
    conn = db.connection()
    if conn.dialect.name == "sqlite":
        if not conn.get_execution_options().get(_IMMEDIATE):
            raise RuntimeError("a limit on SQLite needs unit_of_work(write=True)")
        return
    digest = hashlib.sha256()
    for part in key:
        raw = part.encode() if isinstance(part, str) else part
        digest.update(len(raw).to_bytes(4, "big") + raw)
    lock = int.from_bytes(digest.digest()[:8], "big", signed=True)
    conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
