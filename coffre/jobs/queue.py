"""The job queue on PostgreSQL (COFFRE_JOBS=worker): procrastinate runs the registry's
jobs in ``coffre worker`` processes, as many as the operator starts.

- One procrastinate task per registry job, deferred periodically at the job's
  interval (``every_seconds`` as a cron line; see ``cron_for``). Every worker runs the
  periodic deferrer; the database keeps one job per task and scheduled time
  (procrastinate_periodic_defers), so several workers defer each run once.
- ``lock`` = the job's name: at most one run of a job at a time, across every
  worker; its runs go in the order they were deferred. No ``queueing_lock``: a run put
  back in the queue (a retry, or a killed worker's job) would clash with the next
  periodic run already waiting (procrastinate's unique index on waiting runs), and the
  put-back would fail, leaving the lock held. The job functions are idempotent and
  claim their rows themselves (coffre/jobs/registry.py): the lock saves work, it is
  not what keeps a thing from being done twice.
- A failed run is retried with exponential back-off (2, 4, 8, 16 s), then left
  failed in the queue for the operator; the job's next periodic run starts anew.
- A worker killed mid-job (SIGKILL, a crash, a lost machine) stops sending its
  heartbeat; after COFFRE_JOBS_STALLED_SECONDS every other worker's watch (``watch``)
  puts the job it was running back in the queue, and one of them runs it.
- procrastinate's tables are made by the migrations (coffre/db/migrations, "job
  queue"), never by a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from procrastinate import App, PsycopgConnector, RetryStrategy, exceptions
from sqlalchemy.engine import make_url

from coffre.container import Coffre
from coffre.errors import Unavailable
from coffre.jobs.registry import Job, jobs
from coffre.metrics import JOB_FAILURES, QUEUE_NAME

log = logging.getLogger(__name__)

QUEUE = QUEUE_NAME  # "coffre"; the metrics read its depth (coffre/metrics.py)
# A failed run is tried again after 2, 4, 8 then 16 s (procrastinate waits
# exponential_wait ** (attempts + 1)); after the fourth retry it stays failed.
RETRY = RetryStrategy(max_attempts=4, exponential_wait=2)
# Run once when a worker starts (as the in-process loop does, coffre/jobs/inprocess.py).
AT_START = ("audit.checkpoint",)
# How many jobs one worker runs at once (each on a thread): a slow one (the doctor)
# does not hold up the others.
CONCURRENCY = 4


class QueueNotReady(Unavailable):
    code = "jobs_queue_missing"
    message_fr = (
        "La file des tâches de fond n'existe pas dans la base de données. "
        "Lancez `coffre db upgrade`, puis relancez le worker."
    )


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (psycopg's driver)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def cron_for(every_seconds: int) -> str:
    """A cron line (procrastinate's, seconds in a 6th field) running at most
    ``every_seconds`` apart: an interval cron cannot say is rounded down to one it
    can (90 s -> every minute), so a job runs a little more often, never less."""
    if every_seconds < 60:
        step = _largest_divisor(60, max(every_seconds, 1))
        return f"* * * * * */{step}"
    if every_seconds < 3600:
        step = _largest_divisor(60, every_seconds // 60)
        return f"*/{step} * * * *"
    if every_seconds < 86400:
        step = _largest_divisor(24, every_seconds // 3600)
        return f"0 */{step} * * *"
    return "0 0 * * *"


def _largest_divisor(whole: int, at_most: int) -> int:
    return max(d for d in range(1, at_most + 1) if whole % d == 0)


def make_app(coffre: Coffre) -> App:
    """A procrastinate App on the settings' database with one periodic task per job."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(coffre.settings.database_url)))
    for job in jobs(coffre):
        _register(app, job)
    return app


def _register(app: App, job: Job) -> None:
    def run(timestamp: int) -> None:
        # ``timestamp``: the scheduled time procrastinate passes to periodic tasks.
        try:
            job.run()
        except Exception:
            JOB_FAILURES.labels(job.name).inc()  # then procrastinate retries it (RETRY)
            raise

    task = app.task(
        name=job.name,
        queue=QUEUE,
        lock=job.name,
        retry=RETRY,
    )(run)
    app.periodic(cron=cron_for(job.every_seconds), periodic_id=job.name)(task)


async def work(coffre: Coffre, *, concurrency: int = CONCURRENCY) -> None:
    """Run one worker until SIGINT/SIGTERM (procrastinate stops it gracefully)."""
    app = make_app(coffre)
    stalled = coffre.settings.jobs_stalled_seconds
    async with app.open_async():
        if not await app.job_manager.check_connection_async():
            raise QueueNotReady()
        await _defer_at_start(app)
        watching = asyncio.create_task(watch(app, stalled))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                update_heartbeat_interval=stalled / 3,
                stalled_worker_timeout=stalled,
                # Finished runs leave the queue; failed ones stay for the operator.
                delete_jobs="successful",
            )
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching


async def _defer_at_start(app: App) -> None:
    for name in AT_START:
        await app.tasks[name].defer_async(timestamp=int(time.time()))


async def watch(app: App, stalled_seconds: float) -> None:
    """Every third of ``stalled_seconds``: put back in the queue the jobs of workers
    silent for longer (killed mid-job), so another runs them. Every worker watches;
    a job is put back once (procrastinate's retry takes only a job still 'doing')."""
    while True:
        await asyncio.sleep(stalled_seconds / 3)
        try:
            await retry_stalled(app, stalled_seconds)
        except exceptions.ConnectorException:
            log.warning("stalled jobs check deferred: database unavailable")


async def retry_stalled(app: App, stalled_seconds: float) -> int:
    """Put back the jobs of silent workers; how many were put back by this call."""
    put_back = 0
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds)
    for stalled_job in stalled:
        try:
            await app.job_manager.retry_job(stalled_job)
        except exceptions.ConnectorException:
            # Another worker's watch put it back first.
            continue
        put_back += 1
        log.warning("job %s of a silent worker put back in the queue", stalled_job.task_name)
    return put_back
