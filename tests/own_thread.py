"""Run an event loop's entry point on a thread of its own.

A browser test earlier in the same pytest worker leaves Playwright's asyncio loop
running on the main thread (its sync API, session-scoped in tests/web/conftest.py),
where a second loop cannot start ("Already running asyncio in this thread",
"asyncio.run() cannot be called from a running event loop"). Tests that start a loop
(``anyio.run``, ``asyncio.run``, a bench's driver) call it through ``on_own_thread``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def on_own_thread(call: Callable[[], T]) -> T:
    """``call()`` on a new thread; its result, or its exception raised here."""
    results: list[T] = []
    failures: list[BaseException] = []

    def target() -> None:
        try:
            results.append(call())
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    thread = threading.Thread(target=target, name="own-event-loop")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
    return results[0]
