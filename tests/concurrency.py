"""Parallel bursts for the tests of limits under concurrency (issue 14, item 1)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def burst(count: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(0) … call(count - 1)`` on ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def one(index: int) -> T:
        barrier.wait(timeout=30)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))
