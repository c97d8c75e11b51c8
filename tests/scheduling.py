"""The order test files are handed to the pytest-xdist workers: longest first.

``scripts/test`` runs two workers with ``--dist loadfile`` (a test module stays on one
worker). pytest-xdist hands the files out by NUMBER of tests, largest first, so the
slow files with few tests (a browser journey, the schemathesis walk, the worker-kill
test, the wheel) went last, and the suite ended with one worker running them alone
while the other was idle. Here the files are ordered by their expected TIME instead
(longest processing time first: the two workers finish within about the last file of
each other):

- a test's time is what it took at the last run that ran it (setup + call +
  teardown, recorded by the main process in pytest's cache, ``.pytest_cache``, key
  ``coffre/durations``);
- a test never run here is estimated from its fixtures (a page in Chromium, a live
  server, a database and object store, or none);
- a file whose time is not in its fixtures (processes it starts, a module-scoped world,
  a long loop in one test) counts at least its ``FILE_SECONDS`` while none of its
  tests has a recorded time. CI runs on a fresh clone (no cache): without this, the
  schemathesis walk or the authorisation matrix, estimated as a few pure or backend
  tests, were handed out last and ran alone at the end.

Only the order changes: every test runs, in its file, in its usual order. Each worker
computes the same order (the cache is written once, at the end of the main process's
session), as pytest-xdist requires. ``-p no:cacheprovider`` falls back to the
estimates.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CACHE_KEY = "coffre/durations"

# Estimates (seconds) for a test without a recorded time, from the last full runs on
# 2 cores: a page test (Argon2id in WebAssembly at each sign-up or log-in, axe) ~8 s;
# a live server ~1.5 s; a test on a database + object store ~0.6 s; pure logic ~0.05 s.
BROWSER_SECONDS = 8.0
LIVE_SERVER_SECONDS = 1.5
BACKEND_SECONDS = 0.6
PURE_SECONDS = 0.05

# Files whose time the fixture estimates miss by far: at least this many seconds
# (measured file by file on the shared machine of issue 21, load 6 to 13 on 2 cores,
# or as their authors reported them; docs/RELIABILITY.md, "Test suite time").
FILE_SECONDS = {
    "tests/api/test_schemathesis.py": 120.0,  # one SQLite scene, 7 roles: 119-192 s
    "tests/authz/test_matrix.py": 100.0,  # one scene per backend: 125 s
    "tests/test_operations_doc.py": 100.0,  # 16 coffre processes, 2 servers: 103-146 s
    "tests/test_wheel.py": 60.0,  # builds and installs the wheel, serves it
    "tests/processes/test_three_processes.py": 60.0,  # three `coffre serve` processes
    "tests/bench/test_bench_smoke.py": 40.0,  # each bench, tiny sizes, with servers
    "tests/backup/test_drill.py": 30.0,  # backup, wipe, restore, doctor (tests/backup: 69 s)
}


def estimate(item: pytest.Item) -> float:
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & {"chromium", "phone", "page", "second_phone"}:
        return BROWSER_SECONDS
    if fixtures & {"live_server", "http"}:
        return LIVE_SERVER_SECONDS
    if "backend" in fixtures:
        return BACKEND_SECONDS
    return PURE_SECONDS


def order_longest_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group ``items`` by file, the files with the longest expected time first (stable)."""
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    known: dict[str, float] = cache.get(CACHE_KEY, {}) if cache is not None else {}
    by_file: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        by_file[item.nodeid.split("::", 1)[0]].append(item)
    weight = {
        path: sum(known.get(item.nodeid, estimate(item)) for item in file_items)
        for path, file_items in by_file.items()
    }
    for path, floor in FILE_SECONDS.items():
        if path in by_file and not any(item.nodeid in known for item in by_file[path]):
            weight[path] = max(weight[path], floor)
    ordered = sorted(by_file, key=lambda path: -weight[path])
    items[:] = [item for path in ordered for item in by_file[path]]


class DurationRecorder:
    """In the main process: each test's setup + call + teardown time, saved at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.seconds: dict[str, float] = defaultdict(float)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] += report.duration

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        cache = getattr(self.config, "cache", None)  # None with -p no:cacheprovider
        if cache is None or not self.seconds:
            return
        durations: dict[str, float] = cache.get(CACHE_KEY, {})
        durations.update({nodeid: round(s, 3) for nodeid, s in self.seconds.items()})
        cache.set(CACHE_KEY, durations)


def configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: the main process records and schedules
    # The files are already in the order wanted (order_longest_first, in each worker's
    # collection): pytest-xdist must not re-sort them by number of tests.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    config.pluginmanager.register(DurationRecorder(config), "coffre-durations")
