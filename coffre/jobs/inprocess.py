"""The in-process job loop: the app's lifespan runs every registry job at its interval.

COFFRE_JOBS=inprocess (the default; SQLite's only choice): no other process to start,
so the README's first command works alone. Each job runs on a worker thread of its
own schedule, so a slow one (the doctor listing a large bucket) delays no other.
Several app processes may each run this loop on one PostgreSQL: every job is
idempotent and claims its rows itself (coffre/jobs/registry.py), so nothing is done
twice.

A job that fails is logged (its name and the error's stable code, never its message's
data: no key, token or name reaches the log) and runs again at its next turn.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import anyio
import anyio.to_thread

from coffre.errors import CoffreError
from coffre.jobs.registry import Job
from coffre.metrics import JOB_FAILURES

log = logging.getLogger(__name__)

# Run once when the loop starts, before its first interval: entries written while the
# server was stopped (operator commands) are signed at once, not one interval later
# (`coffre audit verify` wants every entry older than the interval signed).
AT_START = frozenset({"audit.checkpoint"})


async def run_jobs(jobs: Sequence[Job], *, at_start: frozenset[str] = AT_START) -> None:
    """Run each job every ``job.every_seconds`` until cancelled (the app's shutdown)."""
    async with anyio.create_task_group() as tasks:
        for job in jobs:
            tasks.start_soon(_every, job, job.name in at_start, name=f"job {job.name}")


async def _every(job: Job, now: bool) -> None:
    if now:
        await run_once(job)
    while True:
        await anyio.sleep(job.every_seconds)
        await run_once(job)


async def run_once(job: Job) -> bool:
    """One round of ``job`` on a worker thread; False when it failed (and was logged)."""
    try:
        await anyio.to_thread.run_sync(job.run)
    except CoffreError as exc:
        # The database or the store is unavailable: the next turn tries again.
        log.warning("background job %s deferred: %s", job.name, exc.code)
        JOB_FAILURES.labels(job.name).inc()
        return False
    except Exception:
        # A fault in one job must not stop the others (nor the server): logged with its
        # traceback (code lines, no values), then tried again at its next turn.
        log.exception("background job %s failed", job.name)
        JOB_FAILURES.labels(job.name).inc()
        return False
    return True
