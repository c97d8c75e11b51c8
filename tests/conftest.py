"""Real backends behind a ``--backend`` switch.

Every test that asks for ``backend`` runs on SQLite + the local directory store and
on PostgreSQL + an S3 server (SeaweedFS), both started on loopback for the session.
Each test gets its own database (a copy of a migrated template) and its own
object directory or bucket, so tests never see each other's rows or objects. On
PostgreSQL the copies are made ahead on a background thread, and a used bucket is
emptied back to the state of a new one and handed to a later test
(tests/servers/pools.py): the tests do not wait for either.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from playwright.sync_api import Browser

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.db import migrate
from coffre.settings import Settings
from tests import scheduling
from tests.servers.app_server import serving
from tests.servers.pools import Buckets, DatabaseCopies
from tests.servers.ports import assert_loopback

BACKENDS = ("sqlite-local", "postgres-s3")

# The development secret is refused unless COFFRE_ENVIRONMENT=development is set
# explicitly (coffre/settings.py): the tests' settings, and the commands and servers
# they start, use a random secret of this run instead.
os.environ["COFFRE_SECRET_KEY"] = secrets.token_urlsafe(40)
os.environ.pop("COFFRE_SECRET_KEYS", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("all", *BACKENDS),
        default="all",
        help="which database + object store pair the backend-dependent tests run on",
    )
    parser.addoption(
        "--browser-backends",
        choices=("one", "all"),
        default="one",
        help=(
            "browser tests (tests/web) run on SQLite + local only, except those marked"
            " both_backends; 'all' runs every browser test on both pairs"
        ),
    )


_WEB_TESTS = Path(__file__).parent / "web"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_backends: a browser test that also runs on PostgreSQL + S3 by default",
    )
    scheduling.configure(config)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The files longest first, so the two workers of scripts/test finish together
    # (tests/scheduling.py).
    scheduling.order_longest_first(config, items)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        choice = metafunc.config.getoption("--backend")
        backends = BACKENDS if choice == "all" else (choice,)
        if (
            choice == "all"
            and metafunc.config.getoption("--browser-backends") == "one"
            and _WEB_TESTS in Path(str(metafunc.definition.path)).parents
            and metafunc.definition.get_closest_marker("both_backends") is None
        ):
            # A browser test drives the page; what lies under it (every route on both
            # database + object store pairs) is tested by the API and domain tests, so
            # by default a browser test runs on one pair and only the journeys marked
            # both_backends on the two (docs/RELIABILITY.md, "Test suite time").
            backends = BACKENDS[:1]
        metafunc.parametrize("backend", backends)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from tests.servers.postgres import start_postgres

    server = start_postgres(tmp_path_factory.mktemp("postgres"))
    assert_loopback(server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from tests.servers.seaweedfs import start_seaweedfs

    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    assert_loopback(server.endpoint)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One Chromium, through one Playwright, for every page test of the session, in
    whatever package and order they run (pytest-xdist reorders test files): the sync
    API refuses a second Playwright in the same process while one is running."""
    from tests.web.conftest import launch_chromium

    yield from launch_chromium()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: object) -> str:
    url: str = postgres_server.create_database("coffre_template")  # type: ignore[attr-defined]
    migrate.upgrade(url)
    return "coffre_template"


@pytest.fixture(scope="session")
def postgres_copies(postgres_server: object, postgres_template: str) -> Iterator[DatabaseCopies]:
    """Fresh copies of the template, made ahead on a background thread (tests/servers/pools.py)."""
    copies = DatabaseCopies(postgres_server.url, postgres_template)  # type: ignore[attr-defined]
    try:
        yield copies
    finally:
        copies.close()


@pytest.fixture(scope="session")
def s3_buckets(s3_server: object) -> Buckets:
    """Empty buckets, re-used once emptied (tests/servers/pools.py)."""
    return Buckets(s3_server)  # type: ignore[arg-type]


# A RAM disk, when the machine has one with room to spare (Linux: /dev/shm).
RAM_DISK = Path("/dev/shm")  # noqa: S108 - a private directory is made inside
RAM_DISK_MIN_FREE = 512 * 1024 * 1024


@pytest.fixture(scope="session")
def ram_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the tests' SQLite databases and local object directories live.

    The code under test syncs every commit and every stored object to disk
    (PRAGMA synchronous=FULL, fsync before rename), as it must in production; on a
    test machine's disk those syncs took a quarter to a half of an SQLite test. On a RAM
    disk a sync returns at once and nothing else changes (same files, same locks, same
    WAL). Without one, the pytest temporary directory is used as before.
    """
    usable = (
        RAM_DISK.is_dir()
        and os.access(RAM_DISK, os.W_OK)
        and shutil.disk_usage(RAM_DISK).free >= RAM_DISK_MIN_FREE
    )
    if not usable:
        yield tmp_path_factory.mktemp("data")
        return
    _remove_abandoned(RAM_DISK)
    root = Path(tempfile.mkdtemp(prefix=f"coffre-tests-{os.getpid()}-", dir=RAM_DISK))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _remove_abandoned(ram_disk: Path) -> None:
    """The directories of test runs that were killed (their process is gone): RAM is freed."""
    for path in ram_disk.glob("coffre-tests-*-*"):
        pid = path.name.split("-")[2]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def data_dir(ram_disk: Path) -> Iterator[Path]:
    """A directory of this test's own for its database file and its objects (removed after)."""
    path = Path(tempfile.mkdtemp(dir=ram_disk))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        target = request.getfixturevalue("data_dir") / "coffre.sqlite3"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
    else:
        copies: DatabaseCopies = request.getfixturevalue("postgres_copies")
        url = copies.take()
        try:
            yield url
        finally:
            copies.give_back(url)


@pytest.fixture(scope="session")
def vapid_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the apps of the tests keep their Web Push key (made at the first app's start),
    instead of the repository's var/."""
    return tmp_path_factory.mktemp("vapid") / "vapid.pem"


@pytest.fixture(scope="session")
def audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the apps of the tests keep the audit log's checkpoint key (made at the first
    app's start), instead of the repository's var/."""
    return tmp_path_factory.mktemp("audit-key") / "audit-checkpoint.key"


@pytest.fixture
def settings(
    backend: str,
    database_url: str,
    vapid_key_file: Path,
    audit_key_file: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Settings]:
    common = {
        "environment": "test",
        "secret_key": secrets.token_urlsafe(40),
        "database_url": database_url,
        "max_document_bytes": 8 * 1024 * 1024,
        "push_vapid_key_file": vapid_key_file,
        "audit_key_file": audit_key_file,
    }
    if backend.endswith("local"):
        objects = request.getfixturevalue("data_dir") / "objects"
        yield Settings(storage_backend="local", storage_dir=objects, **common)
        return
    server = request.getfixturevalue("s3_server")
    buckets: Buckets = request.getfixturevalue("s3_buckets")
    bucket = buckets.take()
    yield Settings(
        storage_backend="s3",
        s3_endpoint=server.endpoint,
        s3_access_key=server.access_key,
        s3_secret_key=server.secret_key,
        s3_bucket=bucket,
        s3_secure=False,
        s3_region=server.region,
        **common,
    )
    buckets.give_back(bucket)


@pytest.fixture
def clock() -> FrozenClock:
    # Starts at the real time, so a live server and the TestClient agree on expiry.
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def api(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def live_server(settings: Settings, clock: FrozenClock) -> Iterator[str]:
    with serving(settings, clock) as url:
        yield url


@pytest.fixture
def http(live_server: str) -> Iterator[httpx.Client]:
    """A client for bursts of parallel requests against ``live_server`` (tests.concurrency)."""
    from tests.concurrency import parallel_client

    with parallel_client(live_server) as client:
        yield client
