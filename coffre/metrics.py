"""Coffre's Prometheus metrics: the one list of what is counted, as plain prometheus_client
objects in the process's default registry (docs/OPERATIONS.md, "Metrics and logs").

Each process (an app, a worker) counts its own and serves them on a private port of its
own (COFFRE_METRICS_PORT, cli/server.py), never through the public app or the proxy.
One process per container (no uvicorn --workers), so no multiprocess mode is needed:
Prometheus scrapes every process and sums.

What a label may hold: a route's template, a method, a status, a stable error code, a
job's name, a pull's outcome. Never an id, a login or a path as sent (a person's id is
personal data, and every distinct value is a new series).

The events are counted where they happen, with one line (``PULLS.labels("ok").inc()``);
two values are read from the database at scrape time instead (``StateCollector``): the
age of the last audit checkpoint and the job queue's depth, so that every process
reports the same truth, whichever wrote it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from coffre.clock import Clock
    from coffre.db.engine import Database

log = logging.getLogger(__name__)

# -- requests (api/observability.py) ---------------------------------------------------
HTTP_REQUESTS = Counter(
    "coffre_http_requests",
    "Requests answered, by route template, method and status.",
    ("route", "method", "status"),
)
# Buckets from a cached page (ms) to a 60 MiB document through a slow link (a minute).
HTTP_SECONDS = Histogram(
    "coffre_http_request_seconds",
    "Time from a request's arrival to its answer's last byte, by route template and method.",
    ("route", "method"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)

# -- the domain's events ----------------------------------------------------------------
# A professional's pull of a granted document (coffre/consent/grants.py): "ok", "refused"
# (the grant is not active: expired, revoked, used up, outside its purpose) or
# "not_found" (not their grant, or a document it does not cover).
PULLS = Counter("coffre_pulls", "Pulls of granted documents, by outcome.", ("outcome",))
# Every answer that refuses a request, by its stable code (docs/ERRORS.md): a bounded
# set, each one named in the docs; counted by the API's one error handler.
REFUSALS = Counter(
    "coffre_refusals", "Requests refused, by stable error code (docs/ERRORS.md).", ("code",)
)
# Entries added to the audit log, counted when their transaction commits.
AUDIT_APPENDS = Counter("coffre_audit_appends", "Audit log entries committed.")
# Logins refused by the login limits (coffre/accounts/throttle.py), before any check
# of the credentials.
LOGINS_THROTTLED = Counter("coffre_logins_throttled", "Login attempts refused by the login limits.")
# A background job's round that failed (coffre/jobs/): deferred (the database or the
# store unavailable) or raised; by the job's stable name.
JOB_FAILURES = Counter(
    "coffre_job_failures", "Background job rounds that failed, by job.", ("job",)
)

_AUDIT_PENDING = "coffre_metrics_audit_pending"


def audit_appended(db: Session) -> None:
    """One entry added in ``db``'s transaction: counted if and when it commits."""
    db.info[_AUDIT_PENDING] = db.info.get(_AUDIT_PENDING, 0) + 1


@event.listens_for(Session, "after_commit")
def _count_committed_appends(session: Session) -> None:
    pending = session.info.pop(_AUDIT_PENDING, 0)
    if pending:
        AUDIT_APPENDS.inc(pending)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_appends(session: Session) -> None:
    session.info.pop(_AUDIT_PENDING, None)


# -- read at scrape time ------------------------------------------------------------------
# procrastinate's states a job waits, runs or stays in (failed: left for the operator).
_QUEUE_STATES = ("todo", "doing", "failed")
# coffre/jobs/queue.py's QUEUE (not imported: procrastinate stays out of the app).
QUEUE_NAME = "coffre"
_QUEUE_DEPTH = text(
    "SELECT status::text, count(*) FROM procrastinate_jobs "
    "WHERE queue_name = :queue AND status::text IN ('todo', 'doing', 'failed') GROUP BY status"
)


class StateCollector(Collector):
    """The audit checkpoint's age and the job queue's depth, read from the database of
    the process's ``Coffre`` at each scrape (two small queries).

    Registered once per process; ``watch`` / ``unwatch`` give it the database (the app's
    lifespan, the worker). With none, or the database down, these metrics are absent
    from the scrape (Prometheus' ``absent()`` then alerts), the others still served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: list[tuple[Database, Clock, bool]] = []

    def watch(self, db: Database, clock: Clock, *, queue: bool) -> None:
        """Read ``db`` at scrape time; ``queue``: it holds the job queue (PostgreSQL)."""
        with self._lock:
            self._watched.append((db, clock, queue))

    def unwatch(self, db: Database) -> None:
        with self._lock:
            self._watched = [w for w in self._watched if w[0] is not db]

    def describe(self) -> Iterable[Metric]:
        # No database read when registered (prometheus_client calls describe then).
        return []

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            watched = self._watched[-1] if self._watched else None
        if watched is None:
            return
        db, clock, queue = watched
        try:
            age, depth = _read_state(db, clock, queue)
        except SQLAlchemyError as exc:
            log.warning("metrics: database unavailable at scrape (%s)", type(exc).__name__)
            return
        if age is not None:
            yield GaugeMetricFamily(
                "coffre_audit_checkpoint_age_seconds",
                "Seconds since the last signed audit checkpoint.",
                value=age,
            )
        if depth is not None:
            family = GaugeMetricFamily(
                "coffre_jobs_queue_depth",
                "Jobs in the queue (PostgreSQL), by state: todo (waiting), doing, failed.",
                labels=("state",),
            )
            for state in _QUEUE_STATES:
                family.add_metric((state,), depth.get(state, 0))
            yield family


def _read_state(
    db: Database, clock: Clock, queue: bool
) -> tuple[float | None, dict[str, int] | None]:
    from coffre.audit.models import AuditCheckpoint  # the models import nothing of this

    with db.engine.connect() as connection:
        last = connection.execute(select(func.max(AuditCheckpoint.created_at))).scalar_one()
        depth: dict[str, int] | None = None
        if queue:
            rows = connection.execute(_QUEUE_DEPTH, {"queue": QUEUE_NAME}).all()
            depth = {str(state): int(count) for state, count in rows}
    if last is None:
        return None, depth
    age = (clock.now() - last).total_seconds()
    return max(0.0, age), depth


STATE = StateCollector()
REGISTRY.register(STATE)
