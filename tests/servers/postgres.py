"""A real PostgreSQL 15 server for the tests and benchmarks, on loopback.

Uses the Debian packages' binaries (``apt-get install postgresql``, done by the
install script, never from here): ``initdb`` a fresh cluster in a temporary
directory, ``pg_ctl start`` it on a free 127.0.0.1 port with its unix socket in that
directory, and ``pg_ctl stop -m fast`` it. Durability is switched off (fsync=off):
these clusters are thrown away.

initdb refuses to run as root. As root, the cluster directory is a private temp dir
owned by the ``postgres`` user and the binaries run through ``runuser -u postgres``;
the cluster lives outside ``workdir`` because pytest's temp dirs are private to root
and the ``postgres`` user could not enter them. Its log is copied to ``workdir`` at stop.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

import psycopg
from psycopg import sql

from tests.servers.ports import LOOPBACK, assert_loopback, free_port

START_TIMEOUT = 60
SERVER_USER = "postgres"
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def postgres_bindir() -> Path:
    """Directory of the PostgreSQL 15 server binaries (initdb, pg_ctl, postgres)."""
    candidates = [Path("/usr/lib/postgresql/15/bin")]
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(  # noqa: S603 - fixed argv
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    initdb = shutil.which("initdb")
    if initdb is not None:
        candidates.append(Path(initdb).resolve().parent)
    for directory in candidates:
        if all((directory / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return directory
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with "
        "`apt-get install postgresql` (scripts/install does it), then run the tests again."
    )


def _as_root() -> bool:
    return os.geteuid() == 0


def _kill_postmaster(data_dir: Path) -> None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)


def _discard_cluster(cluster_dir: Path, data_dir: Path) -> None:
    # Runs at close(), when the server object is garbage-collected, or at exit:
    # no postgres process and no cluster directory outlive the test session.
    _kill_postmaster(data_dir)
    shutil.rmtree(cluster_dir, ignore_errors=True)


class PostgresServer:
    """One throw-away cluster; ``url`` reaches its ``postgres`` database as ``postgres``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.bindir = postgres_bindir()
        self.port = 0
        # A short path (the unix socket lives here) outside root-private directories.
        self.cluster_dir = Path(tempfile.mkdtemp(prefix="coffre-pg-"))
        self.data_dir = self.cluster_dir / "data"
        self.log_path = self.cluster_dir / "postgres.log"
        self._discard = weakref.finalize(self, _discard_cluster, self.cluster_dir, self.data_dir)
        self._user: pwd.struct_passwd | None = None
        if _as_root():
            try:
                self._user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                self._discard()
                raise RuntimeError(
                    "running as root, PostgreSQL needs the `postgres` system user: "
                    "install it with `apt-get install postgresql`."
                ) from None
            os.chown(self.cluster_dir, self._user.pw_uid, self._user.pw_gid)
        self._started = False

    # -- addresses ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{LOOPBACK}:{self.port}/{database}"

    def _conninfo(self, database: str = "postgres") -> str:
        return f"host={LOOPBACK} port={self.port} user=postgres dbname={database} connect_timeout=5"

    # -- running the binaries ----------------------------------------------------

    def _run(self, tool: str, *args: str, timeout: float = START_TIMEOUT) -> None:
        argv = [str(self.bindir / tool), *args]
        if self._user is not None:
            argv = ["runuser", "-u", SERVER_USER, "--", *argv]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        }
        result = subprocess.run(  # noqa: S603 - fixed argv
            argv,
            cwd=self.cluster_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                f"{self.log_tail()}"
            )

    def initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        """Start on a free port and wait until it accepts connections (bounded)."""
        if self._started:
            return
        self.port = free_port()
        options = " ".join(
            [
                f"-c listen_addresses={LOOPBACK}",
                f"-p {self.port}",
                f"-k {self.cluster_dir}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT),
            "start",
        )
        self._started = True
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        assert_loopback(self.url)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with psycopg.connect(self._conninfo()) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its SQLAlchemy URL."""
        if _DATABASE_NAME.fullmatch(name) is None:
            raise ValueError(f"invalid database name: {name!r}")
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        if _DATABASE_NAME.fullmatch(name) is None:
            raise ValueError(f"invalid database name: {name!r}")
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop(self) -> None:
        """Stop the server (fast shutdown; killed if that fails).

        ``start()`` may follow (on a new port); ``close()`` also removes the cluster.
        """
        if not self._started:
            return
        self._started = False
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            _kill_postmaster(self.data_dir)

    def close(self) -> None:
        """Stop, keep a copy of the log in ``workdir``, remove the cluster."""
        self.stop()
        with contextlib.suppress(OSError):
            self.workdir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.log_path, self.workdir / "postgres.log")
        self._discard()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no PostgreSQL log)"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"---- last lines of {self.log_path} ----\n{tail}"


def start_postgres(workdir: Path, *, attempts: int = 3) -> PostgresServer:
    """initdb and start a throw-away PostgreSQL 15 cluster; stop it with ``.close()``.

    Retries on a new port if another process took the chosen one in between.
    """
    server = PostgresServer(workdir)
    try:
        server.initdb()
        for attempt in range(attempts):
            try:
                server.start()
                return server
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
    except BaseException:
        server.close()
        raise
    raise AssertionError("unreachable")
