"""Parallel bursts for the tests of limits under concurrency (issue 14, item 1)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx

T = TypeVar("T")


def burst(count: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(0) … call(count - 1)`` on ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def one(index: int) -> T:
        barrier.wait(timeout=30)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


PARALLEL = 20


def parallel_client(base_url: str) -> httpx.Client:
    """An HTTP client that keeps ``PARALLEL`` connections open, so a burst is parallel."""
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)
    return httpx.Client(base_url=base_url, timeout=60, limits=limits)


def answer(response: httpx.Response) -> tuple[int, str]:
    """A response as the tests compare them: the status, and the error code if any."""
    if response.status_code < 300:
        return response.status_code, ""
    return response.status_code, str(response.json()["error"]["code"])
