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
  server, a database and object store, or none).

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
